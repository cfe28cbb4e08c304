"""The station agent's service fee for an assisted order: owed on delivery, not at placement, taken
back when the order is cancelled or fully refunded; balanced postings on the ledger."""

from decimal import Decimal

from django.db.models import Sum

from marketplace.orders.services.lifecycle import order_cancel, order_fulfill, order_refund
from marketplace.orders.services.pickup import order_pickup_verify
from marketplace.settlement.accounts import agent_fee_code
from marketplace.settlement.models import AssistFee
from marketplace.settlement.selectors import assist_fees_of_agent
from meidu.core.ledger.models import LedgerAccount, LedgerPosting
from meidu.core.ledger.selectors import ledger_balance
from tests.support.assisted import confirmed_by_code


def _fee_balance(agent) -> Decimal:
    account = LedgerAccount.objects.filter(code=agent_fee_code(agent.pk, "CNY")).first()
    return ledger_balance(account).amount if account else Decimal("0.00")


def _collected(order, fertiliser, station, agent):
    order_fulfill(order, actor=fertiliser["owner"], lines=[(line, line.quantity, None) for line in order.lines.all()])
    order.refresh_from_db()
    return order_pickup_verify(station, order.pickup_code, agent=agent, cash_collected=True)


def test_the_fee_is_earned_on_delivery_and_clawed_back_on_a_full_refund(settings, station, station_agent, fertiliser):
    settings.ASSISTED_ORDER_FEE_PERCENT = "2.00"
    settings.ASSISTED_ORDER_FEE_MINIMUM = "1.00"
    _assisted, [order] = confirmed_by_code(station_agent, station, fertiliser["variant"], 2)
    assert not AssistFee.objects.exists() and _fee_balance(station_agent) == 0  # not at placement
    order = _collected(order, fertiliser, station, station_agent)
    assert order.status == "delivered"
    fee = AssistFee.objects.get(order=order)
    assert fee.amount == Decimal("6.00") == _fee_balance(station_agent)  # 2% of ¥300
    assert assist_fees_of_agent(station_agent)[0] == Decimal("6.00")
    order_refund(order, order.charged_amount, actor=fertiliser["owner"], reason="bags torn")
    fee.refresh_from_db()
    assert fee.amount == 0 and _fee_balance(station_agent) == 0
    assert LedgerPosting.objects.aggregate(total=Sum("amount"))["total"] == 0


def test_a_small_order_earns_the_minimum_and_a_cancelled_one_nothing(settings, station, station_agent, fertiliser):
    settings.ASSISTED_ORDER_FEE_PERCENT = "0.50"
    settings.ASSISTED_ORDER_FEE_MINIMUM = "2.00"
    _assisted, [order] = confirmed_by_code(station_agent, station, fertiliser["variant"], 1)
    _collected(order, fertiliser, station, station_agent)
    assert AssistFee.objects.get(order=order).amount == Decimal("2.00")  # 0.5% of ¥150 is below the minimum
    settings.PHONE_CODE_COOLDOWN_SECONDS = 0
    _assisted, [cancelled] = confirmed_by_code(station_agent, station, fertiliser["variant"], 1)
    order_cancel(cancelled, actor=fertiliser["owner"], reason="out of season")
    assert not AssistFee.objects.filter(order=cancelled).exists()
    assert _fee_balance(station_agent) == Decimal("2.00")
