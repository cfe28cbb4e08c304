"""Who may plan the runs and who may read a run's manifest."""

from __future__ import annotations

from meidu.core.permissions import LogisticsPermissions

from .models import PlannedRun


def route_may_plan(user) -> bool:
    """The hub's dispatcher (operators hold the permission)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.has_perm(LogisticsPermissions.PLAN_ROUTES.value)


def route_may_read_run(user, run: PlannedRun) -> bool:
    """The dispatcher, and the driver of that run (a driver sees no other van's run)."""
    if route_may_plan(user):
        return True
    return bool(user and user.is_authenticated and run.driver_id is not None and run.driver_id == user.pk)
