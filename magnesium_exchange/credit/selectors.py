"""Reads of credit: a member's credit report from the platform's own records, consents, the reads log,
and which bank an officer or a bank App acts for.

The report is built by ``credit_report_build`` in a fixed number of SQL queries whatever the member's
history (every figure is aggregated in the database):

1. trades of the last twelve months grouped by month, as buyer and as seller;
2. settlements, as buyer and as seller: on time, late, defaulted, pending;
3. weighbridge discrepancies (outbound weight beyond the warehouse's tolerance) at receipts the member
   deposited or held: count, unresolved, tonnes of difference;
4. the latest few of those discrepancies;
5. loans: taken, active, overdue, in a forced sale, repaid, in default, principal taken;
6. margin calls: opened, resolved, missed, open.

Every number is a decimal string (tonnes to three places, yuan to the fen) so the report is plain JSON
and its signed statement is reproducible byte for byte.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Max, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Abs, Cast, TruncMonth
from django.utils import timezone

from magnesium_exchange.credit.models import CreditConsent, CreditReportRead
from magnesium_exchange.financing.models import Bank, Loan, LoanStatus, MarginCall, MarginCallStatus
from magnesium_exchange.members.models import Member
from magnesium_exchange.settlement.models import Settlement, SettlementStatus
from magnesium_exchange.trading.models import Trade
from magnesium_exchange.warehouses.models import WarehouseAlert

REPORT_VERSION = 1
MONTHS = 12
LATEST_DISCREPANCIES = 5
WEIGHT_MISMATCH = "withdrawal_weight_mismatch"  # the alert warehouses.services.supervision raises
TONNES = Decimal("0.001")
YUAN = Decimal("0.01")


def _t(value) -> str:
    return str((value or Decimal("0")).quantize(TONNES))


def _y(value) -> str:
    return str((value or Decimal("0")).quantize(YUAN))


def _month_starts(today: dt.date) -> list[dt.date]:
    """The first days of the twelve months ending with ``today``'s month, oldest first."""
    year, month = today.year, today.month
    starts = []
    for _ in range(MONTHS):
        starts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _trading(member, months: list[dt.date], end: dt.datetime) -> dict:
    buyer, seller = Q(buyer=member), Q(seller=member)
    rows = (
        Trade.objects.filter(buyer | seller, executed_at__gte=_aware(months[0]), executed_at__lt=end)
        .annotate(month=TruncMonth("executed_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            bought_trades=Count("id", filter=buyer),
            bought_tonnes=Sum("quantity", filter=buyer),
            bought_value=Sum("value", filter=buyer),
            sold_trades=Count("id", filter=seller),
            sold_tonnes=Sum("quantity", filter=seller),
            sold_value=Sum("value", filter=seller),
        )
        .order_by("month")
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        month = timezone.localtime(month).date() if isinstance(month, dt.datetime) else month
        by_month[(month.year, month.month)] = row
    keys = ("bought_trades", "bought_tonnes", "bought_value", "sold_trades", "sold_tonnes", "sold_value")
    totals = dict.fromkeys(keys, 0)
    result = []
    for start in months:
        row = by_month.get((start.year, start.month), {})
        for key in keys:
            totals[key] += row.get(key) or 0
        result.append(
            {
                "month": f"{start:%Y-%m}",
                "bought_trades": row.get("bought_trades") or 0,
                "bought_tonnes": _t(row.get("bought_tonnes")),
                "bought_value": _y(row.get("bought_value")),
                "sold_trades": row.get("sold_trades") or 0,
                "sold_tonnes": _t(row.get("sold_tonnes")),
                "sold_value": _y(row.get("sold_value")),
            }
        )
    return {
        "months": result,
        "totals": {
            "bought_trades": totals["bought_trades"],
            "bought_tonnes": _t(totals["bought_tonnes"]),
            "bought_value": _y(totals["bought_value"]),
            "sold_trades": totals["sold_trades"],
            "sold_tonnes": _t(totals["sold_tonnes"]),
            "sold_value": _y(totals["sold_value"]),
        },
    }


def _settlements(member, as_of: dt.datetime) -> dict:
    """On time: completed by the deadline. Late: completed after it, or still unpaid past it (the default
    job has not run yet). Defaulted: the buyer did not pay. Pending: not due yet."""
    completed = Q(status=SettlementStatus.COMPLETED)
    on_time = completed & Q(settled_at__lte=F("due_at"))
    late = (completed & Q(settled_at__gt=F("due_at"))) | Q(status=SettlementStatus.PENDING, due_at__lt=as_of)
    defaulted = Q(status=SettlementStatus.DEFAULTED)
    pending = Q(status=SettlementStatus.PENDING, due_at__gte=as_of)
    aggregates = {}
    for side in ("buyer", "seller"):
        mine = Q(**{side: member})
        aggregates.update(
            {
                f"{side}_on_time": Count("id", filter=mine & on_time),
                f"{side}_late": Count("id", filter=mine & late),
                f"{side}_defaulted": Count("id", filter=mine & defaulted),
                f"{side}_pending": Count("id", filter=mine & pending),
                f"{side}_defaulted_value": Sum("trade__value", filter=mine & defaulted),
            }
        )
    totals = Settlement.objects.filter(Q(buyer=member) | Q(seller=member)).aggregate(**aggregates)
    return {
        ("as_buyer" if side == "buyer" else "as_seller"): {
            "on_time": totals[f"{side}_on_time"],
            "late": totals[f"{side}_late"],
            "defaulted": totals[f"{side}_defaulted"],
            "pending": totals[f"{side}_pending"],
            "defaulted_value": _y(totals[f"{side}_defaulted_value"]),
        }
        for side in ("buyer", "seller")
    }


def _weighbridge(member) -> dict:
    alerts = WarehouseAlert.objects.filter(
        Q(receipt__depositor=member) | Q(receipt__holder=member), kind=WEIGHT_MISMATCH
    )
    difference = Cast(KeyTextTransform("difference", "data"), DecimalField(max_digits=14, decimal_places=3))
    totals = alerts.aggregate(
        count=Count("id"), unresolved=Count("id", filter=Q(resolved_at__isnull=True)), tonnes=Sum(Abs(difference))
    )
    latest = [
        {
            "receipt": row["receipt__number"],
            "warehouse": row["warehouse__code"],
            "date": f"{timezone.localtime(row['created_at']):%Y-%m-%d}",
            "difference_tonnes": _t(Decimal(row["data"].get("difference") or "0")),
            "tolerance_tonnes": _t(Decimal(row["data"].get("tolerance") or "0")),
            "resolved": row["resolved_at"] is not None,
        }
        for row in alerts.order_by("-id").values(
            "receipt__number", "warehouse__code", "created_at", "data", "resolved_at"
        )[:LATEST_DISCREPANCIES]
    ]
    return {
        "discrepancies": totals["count"],
        "unresolved": totals["unresolved"],
        "difference_tonnes": _t(totals["tonnes"]),
        "latest": latest,
    }


def _loans(member, today: dt.date) -> dict:
    taken = Q(disbursed_at__isnull=False)
    running = Q(status__in=[LoanStatus.ACTIVE, LoanStatus.ENFORCING])
    totals = Loan.objects.filter(borrower=member).aggregate(
        applied=Count("id"),
        rejected=Count("id", filter=Q(status=LoanStatus.REJECTED)),
        taken=Count("id", filter=taken),
        active=Count("id", filter=Q(status=LoanStatus.ACTIVE)),
        overdue=Count("id", filter=running & Q(due_date__lt=today)),
        forced_sale=Count("id", filter=Q(status=LoanStatus.ENFORCING)),
        repaid=Count("id", filter=Q(status=LoanStatus.REPAID)),
        in_default=Count("id", filter=Q(status=LoanStatus.DEFAULTED)),
        principal_taken=Sum("principal", filter=taken),
        principal_running=Sum("principal", filter=running),
    )
    totals["principal_taken"] = _y(totals["principal_taken"])
    totals["principal_running"] = _y(totals["principal_running"])
    return totals


def _margin_calls(member) -> dict:
    return MarginCall.objects.filter(loan__borrower=member).aggregate(
        opened=Count("id"),
        resolved=Count("id", filter=Q(status=MarginCallStatus.RESOLVED)),
        missed=Count("id", filter=Q(status=MarginCallStatus.MISSED)),
        open=Count("id", filter=Q(status=MarginCallStatus.OPEN)),
    )


def credit_report_build(member, *, today: dt.date | None = None) -> dict:
    """The member's credit report from the exchange's own records, as plain JSON-ready values.

    ``today`` (default: the local date) ends the twelve-month trading window and is the moment against
    which unpaid settlements count as late and loans as overdue; the counts are of the records as they
    stand now. Six queries whatever the history."""
    today = today or timezone.localdate()
    months = _month_starts(today)
    end = _aware(today + dt.timedelta(days=1))
    return {
        "version": REPORT_VERSION,
        "member": {
            "name": member.name,
            "credit_code": member.credit_code,
            "status": str(member.status),
            "member_since": f"{timezone.localtime(member.created_at):%Y-%m-%d}",
        },
        "period": {"from": f"{months[0]:%Y-%m}", "to": f"{months[-1]:%Y-%m}", "as_of": today.isoformat()},
        "currency": "CNY",
        "trading": _trading(member, months, end),
        "settlements": _settlements(member, end if today != timezone.localdate() else timezone.now()),
        "weighbridge": _weighbridge(member),
        "loans": _loans(member, today),
        "margin_calls": _margin_calls(member),
    }


# --- banks -----------------------------------------------------------------------------------------


def bank_list_active():
    return Bank.objects.filter(is_active=True).order_by("id")


def bank_get_active(code: str) -> Bank | None:
    """The active bank with this code, else None."""
    return bank_list_active().filter(code=code).first()


# --- consents and reads -----------------------------------------------------------------------------


def credit_consent_in_force(member, bank) -> CreditConsent | None:
    return CreditConsent.objects.filter(member=member, bank=bank, revoked_at__isnull=True).order_by().first()


def _with_reads(queryset):
    return queryset.select_related("bank", "member").annotate(
        read_count=Count("reads"), last_read_at=Max("reads__read_at")
    )


def credit_consent_list_for_member(member):
    """Every consent the member gave (in force and revoked), newest first, with how often and when last read."""
    return _with_reads(CreditConsent.objects.filter(member=member)).order_by("-id")


def credit_consent_list_for_bank(bank, *, in_force: bool | None = None):
    queryset = CreditConsent.objects.filter(bank=bank)
    if in_force is not None:
        queryset = queryset.filter(revoked_at__isnull=in_force)
    return _with_reads(queryset).order_by("-id")


def credit_report_read_list_for_member(member):
    """Who read the member's report, when, for which bank: newest first."""
    return (
        CreditReportRead.objects.filter(member=member)
        .select_related("bank", "reader_user", "reader_app")
        .order_by("-id")
    )


def credit_report_read_list_for_bank(bank):
    return (
        CreditReportRead.objects.filter(bank=bank).select_related("member", "reader_user", "reader_app").order_by("-id")
    )


def credit_member_by_code(credit_code: str):
    """The member with this unified social credit code (spaces and case ignored), or None."""
    code = (credit_code or "").replace(" ", "").strip().upper()
    if not code or len(code) > 18:
        return None
    return Member.objects.filter(credit_code=code).order_by().first()
