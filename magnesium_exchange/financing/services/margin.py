"""Margin calls (补仓): a loan whose loan-to-value reaches its warning line gets a call with a deadline to
repay or add receipts; back under the line the call is resolved; past the deadline it is missed, and
the bank may then start a forced sale (services.forced_sale).

The call is the notice: the trader's terminal and the bank portal read the MarginCall rows (and the
loan's events); the bank's systems get webhooks MARGIN_CALL_OPENED and MARGIN_CALL_RESOLVED (the data's
``resolution`` says why: back_under_line, loan_closed or deadline_missed), sent to that bank's App only.

Lock order: the loan row (SELECT ... FOR UPDATE), then its margin call row. The loan services
(repay, collateral add and release) call ``margin_call_review`` at their end, inside their transaction,
holding the loan row already.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from magnesium_exchange.financing.models import LoanStatus, MarginCall, MarginCallStatus
from magnesium_exchange.financing.services.events import loan_event_record, loan_lock, loan_webhook
from magnesium_exchange.financing.services.measure import Measure, loan_measure
from magnesium_exchange.financing.state import OWING_STATUSES
from magnesium_exchange.financing.valuation import DEFAULT_TERMS
from meidu.core.audit.services import audit_record
from meidu.integrations.event_types import WebhookEventType


def warning_line(loan):
    return loan.warning_percent if loan.warning_percent is not None else DEFAULT_TERMS.warning_percent


def call_hours(loan) -> int:
    return loan.margin_call_hours if loan.margin_call_hours is not None else DEFAULT_TERMS.margin_call_hours


def _call_data(call: MarginCall, measured: Measure | None = None) -> dict:
    data = {
        "margin_call": call.pk,
        "margin_call_status": call.status,
        "ltv_percent": str(call.ltv_percent),
        "opened_at": call.opened_at.isoformat(),
        "deadline": call.deadline.isoformat(),
    }
    if call.resolution:
        data["resolution"] = call.resolution
    if measured is not None and measured.ltv_percent is not None:
        data["ltv_percent_now"] = str(measured.ltv_percent)
    return data


def _open(loan, measured: Measure, now) -> MarginCall:
    call = MarginCall.objects.create(
        loan=loan, ltv_percent=measured.ltv_percent, opened_at=now, deadline=now + dt.timedelta(hours=call_hours(loan))
    )
    loan_event_record(
        loan,
        "margin_call_open",
        now=now,
        data={
            "margin_call": call.pk,
            "ltv_percent": str(call.ltv_percent),
            "warning_percent": str(warning_line(loan)),
            "deadline": call.deadline.isoformat(),
        },
    )
    audit_record(
        "exchange.margin_call_open", target=call, data={"loan": loan.number, "ltv_percent": str(call.ltv_percent)}
    )
    loan_webhook(
        WebhookEventType.MARGIN_CALL_OPENED, loan, {**_call_data(call), "warning_percent": str(warning_line(loan))}
    )
    return call


def _close(loan, call: MarginCall, status: str, resolution: str, now, measured: Measure | None = None) -> MarginCall:
    call.status, call.resolution, call.resolved_at = status, resolution, now
    call.save(update_fields=["status", "resolution", "resolved_at"])
    action = "margin_call_missed" if status == MarginCallStatus.MISSED else "margin_call_resolve"
    data = {"margin_call": call.pk, "resolution": resolution}
    if measured is not None and measured.ltv_percent is not None:
        data["ltv_percent"] = str(measured.ltv_percent)
    loan_event_record(loan, action, now=now, data=data)
    audit_record(f"exchange.{action}", target=call, data={"loan": loan.number, **data})
    missed = status == MarginCallStatus.MISSED
    loan_webhook(
        WebhookEventType.MARGIN_CALL_MISSED if missed else WebhookEventType.MARGIN_CALL_RESOLVED,
        loan,
        _call_data(call, measured),
    )
    return call


def _review_locked(loan, measured: Measure, now) -> MarginCall | None:
    call = MarginCall.objects.select_for_update().filter(loan=loan, status=MarginCallStatus.OPEN).first()
    if loan.status not in OWING_STATUSES:
        return _close(loan, call, MarginCallStatus.RESOLVED, "loan_closed", now, measured) if call else None
    if not measured.complete:
        return call  # a grade without a reference price: nothing can be said until one is published
    if measured.ltv_percent >= warning_line(loan):
        if call is None and loan.status == LoanStatus.ACTIVE:  # an enforcing loan is being sold already
            call = _open(loan, measured, now)
        return call
    if call is not None:
        return _close(loan, call, MarginCallStatus.RESOLVED, "back_under_line", now, measured)
    return None


def margin_call_review(loan, *, now=None) -> MarginCall | None:
    """Measure the loan now (debt over its collateral after the haircut at the latest reference
    prices). At or above its warning line with no open call (an active loan): open one, deadline now +
    margin_call_hours, MARGIN_CALL_OPENED to the bank's App. Under the line, or the loan no longer
    owing: resolve the open call (MARGIN_CALL_RESOLVED). Returns the call open after the review, or
    the one just resolved; None when there is neither. Inside the caller's transaction when it holds
    the loan row (the loan services do); otherwise its own."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = loan_lock(loan)
        return _review_locked(locked, loan_measure(locked, day=timezone.localdate(now)), now)


def margin_calls_expire_due(now=None) -> int:
    """Beat: every open call past its deadline. A loan back under its line by now is resolved instead;
    the others are MISSED (the bank may start a forced sale). Each in its own transaction; returns the
    number marked missed."""
    now = now or timezone.now()
    missed = 0
    for pk, loan_id in list(
        MarginCall.objects.filter(status=MarginCallStatus.OPEN, deadline__lte=now)
        .order_by("deadline")
        .values_list("pk", "loan_id")
    ):
        with transaction.atomic():
            loan = loan_lock(loan_id)
            call = MarginCall.objects.select_for_update().filter(pk=pk, status=MarginCallStatus.OPEN).first()
            if call is None:
                continue  # resolved meanwhile
            measured = loan_measure(loan, day=timezone.localdate(now))
            if loan.status not in OWING_STATUSES:
                _close(loan, call, MarginCallStatus.RESOLVED, "loan_closed", now, measured)
            elif measured.complete and measured.ltv_percent < warning_line(loan):
                _close(loan, call, MarginCallStatus.RESOLVED, "back_under_line", now, measured)
            else:
                _close(loan, call, MarginCallStatus.MISSED, "deadline_missed", now, measured)
                missed += 1
    return missed
