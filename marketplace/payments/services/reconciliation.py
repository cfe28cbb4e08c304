"""Reconcile a provider's daily bill against our transactions, whatever the provider.

A gateway turns its bill file into ``BillLine``s (gateways.base); ``bill_reconcile`` matches
them, line by line, with the TransactionEvents that recorded the same movement (CHARGE_SUCCESS
for a payment, REFUND_SUCCESS for a refund, matched by the provider's reference) and records
one ``BillRun`` per (gateway, day) with a ``BillDifference`` for everything that does not
match. A run with differences is FLAGGED: it is logged for the finance operators and waits on
their page (and in the admin) until one of them acknowledges it.

Which of our events belong to a day: the provider's own settlement time when the gateway
recorded it (``data["settledAt"]``, ISO 8601), else when we recorded the event, in the
platform's time zone. A notification that arrives just after midnight therefore still
belongs to the day whose bill lists it. Bill lines are looked up across all time, so a
movement we recorded days later is found, not reported missing.

Lock order: the BillRun row (created or locked FOR UPDATE); transaction items are only read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from marketplace.payments.gateways import GatewayError, gateway_get, gateways_all
from marketplace.payments.gateways.base import BILL_PAYMENT, BILL_REFUND, BillLine
from marketplace.payments.models import (
    BillDifference,
    BillDifferenceKind,
    BillRun,
    BillRunStatus,
    TransactionEvent,
)
from marketplace.payments.models import TransactionEventType as T
from meidu.core.audit.services import audit_record

logger = logging.getLogger("meidu.payments.reconciliation")

EVENT_OF = {BILL_PAYMENT: T.CHARGE_SUCCESS, BILL_REFUND: T.REFUND_SUCCESS}
KIND_OF = {T.CHARGE_SUCCESS: BILL_PAYMENT, T.REFUND_SUCCESS: BILL_REFUND}
LOOKUP_CHUNK = 2000
# Days back the beat job looks at: a day whose bill could not be had is tried again on later runs.
CATCH_UP_DAYS = 3


@dataclass
class _Ours:
    amount: Decimal
    item_id: int
    day: date


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def _event_day(created_at: datetime, data) -> date:
    settled = (data or {}).get("settledAt") if isinstance(data, dict) else None
    moment = parse_datetime(settled) if isinstance(settled, str) else None
    moment = moment or created_at
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).date()


def _rows_to_ours(rows) -> dict[tuple[str, str], _Ours]:
    ours = {}
    for type_, reference, amount, item_id, created_at, data in rows:
        ours[(KIND_OF[type_], reference)] = _Ours(amount, item_id, _event_day(created_at, data))
    return ours


def _our_events(gateway_id: str, day: date) -> dict[tuple[str, str], _Ours]:
    """Our payment and refund events of the gateway recorded from the day before to the day after."""
    start, end = _day_bounds(day)
    rows = (
        TransactionEvent.objects.filter(
            item__gateway=gateway_id,
            type__in=list(KIND_OF),
            created_at__gte=start - timedelta(days=1),
            created_at__lt=end + timedelta(days=1),
        )
        .exclude(psp_reference="")
        .values_list("type", "psp_reference", "amount", "item_id", "created_at", "data")
    )
    return _rows_to_ours(rows.iterator(chunk_size=5000))


def _our_events_by_reference(gateway_id: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], _Ours]:
    """Events outside the window, looked up by the references the bill names."""
    found: dict[tuple[str, str], _Ours] = {}
    references = sorted({reference for _kind, reference in keys})
    for start in range(0, len(references), LOOKUP_CHUNK):
        rows = TransactionEvent.objects.filter(
            item__gateway=gateway_id, type__in=list(KIND_OF), psp_reference__in=references[start : start + LOOKUP_CHUNK]
        ).values_list("type", "psp_reference", "amount", "item_id", "created_at", "data")
        found.update(_rows_to_ours(rows))
    return found


def _difference(kind, line_kind, *, psp_reference="", our_reference="", provider=None, ours=None, item_id=None):
    return BillDifference(
        kind=kind,
        line_kind=line_kind,
        psp_reference=psp_reference[:128],
        our_reference=our_reference[:128],
        provider_amount=provider,
        our_amount=ours,
        transaction_id=item_id,
    )


def _signed(kind: str, amount: Decimal) -> Decimal:
    return amount if kind == BILL_PAYMENT else -amount


def _lock_run(gateway_id: str, bill_date: date) -> BillRun:
    run, _created = BillRun.objects.select_for_update().get_or_create(
        gateway=gateway_id,
        bill_date=bill_date,
        defaults={"status": BillRunStatus.FAILED, "started_at": timezone.now()},
    )
    return run


def bill_reconcile(*, gateway_id: str, bill_date: date, lines: Iterable[BillLine], currency: str = "CNY") -> BillRun:
    """Match one day's bill lines of a gateway against our events; the day's BillRun (MATCHED or FLAGGED).

    A re-run of the same day replaces the run's differences and counts (an acknowledgement is
    kept only when the new run finds nothing). Differences: MISSING_OURS (the provider moved
    money we have no record of), MISSING_PROVIDER (we recorded a movement of that day the bill
    does not list), AMOUNT_MISMATCH, DUPLICATE_LINE. Locks: the BillRun row.
    """
    started = timezone.now()
    provider: dict[tuple[str, str], BillLine] = {}
    differences: list[BillDifference] = []
    provider_total = Decimal("0.00")
    count = 0
    for line in lines:
        count += 1
        key = (line.kind, line.psp_reference)
        if key in provider:
            differences.append(
                _difference(
                    BillDifferenceKind.DUPLICATE_LINE,
                    line.kind,
                    psp_reference=line.psp_reference,
                    our_reference=line.our_reference,
                    provider=line.amount,
                )
            )
            continue
        provider[key] = line
        provider_total += _signed(line.kind, line.amount)

    ours = _our_events(gateway_id, bill_date)
    elsewhere = [key for key in provider if key not in ours]
    if elsewhere:
        ours.update(_our_events_by_reference(gateway_id, elsewhere))

    matched = 0
    for key, line in provider.items():
        mine = ours.get(key)
        if mine is None:
            differences.append(
                _difference(
                    BillDifferenceKind.MISSING_OURS,
                    line.kind,
                    psp_reference=line.psp_reference,
                    our_reference=line.our_reference,
                    provider=line.amount,
                )
            )
        elif mine.amount != line.amount:
            differences.append(
                _difference(
                    BillDifferenceKind.AMOUNT_MISMATCH,
                    line.kind,
                    psp_reference=line.psp_reference,
                    our_reference=line.our_reference,
                    provider=line.amount,
                    ours=mine.amount,
                    item_id=mine.item_id,
                )
            )
        else:
            matched += 1
    our_total = Decimal("0.00")
    for key, mine in ours.items():
        if mine.day != bill_date:
            continue
        our_total += _signed(key[0], mine.amount)
        if key not in provider:
            differences.append(
                _difference(
                    BillDifferenceKind.MISSING_PROVIDER,
                    key[0],
                    psp_reference=key[1],
                    ours=mine.amount,
                    item_id=mine.item_id,
                )
            )

    status = BillRunStatus.FLAGGED if differences else BillRunStatus.MATCHED
    with transaction.atomic():
        run = _lock_run(gateway_id, bill_date)
        run.differences.all().delete()
        for difference in differences:
            difference.run = run
        BillDifference.objects.bulk_create(differences, batch_size=2000)
        run.status = status
        run.lines = count
        run.matched = matched
        run.differences_count = len(differences)
        run.provider_total = provider_total
        run.our_total = our_total
        run.currency = currency
        run.message = ""
        run.started_at = started
        run.finished_at = timezone.now()
        if differences:
            run.acknowledged_at = None
            run.acknowledged_by = None
        run.save()
        if differences:
            audit_record(
                "payment.bill_flagged",
                target=run,
                data={"gateway": gateway_id, "date": bill_date.isoformat(), "differences": len(differences)},
            )
    if differences:
        logger.warning(
            "Bill of %s for %s: %d differences (%s lines, provider %s, ours %s); finance operators must check it",
            gateway_id,
            bill_date,
            len(differences),
            count,
            provider_total,
            our_total,
        )
    return run


def bill_run_failed(*, gateway_id: str, bill_date: date, message: str) -> BillRun:
    """Record that the day's bill could not be had (the next beat run tries again). A day already
    reconciled keeps its result. Locks: the BillRun row."""
    with transaction.atomic():
        run = _lock_run(gateway_id, bill_date)
        if run.status == BillRunStatus.FAILED:
            run.message = message[:512]
            run.finished_at = timezone.now()
            run.save(update_fields=["message", "finished_at"])
    logger.warning("Bill of %s for %s not obtained: %s", gateway_id, bill_date, message)
    return run


def bill_run_acknowledge(run: BillRun, *, actor) -> BillRun:
    """A finance operator has looked at a flagged run's differences (they stay on record).
    Locks: the BillRun row."""
    with transaction.atomic():
        run = BillRun.objects.select_for_update().get(pk=run.pk)
        if run.acknowledged_at is None:
            run.acknowledged_at = timezone.now()
            run.acknowledged_by = actor
            run.save(update_fields=["acknowledged_at", "acknowledged_by"])
            audit_record("payment.bill_acknowledged", actor=actor, target=run, data={"gateway": run.gateway})
    return run


def bill_reconcile_gateway_day(gateway, bill_date: date) -> BillRun:
    """Fetch one day's bill through the gateway and reconcile it; a bill that cannot be had is a FAILED run."""
    try:
        lines = gateway.bill_lines(bill_date)
        return bill_reconcile(gateway_id=gateway.id, bill_date=bill_date, lines=lines)
    except GatewayError as exc:
        return bill_run_failed(gateway_id=gateway.id, bill_date=bill_date, message=str(exc))


def bills_reconcile_due(today: date | None = None) -> list[BillRun]:
    """The beat job: for every available gateway that offers bills, reconcile the last CATCH_UP_DAYS
    days that have no run yet or whose bill could not be had (providers publish a day's bill the
    next morning, so yesterday is tried until it is there)."""
    today = today or timezone.localdate()
    days = [today - timedelta(days=back) for back in range(CATCH_UP_DAYS, 0, -1)]
    runs = []
    for gateway in gateways_all():
        if not callable(getattr(gateway, "bill_lines", None)):
            continue
        done = set(
            BillRun.objects.filter(gateway=gateway.id, bill_date__in=days)
            .exclude(status=BillRunStatus.FAILED)
            .values_list("bill_date", flat=True)
        )
        for day in days:
            if day not in done:
                runs.append(bill_reconcile_gateway_day(gateway, day))
    return runs


def bill_reconcile_again(gateway_id: str, bill_date: date) -> BillRun:
    """An operator asks for a day again (after a correction): fetch and reconcile now."""
    gateway = gateway_get(gateway_id)
    if gateway is None or not callable(getattr(gateway, "bill_lines", None)):
        return bill_run_failed(gateway_id=gateway_id, bill_date=bill_date, message="gateway not available")
    return bill_reconcile_gateway_day(gateway, bill_date)
