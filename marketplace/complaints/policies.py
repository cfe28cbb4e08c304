"""Who may do what to a complaint outside the API (the API has its own door in api/access.py)."""

from __future__ import annotations

from meidu.core.permissions import ComplaintPermissions


def may_handle_as_operator(user) -> bool:
    """Operators holding MANAGE_COMPLAINTS take over complaints a shop let run past its deadline."""
    return bool(getattr(user, "is_active", False)) and user.has_perm(ComplaintPermissions.MANAGE_COMPLAINTS.value)
