"""Reads of the agricultural fair: its phase by date, its stalls by town with their products, and the
fair sales of each stall (orders of the stall's products placed during the fair, one query)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from incubator.fairs.models import Fair, FairStall, FairStallProduct, StallStatus
from marketplace.orders.selectors import product_sales_between


def fair_phase(fair: Fair, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if today < fair.starts_on:
        return "upcoming"
    return "open" if today <= fair.ends_on else "over"


def fair_list() -> QuerySet[Fair]:
    return Fair.objects.order_by("-starts_on", "-id")


def fair_get(pk) -> Fair | None:
    try:
        return Fair.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def fair_current(today: dt.date | None = None) -> Fair | None:
    today = today or timezone.localdate()
    return Fair.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on", "-id").first()


def stall_list(fair: Fair, *, approved_only: bool = True) -> list[FairStall]:
    qs = FairStall.objects.filter(fair=fair).select_related("shop", "town")
    if approved_only:
        qs = qs.filter(status=StallStatus.APPROVED)
    products = FairStallProduct.objects.select_related("product").order_by("id")
    return list(qs.prefetch_related(Prefetch("products", queryset=products)).order_by("town__code", "id"))


def approved_stalls_prefetch() -> Prefetch:
    """The approved stalls of a page of fairs with their shops, towns and products: three queries per page."""
    products = FairStallProduct.objects.select_related("product").order_by("id")
    stalls = (
        FairStall.objects.filter(status=StallStatus.APPROVED)
        .select_related("shop", "town")
        .prefetch_related(Prefetch("products", queryset=products))
        .order_by("town__code", "id")
    )
    return Prefetch("stalls", queryset=stalls, to_attr="approved_stalls")


def stall_queryset(fair_id=None) -> QuerySet[FairStall]:
    qs = FairStall.objects.all()
    return qs.filter(fair_id=fair_id) if fair_id is not None else qs


def stall_get(pk) -> FairStall | None:
    try:
        return FairStall.objects.select_related("fair", "shop").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def stalls_by_town(stalls: list[FairStall]) -> list[tuple[object, list[FairStall]]]:
    groups: dict = defaultdict(list)
    for stall in stalls:
        groups[stall.town].append(stall)
    return sorted(groups.items(), key=lambda pair: (pair[0] is None, getattr(pair[0], "code", "")))


def fair_sales(fair: Fair, stalls: list[FairStall]) -> dict[int, dict]:
    """{stall pk: {"orders", "quantity", "amount"}} of the orders of its products during the fair."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(fair.starts_on, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(fair.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    product_stall = {link.product_id: stall.pk for stall in stalls for link in stall.products.all()}
    rows = product_sales_between(product_stall, start, end) if product_stall else []
    totals = {stall.pk: {"orders": 0, "quantity": 0, "amount": Decimal("0.00")} for stall in stalls}
    orders: dict[int, set[int]] = {stall.pk: set() for stall in stalls}
    for row in rows:
        stall_id = product_stall[row["product"]]
        orders[stall_id].add(row["order"])  # an order of two of the stall's products counts once
        totals[stall_id]["quantity"] += row["quantity"] or 0
        totals[stall_id]["amount"] += row["amount"] or Decimal("0")
    for stall_id, seen in orders.items():
        totals[stall_id]["orders"] = len(seen)
    return totals
