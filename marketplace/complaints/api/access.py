"""Who sees and handles a complaint: the buyer who filed it, the members of the shop it is about,
operators holding MANAGE_COMPLAINTS."""

from __future__ import annotations

from marketplace.complaints.models import Complaint
from marketplace.complaints.selectors import complaint_is_party
from marketplace.shops.access import require_shop_access
from marketplace.shops.selectors import shop_is_member
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.permissions import has_one_of, requestor
from meidu.core.permissions import ComplaintPermissions

PERM = ComplaintPermissions.MANAGE_COMPLAINTS


def is_complaint_operator(info) -> bool:
    return has_one_of(requestor(info), [PERM])


def can_read_complaint(info, complaint: Complaint) -> bool:
    if is_complaint_operator(info):
        return True
    return not getattr(info.context, "app", None) and complaint_is_party(info.context.user, complaint)


def complaint_from_id(global_id: str, field: str = "id") -> Complaint:
    return get_node_or_error(Complaint, global_id, "Complaint", field)


def complaint_for_handler(info, global_id: str) -> tuple[Complaint, bool]:
    """The complaint and whether the caller handles it as an operator (True) or for the shop
    (False); PermissionDenied for anyone else, the buyer included."""
    complaint = complaint_from_id(global_id)
    require_shop_access(info, complaint.shop_id, PERM)
    as_shop = not getattr(info.context, "app", None) and shop_is_member(info.context.user, complaint.shop_id)
    return complaint, not as_shop
