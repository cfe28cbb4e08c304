"""Who is calling (a user from a JWT, or an app from its token) and what they may do.

Whether an actor (a user, or an integrations App) holds a permission is answered through the
``actor_permission_checks`` hook (subscriber named in meidu/wiring.py: integrations'
actor_has_permission), so that core imports no domain.
"""

from __future__ import annotations

from typing import Any

from meidu.core.errors import PermissionDenied
from meidu.core.hooks import Hook
from meidu.core.permissions import BasePermissionEnum

actor_permission_checks: Hook[[Any, BasePermissionEnum], bool | None] = Hook("actor_permission_checks")
"""Asked in order whether ``actor`` holds ``permission``; the first answer that is not None counts."""


def actor_has_permission(actor, permission: BasePermissionEnum) -> bool:
    return bool(actor_permission_checks.first(actor, permission))


def requestor(info):
    """The app if an app token was sent, otherwise the (possibly anonymous) user."""
    request = info.context
    return getattr(request, "app", None) or request.user


def has_one_of(actor, permissions: list[BasePermissionEnum]) -> bool:
    return any(actor_has_permission(actor, perm) for perm in permissions)


def check_permissions(info, permissions: list[BasePermissionEnum]) -> None:
    """Raise PermissionDenied (a top-level error naming them) unless the caller holds one of ``permissions``."""
    if permissions and not has_one_of(requestor(info), permissions):
        raise PermissionDenied(permissions)


def require_user(info):
    user = info.context.user
    if not getattr(user, "is_authenticated", False) or getattr(info.context, "app", None):
        raise PermissionDenied(message="You need to be authenticated as a user to perform this action")
    return user
