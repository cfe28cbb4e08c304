"""Complaint reads: who may see one, and the lists of a buyer, a shop and the operators' queue."""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.complaints.models import OPEN_STATUSES, Complaint, ComplaintStatus
from marketplace.shops.selectors import shop_is_member

RELATED = ("order", "shop")


def complaint_list_for_buyer(user, *, order=None) -> QuerySet[Complaint]:
    """The buyer's complaints (about ``order`` only, when given)."""
    qs = Complaint.objects.filter(buyer=user).select_related(*RELATED)
    return qs.filter(order=order) if order is not None else qs


def complaint_list_for_shop(shop_id: int, *, order=None) -> QuerySet[Complaint]:
    """The shop's complaints (about ``order`` only, when given)."""
    qs = Complaint.objects.filter(shop_id=shop_id).select_related(*RELATED)
    return qs.filter(order=order) if order is not None else qs


def complaint_get_for_buyer(user, order, complaint_id) -> Complaint | None:
    """The buyer's complaint ``complaint_id`` about ``order``, else None."""
    return complaint_list_for_buyer(user, order=order).filter(pk=complaint_id).first()


def complaint_get_for_shop(shop_id: int, order, complaint_id) -> Complaint | None:
    """The shop's complaint ``complaint_id`` about ``order``, else None."""
    return complaint_list_for_shop(shop_id, order=order).filter(pk=complaint_id).first()


def complaint_list_all() -> QuerySet[Complaint]:
    return Complaint.objects.select_related(*RELATED)


def complaint_get(complaint_id: int) -> Complaint | None:
    return complaint_list_all().filter(pk=complaint_id).first()


def complaint_is_party(user, complaint: Complaint) -> bool:
    """The buyer who complained or a member of the shop complained about."""
    if not getattr(user, "is_authenticated", False):
        return False
    return complaint.buyer_id == user.pk or shop_is_member(user, complaint.shop_id)


def order_has_open_complaint(order_id: int) -> bool:
    """Whether a complaint about the order is still being handled (settlement may hold the
    seller's earnings while one is)."""
    return Complaint.objects.filter(order_id=order_id, status__in=OPEN_STATUSES).exists()


def complaint_list_escalated() -> QuerySet[Complaint]:
    """The operators' queue: complaints whose shop missed its deadline, the longest waiting first,
    with the buyer and the timeline for the page (a fixed number of queries)."""
    return (
        complaint_list_all()
        .filter(status=ComplaintStatus.ESCALATED)
        .select_related("buyer")
        .prefetch_related("events", "photos")
        .order_by("escalated_at", "pk")
    )
