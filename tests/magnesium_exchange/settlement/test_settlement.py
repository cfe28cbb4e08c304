"""Delivery versus payment: the buyer pays the balance and the receipts move in one transaction; a
buyer who misses the deadline loses the deposit to the seller (less fees) and the receipts return."""

import json
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from magnesium_exchange.members.accounts import FEE_INCOME
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.settlement.services import settlement_default, settlement_pay, settlements_default_due
from magnesium_exchange.trading.calendar import trading_day_after
from magnesium_exchange.trading.contracts import contract_pdf
from magnesium_exchange.trading.models import Trade
from magnesium_exchange.trading.services import listing_open, listing_pick
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerPosting
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventPayload
from tests.magnesium_exchange.trading.helpers import refused
from tests.magnesium_exchange.trading_factories import REFERENCE, balances, ledger_total, live_tonnes
from tests.meidu.integrations.webhook_rows import webhook_row_insert

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(bank_app):
    return webhook_row_insert(
        app=bank_app,
        target_url="https://bank.example/hooks",
        events=[
            WebhookEventType.TRADE_CREATED.value,
            WebhookEventType.SETTLEMENT_COMPLETED.value,
            WebhookEventType.SETTLEMENT_DEFAULTED.value,
        ],
    )


def events_of(kind):
    return [json.loads(p.payload)["data"] for p in EventPayload.objects.filter(event_type=kind.value).order_by("id")]


def fee_income():
    return sum(p.amount for p in LedgerPosting.objects.filter(account__code=FEE_INCOME))


@pytest.fixture
def deal(market, subscribed):
    seller = market.member("海城市华鑫镁业有限公司")
    buyer = market.member("鞍山钢铁耐材采购有限公司", funds="200000.00")
    receipt = market.receipt(seller, "100.000")
    listing = listing_open(
        member=seller, grade=market.grade, price=Decimal("3000"), receipts=[receipt], reference_price_fallback=REFERENCE
    )
    trade = listing_pick(listing, member=buyer, quantity="40")
    return seller, buyer, receipt, trade


def test_full_dvp_settlement(deal):
    seller, buyer, receipt, trade = deal
    tonnes = live_tonnes()
    assert events_of(WebhookEventType.TRADE_CREATED)[0]["buyer"] == buyer.credit_code
    settlement = Settlement.objects.get(trade=trade)
    assert settlement.balance_due == Decimal("108000.00") and settlement.due_at == trade.settlement_due_at

    settlement_pay(settlement, member=buyer, now=trade.executed_at + timedelta(hours=1))
    settlement.refresh_from_db()
    assert settlement.status == "completed"
    # buyer: 200000 - 120000 value - 40 fee; seller: 120000 - 40 fee; the exchange earns both fees
    assert balances(buyer) == (Decimal("79960.00"), Decimal("0.00"))
    assert balances(seller) == (Decimal("119960.00"), Decimal("0.00"))
    assert fee_income() == Decimal("80.00") and ledger_total() == 0
    delivered = Receipt.objects.get(number=settlement.delivered_receipts[0])
    assert (delivered.holder, delivered.quantity, delivered.status) == (buyer, Decimal("40.000"), ReceiptStatus.ACTIVE)
    settled_on = timezone.localtime(trade.executed_at + timedelta(hours=1)).date()
    assert timezone.localtime(delivered.lock_until) == timezone.make_aware(
        datetime.combine(trading_day_after(settled_on, 5), time.min)
    )  # T+5 in trading days
    assert receipt_verify(delivered).valid
    assert live_tonnes() == tonnes == Decimal("100.000")
    assert events_of(WebhookEventType.SETTLEMENT_COMPLETED)[0]["receipts"] == settlement.delivered_receipts
    # paying again is a no-op; the receipt cannot be resold inside its lock
    settlement_pay(settlement, member=buyer)
    assert balances(buyer) == (Decimal("79960.00"), Decimal("0.00"))
    refused(
        "resale_locked",
        lambda: listing_open(
            member=buyer,
            grade=delivered.grade,
            price=Decimal("3000"),
            receipts=[delivered],
            reference_price_fallback=REFERENCE,
        ),
    )


def test_the_contract_names_both_parties_and_prints(deal):
    seller, buyer, _receipt, trade = deal
    contract = trade.contract
    assert (contract.buyer_name, contract.seller_name) == (buyer.name, seller.name)
    assert contract.terms["quantity_t"] == "40.000" and len(contract.terms["receipts"]) == 1
    pdf = contract_pdf(contract)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_default_gives_the_deposit_to_the_seller_less_fees_and_releases_the_receipt(deal):
    seller, buyer, _receipt, trade = deal
    settlement = Settlement.objects.get(trade=trade)
    assert settlements_default_due(trade.settlement_due_at) == 0  # not past the deadline yet
    from magnesium_exchange.settlement.tasks import settlements_default_due as task

    assert task((trade.settlement_due_at + timedelta(seconds=1)).isoformat()) == 1
    settlement.refresh_from_db()
    assert settlement.status == "defaulted"
    assert balances(buyer) == (Decimal("188000.00"), Decimal("0.00"))
    assert balances(seller) == (Decimal("11920.00"), Decimal("0.00"))
    assert fee_income() == Decimal("80.00") and ledger_total() == 0
    sold = Trade.objects.get(pk=trade.pk).receipts.get().receipt
    assert (sold.holder, sold.status) == (seller, ReceiptStatus.ACTIVE)
    assert events_of(WebhookEventType.SETTLEMENT_DEFAULTED)[0]["status"] == "defaulted"
    with pytest.raises(DomainError) as info:
        settlement_pay(settlement, member=buyer)
    assert info.value.code == "already_defaulted"


def test_paying_late_by_someone_else_or_without_funds_is_refused(deal, market):
    seller, buyer, _receipt, trade = deal
    settlement = Settlement.objects.get(trade=trade)
    refused("not_your_settlement", lambda: settlement_pay(settlement, member=seller))
    refused(
        "past_deadline",
        lambda: settlement_pay(settlement, member=buyer, now=trade.settlement_due_at + timedelta(seconds=1)),
    )
    refused("not_due", lambda: settlement_default(settlement, now=trade.settlement_due_at))
    from magnesium_exchange.members.services import funds_withdraw_request

    funds_withdraw_request(buyer, Decimal("100000.00"))
    refused("insufficient_funds", lambda: settlement_pay(settlement, member=buyer))
    assert Settlement.objects.get(pk=settlement.pk).status == "pending"


def test_the_beat_schedule_runs_the_default_task():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "magnesium_exchange.settlement.tasks.settlements_default_due" in tasks
    assert "magnesium_exchange.trading.tasks.trading_close_due" in tasks
