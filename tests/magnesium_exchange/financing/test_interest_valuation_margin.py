"""Daily interest, the daily valuation job and margin calls, through the services: amounts per day and
their rounding, reruns that post and write nothing new, the valuation's numbers, a price drop across
the warning line opening a call told to that bank's App only, a repayment resolving it, a missed
deadline."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from magnesium_exchange.financing.models import LoanEvent, LoanValuation, MarginCall, MarginCallStatus
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.financing.services.interest import (
    interest_of_day,
    loan_interest_accrue,
    loans_interest_accrue_due,
)
from magnesium_exchange.financing.services.loans import loan_collateral_add, loan_repay
from magnesium_exchange.financing.services.margin import margin_call_review, margin_calls_expire_due
from magnesium_exchange.financing.services.valuation_job import loans_value
from magnesium_exchange.financing.tasks import loans_value_daily
from meidu.core.ledger.models import LedgerTransaction
from meidu.integrations.event_types import WebhookEventType
from tests.magnesium_exchange.financing.lending import ledger_sum
from tests.magnesium_exchange.financing.risk_factories import active_loan, deliveries, price_today, subscribe

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_a_days_interest_is_half_up_to_the_fen():
    assert interest_of_day(Decimal("144000.00"), Decimal("4.350")) == Decimal("17.16")  # 17.1616...
    assert interest_of_day(Decimal("150000.00"), Decimal("4.350")) == Decimal("17.88")  # 17.8767...
    assert interest_of_day(Decimal("36500.00"), Decimal("1.005")) == Decimal("1.01")  # exactly 1.005: half up
    assert interest_of_day(Decimal("36500.00"), Decimal("1.004")) == Decimal("1.00")


def test_interest_accrues_per_day_once_and_follows_the_principal(lending):
    loan, _ = active_loan(lending)  # 144,000 at 4.35%: 17.16 a day
    today = TODAY()
    assert loan.interest_accrued_until == today
    assert loan_interest_accrue(loan, until=today + dt.timedelta(days=3)) == Decimal("51.48")
    loan.refresh_from_db()
    assert loan.interest_accrued_until == today + dt.timedelta(days=3)
    assert loan_debt(loan).interest == Decimal("51.48")
    postings = LedgerTransaction.objects.count()

    # Reruns (the service, the beat's job for the same day) post nothing.
    assert loan_interest_accrue(loan, until=today + dt.timedelta(days=3)) == 0
    assert loan_interest_accrue(loan, until=today + dt.timedelta(days=1)) == 0
    assert loans_interest_accrue_due(today + dt.timedelta(days=3)) == 0
    assert LedgerTransaction.objects.count() == postings and loan_debt(loan).interest == Decimal("51.48")

    # Interest first, then 10,000 of principal: the next day accrues on 134,000 (15.9698 -> 15.97).
    loan_repay(loan, member=lending.borrower, amount="10051.48", actor=lending.trader)
    assert loan_debt(loan) == type(loan_debt(loan))(Decimal("134000.00"), Decimal("0.00"))
    assert loans_interest_accrue_due(today + dt.timedelta(days=4)) == 1
    assert loan_debt(loan).interest == Decimal("15.97")
    assert ledger_sum() == 0


def test_a_day_already_posted_is_not_posted_again_by_its_key(lending):
    """Idempotent by the day's key too: were interest_accrued_until ever behind the postings, the
    ledger would refuse to post a day twice (it returns the first posting)."""
    loan, _ = active_loan(lending)
    today = TODAY()
    loan_interest_accrue(loan, until=today + dt.timedelta(days=2))
    loan.refresh_from_db()
    from magnesium_exchange.financing.services.ledger import loan_post_interest

    loan_post_interest(loan, Decimal("17.16"), day_key=today.isoformat())
    assert loan_debt(loan).interest == Decimal("34.32")


def test_valuation_numbers_ltv_and_reruns(lending):
    ccb_loan, _ = active_loan(lending)  # 100 t
    hxb_loan, _ = active_loan(lending, bank=lending.hxb, net="50.000", principal="60000.00")
    result = loans_value()
    assert (result.loans, result.receipts, result.valuations_written, result.calls_opened) == (2, 2, 2, 0)
    ccb = LoanValuation.objects.get(loan=ccb_loan, day=TODAY())
    # 100 t × 3,000 = 300,000; less 20% = 240,000; 144,000 / 240,000 = 60%.
    assert (ccb.tonnes, ccb.market_value, ccb.collateral_value, ccb.debt, ccb.ltv_percent) == (
        Decimal("100.000"),
        Decimal("300000.00"),
        Decimal("240000.00"),
        Decimal("144000.00"),
        Decimal("60.00"),
    )
    assert ccb.prices == {"fm-98": "3000.00"}
    hxb = LoanValuation.objects.get(loan=hxb_loan, day=TODAY())
    assert (hxb.collateral_value, hxb.ltv_percent) == (Decimal("120000.00"), Decimal("50.00"))

    # Rerun after interest accrued: the day's rows are rewritten (one per loan and day), nothing else.
    loan_interest_accrue(ccb_loan, until=TODAY() + dt.timedelta(days=1))
    loans_value()
    assert LoanValuation.objects.count() == 2
    ccb.refresh_from_db()
    assert ccb.debt == Decimal("144017.16") and ccb.ltv_percent == Decimal("60.01")  # rounded up: 60.00715
    assert MarginCall.objects.count() == 0


def test_the_valuation_costs_the_same_queries_for_one_loan_or_many(lending):
    active_loan(lending)
    with CaptureQueriesContext(connection) as one:
        loans_value()
    for _ in range(3):
        active_loan(lending, net="40.000", principal="50000.00")
    with CaptureQueriesContext(connection) as four:
        result = loans_value()
    assert result.loans == 4
    assert len(four.captured_queries) == len(one.captured_queries) <= 8


def test_a_price_drop_opens_a_call_for_that_bank_only_and_a_repayment_resolves_it(lending):
    subscribe(lending.ccb_app, lending.hxb_app)
    loan, _ = active_loan(lending)
    other, _ = active_loan(lending, bank=lending.hxb, net="50.000", principal="60000.00")
    loans_value()
    assert MarginCall.objects.count() == 0

    # 2,700: 270,000 less 20% = 216,000; 144,000 / 216,000 = 66.67% >= 65%. The HXB loan: 55.56%.
    price_today(lending, "2700")
    now = timezone.now()
    result = loans_value(now=now)
    assert (result.calls_opened, result.calls_resolved) == (1, 0)
    call = MarginCall.objects.get()
    assert (call.loan_id, call.status, call.ltv_percent) == (loan.pk, MarginCallStatus.OPEN, Decimal("66.67"))
    assert call.deadline == now + dt.timedelta(hours=72)
    opened = deliveries(WebhookEventType.MARGIN_CALL_OPENED)
    assert [app for app, _ in opened] == [lending.ccb_app.pk]  # CCB's App, never HXB's
    assert opened[0][1]["loan"] == loan.number and opened[0][1]["ltv_percent"] == "66.67"
    assert LoanEvent.objects.filter(loan=loan, action="margin_call_open").exists()
    assert not LoanEvent.objects.filter(loan=other, action="margin_call_open").exists()

    # A second run the same day opens nothing more.
    assert loans_value(now=now).calls_opened == 0 and MarginCall.objects.count() == 1

    # Repaying 4,000: 140,000 / 216,000 = 64.82% < 65%: the call is resolved in the repayment's transaction.
    loan_repay(loan, member=lending.borrower, amount="4000.00", actor=lending.trader)
    call.refresh_from_db()
    assert (call.status, call.resolution) == (MarginCallStatus.RESOLVED, "back_under_line")
    resolved = deliveries(WebhookEventType.MARGIN_CALL_RESOLVED)
    assert [app for app, _ in resolved] == [lending.ccb_app.pk]
    assert resolved[0][1]["ltv_percent_now"] == "64.82"


def test_adding_receipts_answers_a_call(lending):
    loan, _ = active_loan(lending)
    price_today(lending, "2700")
    call = margin_call_review(loan)
    assert call.status == MarginCallStatus.OPEN
    loan_collateral_add(loan, member=lending.borrower, receipts=[lending.receipt(net="10.000")])
    call.refresh_from_db()
    assert call.status == MarginCallStatus.RESOLVED  # 110 t: 144,000 / 237,600 = 60.61%


def test_a_missed_deadline_marks_the_call_missed_and_a_recovered_loan_is_resolved_instead(lending):
    subscribe(lending.ccb_app, lending.hxb_app)
    loan, _ = active_loan(lending)
    recovered, _ = active_loan(lending, bank=lending.hxb, principal="140500.00")  # 65.05% at 2,700
    price_today(lending, "2700")
    loans_value()
    calls = {c.loan_id: c for c in MarginCall.objects.all()}
    assert set(calls) == {loan.pk, recovered.pk}
    deadline = calls[loan.pk].deadline
    assert margin_calls_expire_due(now=deadline - dt.timedelta(seconds=1)) == 0

    loan_repay(
        recovered, member=lending.borrower, amount="100.00", actor=lending.trader
    )  # 140,400: 65.00%, still on it
    price_today(lending, "2710")  # the market recovers a little: 140,400 / 216,800 = 64.76%
    assert margin_calls_expire_due(now=deadline + dt.timedelta(seconds=1)) == 1
    calls = {c.loan_id: c for c in MarginCall.objects.all()}
    assert (calls[loan.pk].status, calls[loan.pk].resolution) == (MarginCallStatus.MISSED, "deadline_missed")
    assert (calls[recovered.pk].status, calls[recovered.pk].resolution) == (
        MarginCallStatus.RESOLVED,
        "back_under_line",
    )
    assert LoanEvent.objects.filter(loan=loan, action="margin_call_missed").exists()
    # the bank hears of the miss as such (its cue for a forced sale), the recovery as a resolution
    assert [data["loan"] for _app, data in deliveries(WebhookEventType.MARGIN_CALL_MISSED)] == [loan.number]
    assert recovered.number in [data["loan"] for _app, data in deliveries(WebhookEventType.MARGIN_CALL_RESOLVED)]
    assert margin_calls_expire_due(now=deadline + dt.timedelta(hours=1)) == 0  # nothing left to expire


def test_the_daily_task_values_once_after_the_close(lending, settings):
    settings.EXCHANGE_MARKET_CLOSE = "15:30"
    active_loan(lending)
    day = TODAY()
    morning = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    evening = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 0)))
    assert loans_value_daily(now=morning.isoformat()) == "before the close"
    assert LoanValuation.objects.count() == 0
    assert loans_value_daily(now=evening).startswith(f"{day}: 1 loans, 1 receipts")
    assert loans_value_daily(now=evening) == f"{day}: valued already"
    assert LoanValuation.objects.count() == 1
