"""Reads of the cash on delivery ledger for the hub's till and the drivers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils import timezone

from meidu.core.ledger.models import LedgerAccount, LedgerPosting

from .models import CashDay

PREFIX = "cod:person:"


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def cash_day_movements(account: LedgerAccount, day: date) -> tuple[Decimal, Decimal]:
    """(collected, handed in) on the person's account during the day."""
    start, end = _day_bounds(day)
    rows = LedgerPosting.objects.filter(account=account, created_at__gte=start, created_at__lt=end).aggregate(
        collected=Sum("amount", filter=~Q(transaction__reference__startswith="cod:")),
        handed=Sum("amount", filter=Q(transaction__reference__startswith="cod:person:")),
    )
    return _fen(rows["collected"]), -_fen(rows["handed"])


def _fen(value) -> Decimal:
    return (value or Decimal("0")).quantize(Decimal("0.01"))


def cash_holders(day: date) -> list[dict]:
    """Everyone who holds cash or moved some on the day: what they collected, handed in and still hold,
    and whether their day is closed (three queries whatever the number of people)."""
    start, end = _day_bounds(day)
    accounts = LedgerAccount.objects.filter(code__startswith=PREFIX)
    totals = {
        row["account_id"]: row
        for row in LedgerPosting.objects.filter(account__in=accounts)
        .values("account_id")
        .annotate(
            held=Sum("amount"),
            collected=Sum(
                "amount",
                filter=Q(created_at__gte=start, created_at__lt=end) & ~Q(transaction__reference__startswith="cod:"),
            ),
            handed=Sum(
                "amount",
                filter=Q(created_at__gte=start, created_at__lt=end, transaction__reference__startswith="cod:person:"),
            ),
        )
    }
    codes = {a.pk: a.code for a in accounts if a.pk in totals}
    person_ids = {int(code.split(":")[2]): account_id for account_id, code in codes.items()}
    people = get_user_model().objects.in_bulk(list(person_ids))
    closed = {c.person_id: c for c in CashDay.objects.filter(day=day, person_id__in=list(person_ids))}
    rows = []
    for person_id, account_id in sorted(person_ids.items()):
        total = totals[account_id]
        held, collected, handed = _fen(total["held"]), _fen(total["collected"]), -_fen(total["handed"])
        if not (held or collected or handed or person_id in closed):
            continue
        rows.append(
            {
                "person": people[person_id],
                "held": held,
                "collected": collected,
                "handed_in": handed,
                "closed": closed.get(person_id),
            }
        )
    return rows


def cash_days_flagged(limit: int = 100):
    """Closed days with a difference, newest first: what operators look into."""
    return CashDay.objects.exclude(difference=0).select_related("person", "closed_by").order_by("-day")[:limit]


def cash_held_by(person, currency: str = "CNY") -> Decimal:
    total = LedgerPosting.objects.filter(account__code=f"{PREFIX}{person.pk}:{currency}").aggregate(t=Sum("amount"))
    return _fen(total["t"])


def cash_person_get(person_id: int):
    return get_user_model().objects.filter(pk=person_id, is_active=True).first()
