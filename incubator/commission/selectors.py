"""Reads of distributor commission: the rules in force and their trail, a distributor's earnings.

A pending line whose order was delivered and whose after-sales window has closed (and no complaint
is open) reads as earned here even before the hourly job has posted it: a state past its time
never reads as live.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from incubator.commission.models import CommissionLine, CommissionPayoutHold, CommissionSettings, CommissionStatus
from marketplace.complaints.models import OPEN_STATUSES, Complaint
from marketplace.shops.models import Shop, ShopStatus
from meidu.core.audit.models import AuditEvent

ZERO = Decimal("0.00")
S = CommissionStatus


def commission_settings_current() -> CommissionSettings:
    """The rules in force: the newest row, or the safe defaults (unsaved) when none was recorded."""
    return CommissionSettings.objects.order_by("-id").first() or CommissionSettings()


def commission_rule_changes(limit: int = 100):
    """The audit trail of commission rule changes, newest first (for the staff console)."""
    return (
        AuditEvent.objects.filter(action__startswith="commission.settings")
        .select_related("actor_user")
        .order_by("-id")[:limit]
    )


def commission_settings_history(limit: int = 50):
    return CommissionSettings.objects.select_related("created_by").order_by("-id")[:limit]


def distributor_real_name_verified(shop: Shop) -> bool:
    """The existing identity check of a shop: the applicant's real name and a valid ID number
    (checked and hashed when the shop applied), and the application approved by staff (active)."""
    return bool(
        shop.real_name.strip() and shop.id_number_hash and shop.id_number_last4 and shop.status == ShopStatus.ACTIVE
    )


def _window_over(now):
    """Lines whose order is delivered, past its after-sales window, with no complaint open."""
    open_complaint = Complaint.objects.filter(order_id=OuterRef("order_id"), status__in=OPEN_STATUSES)
    return Q(order__delivered_at__isnull=False, order__after_sales_until__lte=now) & ~Q(Exists(open_complaint))


def commission_lines_with_status(queryset, now=None):
    """``queryset`` annotated with ``shown_status``: pending lines past their window read as earned."""
    now = now or timezone.now()
    return queryset.annotate(past_due=Q(status=S.PENDING) & _window_over(now))


def shown_status(line) -> str:
    return S.EARNED if getattr(line, "past_due", False) else line.status


def commission_lines_earn_due(now=None, limit: int = 500) -> list[int]:
    """Orders with pending commission whose window closed (what the hourly job earns)."""
    now = now or timezone.now()
    return list(
        CommissionLine.objects.filter(Q(status=S.PENDING) & _window_over(now))
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()[:limit]
    )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class WeekTotal:
    start: date
    earned: Decimal = ZERO
    clawed_back: Decimal = ZERO


@dataclass
class ProductTotal:
    name: str
    quantity_lines: int = 0
    amount: Decimal = ZERO


@dataclass
class DistributorEarnings:
    currency: str
    this_week: Decimal
    pending: Decimal
    earned: Decimal  # earned, not yet paid (negative: a claw-back debt carried into next week)
    paid: Decimal
    clawed_back: Decimal
    weeks: list[WeekTotal]
    top_products: list[ProductTotal]
    lines: list = field(default_factory=list)
    hold_code: str = ""
    real_name_verified: bool = True


def distributor_earnings(shop: Shop, *, weeks: int = 8, currency: str = "CNY", now=None, lines: int = 20):
    """One distributor's commission: totals by status, the last ``weeks`` weeks (by order date:
    commission credited net of claw-backs), top products, the latest lines. A fixed number of
    queries whatever the number of lines (three, plus one for the latest hold)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    rows = commission_lines_with_status(
        CommissionLine.objects.filter(distributor=shop, currency=currency).exclude(status=S.EXCLUDED), now
    ).values(
        "status",
        "amount",
        "pending_amount",
        "earned_amount",
        "paid_amount",
        "clawed_back_amount",
        "product_name",
        "created_at",
        "past_due",
    )
    pending = earned = paid = clawed = this_week = ZERO
    by_week = {first + timedelta(weeks=i): WeekTotal(first + timedelta(weeks=i)) for i in range(weeks)}
    products: dict[str, ProductTotal] = defaultdict(lambda: ProductTotal(""))
    for row in rows:
        credited = row["pending_amount"] + row["earned_amount"]
        if row["past_due"]:
            earned += credited - row["paid_amount"]
        else:
            pending += row["pending_amount"]
            earned += row["earned_amount"] - row["paid_amount"]
        paid += row["paid_amount"]
        clawed += row["clawed_back_amount"]
        day = timezone.localtime(row["created_at"]).date()
        start = week_start(day)
        if start in by_week:
            by_week[start].earned += credited
            by_week[start].clawed_back += row["clawed_back_amount"]
        if start == week_start(today):
            this_week += credited
        product = products[row["product_name"]]
        product.name = row["product_name"]
        product.quantity_lines += 1
        product.amount += credited
    top = sorted(products.values(), key=lambda p: (-p.amount, p.name))[:5]
    latest = list(
        commission_lines_with_status(
            CommissionLine.objects.filter(distributor=shop, currency=currency).select_related("order"), now
        ).order_by("-id")[:lines]
    )
    hold = CommissionPayoutHold.objects.filter(distributor=shop, currency=currency).order_by("-id").first()
    return DistributorEarnings(
        currency=currency,
        this_week=this_week,
        pending=pending,
        earned=earned,
        paid=paid,
        clawed_back=clawed,
        weeks=[by_week[key] for key in sorted(by_week)],
        top_products=[p for p in top if p.amount or p.quantity_lines],
        lines=latest,
        hold_code=hold.code if hold else "",
        real_name_verified=distributor_real_name_verified(shop),
    )


@dataclass
class CommissionWeek:
    start: date
    pending: Decimal = ZERO
    earned: Decimal = ZERO  # earned, not yet paid (a pending line past its window counts here)
    paid: Decimal = ZERO
    clawed_back: Decimal = ZERO


def commission_weekly_totals(shop_ids, *, weeks: int = 4, currency: str = "CNY", now=None) -> dict[int, list]:
    """Each distributor's commission in each of the last ``weeks`` weeks (by the line's order date,
    newest week first), split as its earnings page splits it: pending, earned (not yet paid), paid,
    clawed back. One query whatever the number of distributors and lines (summed in the database).
    Returns {shop_id: [CommissionWeek, ...]} with an entry for every id asked for."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=n) for n in range(weeks)][::-1]
    ids = list(shop_ids)
    result = {shop_id: [CommissionWeek(start) for start in starts] for shop_id in ids}
    if not ids:
        return result
    due = ExpressionWrapper(Q(status=S.PENDING) & _window_over(now), output_field=BooleanField())
    rows = (
        CommissionLine.objects.filter(distributor_id__in=ids, currency=currency, created_at__date__gte=first)
        .exclude(status=S.EXCLUDED)
        .annotate(week=TruncWeek("created_at"), due=due)
        .values("distributor_id", "week")
        .annotate(
            pending=Sum(Case(When(due=True, then=Value(ZERO)), default=F("pending_amount"))),
            earned=Sum(
                Case(
                    When(due=True, then=F("pending_amount") + F("earned_amount") - F("paid_amount")),
                    default=F("earned_amount") - F("paid_amount"),
                )
            ),
            paid=Sum("paid_amount"),
            clawed_back=Sum("clawed_back_amount"),
        )
    )
    index = {start: n for n, start in enumerate(starts)}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        if week not in index:
            continue
        cell = result[row["distributor_id"]][index[week]]
        cell.pending, cell.earned = row["pending"] or ZERO, row["earned"] or ZERO
        cell.paid, cell.clawed_back = row["paid"] or ZERO, row["clawed_back"] or ZERO
    return result
