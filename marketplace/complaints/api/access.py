"""Who sees and handles a complaint: the buyer who filed it, the members of the shop it is about,
operators holding MANAGE_COMPLAINTS."""

from __future__ import annotations

from marketplace.complaints.models import Complaint
from marketplace.complaints.policies import (
    complaint_handles_as_operator,
    complaint_is_operator,
    complaint_may_handle,
    complaint_may_view,
)
from marketplace.shops.access import shop_access_denied
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import ComplaintPermissions

PERM = ComplaintPermissions.MANAGE_COMPLAINTS


def is_complaint_operator(info) -> bool:
    return complaint_is_operator(requestor(info))


def can_read_complaint(info, complaint: Complaint) -> bool:
    return complaint_may_view(requestor(info), complaint)


def complaint_from_id(global_id: str, field: str = "id") -> Complaint:
    return get_node_or_error(Complaint, global_id, "Complaint", field)


def complaint_for_handler(info, global_id: str) -> tuple[Complaint, bool]:
    """The complaint and whether the caller handles it as an operator (True) or for the shop
    (False); PermissionDenied for anyone else, the buyer included (marketplace.complaints.policies)."""
    complaint = complaint_from_id(global_id)
    actor = requestor(info)
    if not complaint_may_handle(actor, complaint):
        raise shop_access_denied(PERM)
    return complaint, complaint_handles_as_operator(actor, complaint)
