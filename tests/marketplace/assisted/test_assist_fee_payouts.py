"""A station agent's earned fees ride the weekly payout batch exactly once: one AGENT_FEES transfer per
agent (to the station shop's account), a line per order, balanced postings from the agent's fee account
to its paid-out account; a rerun of the week pays nothing again; a fee clawed back before its payout
is never paid, one clawed back after it is netted in the next week; a returned transfer is paid again
in a later batch; a suspended station shop's agent is held."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.orders.services.lifecycle import order_cancel, order_fulfill, order_refund
from marketplace.orders.services.pickup import order_pickup_verify
from marketplace.settlement.accounts import agent_fee_code, agent_paid_out_code
from marketplace.settlement.models import AssistFee, Payout, PayoutLine, PayoutPurpose, PayoutStatus
from marketplace.settlement.services.payouts import payout_batch_create, payout_mark_failed
from marketplace.shops.models import ShopStatus
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.selectors import ledger_balance
from tests.marketplace.settlement.helpers import assert_every_transaction_balances
from tests.support.assisted import confirmed_by_code

D = Decimal


@pytest.fixture(autouse=True)
def fee_terms(settings):
    settings.ASSISTED_ORDER_FEE_PERCENT = "2.00"
    settings.ASSISTED_ORDER_FEE_MINIMUM = "1.00"
    settings.PHONE_CODE_COOLDOWN_SECONDS = 0


def _balance(code: str) -> Decimal:
    account = LedgerAccount.objects.filter(code=code).first()
    return ledger_balance(account).amount if account else D("0.00")


def _delivered(station, agent, fertiliser, bags=2):
    _assisted, [order] = confirmed_by_code(agent, station, fertiliser["variant"], bags)
    order_fulfill(order, actor=fertiliser["owner"], lines=[(line, line.quantity, None) for line in order.lines.all()])
    order.refresh_from_db()
    return order_pickup_verify(station, order.pickup_code, agent=agent, cash_collected=True)


def _agent_payouts():
    return list(Payout.objects.filter(purpose=PayoutPurpose.AGENT_FEES).order_by("pk"))


def test_earned_fees_are_paid_once_in_the_weekly_batch(station, station_agent, fertiliser):
    order = _delivered(station, station_agent, fertiliser)  # 2% of ¥300
    week = timezone.localdate()
    batch = payout_batch_create(week)
    [payout] = _agent_payouts()
    assert (payout.batch, payout.agent, payout.shop, payout.amount) == (batch, station_agent, station.shop, D("6.00"))
    assert payout.reference.startswith(f"MD{week:%Y%m%d}A{station.shop_id}U{station_agent.pk}")
    assert list(PayoutLine.objects.filter(payout=payout).values_list("order_id", "amount")) == [(order.pk, D("6.00"))]
    assert AssistFee.objects.get(order=order).paid_amount == D("6.00")
    assert _balance(agent_fee_code(station_agent.pk, "CNY")) == 0
    assert _balance(agent_paid_out_code(station_agent.pk, "CNY")) == D("6.00")

    assert payout_batch_create(week).pk == batch.pk  # the same week again: the same batch, nothing more
    payout_batch_create(week + timedelta(days=7))  # the next week: the fee is not paid twice
    assert len(_agent_payouts()) == 1
    assert_every_transaction_balances()


def test_a_fee_clawed_back_before_its_payout_is_never_paid(station, station_agent, fertiliser):
    order = _delivered(station, station_agent, fertiliser)
    order_refund(order, order.charged_amount, actor=fertiliser["owner"], reason="bags torn")
    _assisted, [cancelled] = confirmed_by_code(station_agent, station, fertiliser["variant"], 1)
    order_cancel(cancelled, actor=fertiliser["owner"], reason="out of season")
    payout_batch_create(timezone.localdate())
    assert _agent_payouts() == []
    assert _balance(agent_fee_code(station_agent.pk, "CNY")) == 0
    assert_every_transaction_balances()


def test_a_fee_clawed_back_after_its_payout_is_netted_next_week(station, station_agent, fertiliser):
    week = timezone.localdate()
    first = _delivered(station, station_agent, fertiliser, bags=2)  # fee 6.00
    payout_batch_create(week)
    order_refund(first, first.charged_amount, actor=fertiliser["owner"], reason="bags torn")
    assert _balance(agent_fee_code(station_agent.pk, "CNY")) == D("-6.00")  # a debt, as a shop's claw-back
    second = _delivered(station, station_agent, fertiliser, bags=4)  # fee 12.00
    payout_batch_create(week + timedelta(days=7))
    _first_payout, netted = _agent_payouts()
    assert netted.amount == D("6.00")
    assert sorted(PayoutLine.objects.filter(payout=netted).values_list("order_id", "amount")) == sorted(
        [(first.pk, D("-6.00")), (second.pk, D("12.00"))]
    )
    assert _balance(agent_fee_code(station_agent.pk, "CNY")) == 0
    assert _balance(agent_paid_out_code(station_agent.pk, "CNY")) == D("12.00")
    assert_every_transaction_balances()


def test_a_returned_transfer_is_paid_again_later_and_is_refused_twice(station, station_agent, fertiliser, make_user):
    order = _delivered(station, station_agent, fertiliser)
    week = timezone.localdate()
    payout_batch_create(week)
    [payout] = _agent_payouts()
    payout_mark_failed(payout, actor=None, reason="account closed")
    with pytest.raises(DomainError) as refused:
        payout_mark_failed(payout, actor=None, reason="again")
    assert refused.value.code == "invalid_status"
    assert AssistFee.objects.get(order=order).paid_amount == 0
    assert _balance(agent_fee_code(station_agent.pk, "CNY")) == D("6.00")
    payout_batch_create(week + timedelta(days=7))
    returned, again = _agent_payouts()
    assert (returned.status, again.status, again.amount) == (PayoutStatus.FAILED, PayoutStatus.CREATED, D("6.00"))
    assert _balance(agent_paid_out_code(station_agent.pk, "CNY")) == D("6.00")
    assert_every_transaction_balances()


def test_a_suspended_station_shops_agent_is_held(station, station_agent, fertiliser):
    _delivered(station, station_agent, fertiliser)
    type(station.shop).objects.filter(pk=station.shop_id).update(status=ShopStatus.SUSPENDED)
    payout_batch_create(timezone.localdate())
    assert _agent_payouts() == []
    assert _balance(agent_fee_code(station_agent.pk, "CNY")) == D("6.00")  # stays earned, paid once unsuspended
