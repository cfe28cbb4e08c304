"""Who counts cash in at the hub and closes people's days."""

from __future__ import annotations

from meidu.core.permissions import LogisticsPermissions


def cash_may_reconcile(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.has_perm(LogisticsPermissions.RECONCILE_CASH.value)
