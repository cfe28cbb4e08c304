"""Complaint reads: one complaint, a buyer's own, a shop's, and the operators' queue."""

from __future__ import annotations

import graphene

from marketplace.complaints.api.access import PERM, can_read_complaint
from marketplace.complaints.api.types import ComplaintCountableConnection, ComplaintStatusEnum, ComplaintType
from marketplace.complaints.error_codes import ComplaintErrorCode
from marketplace.complaints.selectors import (
    complaint_get,
    complaint_list_all,
    complaint_list_for_buyer,
    complaint_list_for_shop,
)
from marketplace.shops.access import require_shop_access, shop_from_global_id
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.permissions import check_permissions, require_user

NEWEST_FIRST = [SortKey("pk", descending=True)]
PAGE_ARGS = {"first": graphene.Int(), "after": graphene.String(), "last": graphene.Int(), "before": graphene.String()}


def _page(qs, info, status, kwargs):
    if status:
        qs = qs.filter(status=getattr(status, "value", status))
    return paginate(qs, info, ComplaintCountableConnection, sort=NEWEST_FIRST, **kwargs)


class ComplaintQueries(graphene.ObjectType):
    complaint = graphene.Field(
        ComplaintType,
        id=graphene.ID(required=True),
        description="A complaint you filed, about your shop, or any (operators).",
    )
    my_complaints = graphene.Field(
        ComplaintCountableConnection,
        status=ComplaintStatusEnum(),
        **PAGE_ARGS,
        description="Complaints you filed, newest first.",
    )
    shop_complaints = graphene.Field(
        ComplaintCountableConnection,
        shop=graphene.ID(required=True),
        status=ComplaintStatusEnum(),
        **PAGE_ARGS,
        description="Complaints about a shop, newest first (its members and operators).",
    )
    complaints = graphene.Field(
        ComplaintCountableConnection,
        status=ComplaintStatusEnum(),
        **PAGE_ARGS,
        description="Every complaint, newest first (operators; filter ESCALATED for the queue).",
    )

    @staticmethod
    def resolve_complaint(root, info, id):
        try:
            pk = from_global_id_or_error(id, "Complaint")
        except DomainError:
            return None
        complaint = complaint_get(int(pk))
        return complaint if complaint is not None and can_read_complaint(info, complaint) else None

    @staticmethod
    def resolve_my_complaints(root, info, status=None, **kwargs):
        return _page(complaint_list_for_buyer(require_user(info)), info, status, kwargs)

    @staticmethod
    def resolve_shop_complaints(root, info, shop, status=None, **kwargs):
        try:
            found = shop_from_global_id(shop, "shop", ComplaintErrorCode.NOT_FOUND)
        except DomainError:
            return None
        require_shop_access(info, found.pk, PERM)
        return _page(complaint_list_for_shop(found.pk), info, status, kwargs)

    @staticmethod
    def resolve_complaints(root, info, status=None, **kwargs):
        check_permissions(info, [PERM])
        return _page(complaint_list_all(), info, status, kwargs)
