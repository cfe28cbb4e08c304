"""Who may do what with payments: finance operators (users or apps holding HANDLE_PAYMENTS)."""

from __future__ import annotations

from meidu.core.permissions import PaymentPermissions
from meidu.integrations.services.apps import actor_has_permission


def may_reconcile_bills(actor) -> bool:
    """Finance operators read the daily bill reconciliations and acknowledge flagged ones."""
    return actor_has_permission(actor, PaymentPermissions.HANDLE_PAYMENTS)
