"""Who is calling (a user from a JWT, or an app from its token) and what they may do."""

from __future__ import annotations

from meidu.core.errors import PermissionDenied
from meidu.core.permissions import BasePermissionEnum
from meidu.integrations.services.apps import actor_has_permission


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
