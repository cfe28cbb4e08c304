"""Forced sale (平仓) through a real sale auction: refused before the line with nothing written, allowed
past it; a bid, the close and the buyer's settlement repay interest then principal in the settlement's
transaction, the remainder stays the owner's, the receipts become the buyer's unencumbered and their
chains verify; an auction without a trade, or a buyer who defaults, puts the receipts back in pledge."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.financing.models import (
    CollateralStatus,
    ForcedSale,
    ForcedSaleStatus,
    LoanStatus,
    MarginCallStatus,
)
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.financing.services.forced_sale import loan_forced_sale_start
from magnesium_exchange.financing.services.interest import loan_interest_accrue
from magnesium_exchange.financing.services.loans import loan_repay
from magnesium_exchange.financing.services.margin import margin_call_review, margin_calls_expire_due
from magnesium_exchange.marketdata.services import reference_price_set
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.settlement.services import settlement_default, settlement_pay
from magnesium_exchange.trading.models import Auction
from magnesium_exchange.trading.services import auction_bid, auction_cancel, auction_close
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from tests.magnesium_exchange.financing.lending import ledger_sum, snapshot
from tests.magnesium_exchange.financing.risk_factories import active_loan, deliveries, price_today, subscribe

pytestmark = pytest.mark.django_db


def refused(code, call):
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert snapshot() == before
    return caught.value


def test_refused_before_the_line_for_another_bank_and_while_one_runs(lending):
    loan, _ = active_loan(lending)  # 60%
    refused(
        "liquidation_not_allowed", lambda: loan_forced_sale_start(loan, bank=lending.ccb, actor=lending.ccb_officer)
    )
    price_today(lending, "2700")  # 66.67%: a margin call, not yet the 80% line
    margin_call_review(loan)
    error = refused("liquidation_not_allowed", lambda: loan_forced_sale_start(loan, bank=lending.ccb))
    assert "66.67%" in error.message and "80.00%" in error.message
    price_today(lending, "2200")  # 144,000 / 176,000 = 81.82%
    refused("not_your_bank", lambda: loan_forced_sale_start(loan, bank=lending.hxb, actor=lending.hxb_officer))
    refused("invalid_amount", lambda: loan_forced_sale_start(loan, bank=lending.ccb, reserve_price="NaN"))
    refused("invalid_amount", lambda: loan_forced_sale_start(loan, bank=lending.ccb, reserve_price="-1"))
    refused(
        "invalid",
        lambda: loan_forced_sale_start(loan, bank=lending.ccb, ends_at=timezone.now() - dt.timedelta(hours=1)),
    )
    sale = loan_forced_sale_start(loan, bank=lending.ccb, actor=lending.ccb_officer)
    assert sale.reason == "liquidation_line"
    refused("forced_sale_running", lambda: loan_forced_sale_start(loan, bank=lending.ccb))


def test_a_missed_margin_call_or_a_loan_past_due_allows_the_sale_under_the_line(lending):
    loan, _ = active_loan(lending)
    price_today(lending, "2700")
    call = margin_call_review(loan)
    margin_calls_expire_due(now=call.deadline + dt.timedelta(seconds=1))
    call.refresh_from_db()
    assert call.status == MarginCallStatus.MISSED
    assert loan_forced_sale_start(loan, bank=lending.ccb).reason == "margin_call_missed"

    late, _ = active_loan(lending, bank=lending.hxb, principal="100000.00", term_days=1)
    tomorrow_noon = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(12)))
    refused("liquidation_not_allowed", lambda: loan_forced_sale_start(late, bank=lending.hxb))
    assert loan_forced_sale_start(late, bank=lending.hxb, now=tomorrow_noon).reason == "past_due"


def _sale_under_the_line(lending, **kwargs):
    subscribe(lending.ccb_app, lending.hxb_app)
    loan, (receipt,) = active_loan(lending)
    loan_interest_accrue(loan, until=timezone.localdate() + dt.timedelta(days=3))  # 3 × 17.16 = 51.48
    price_today(lending, "2200")
    sale = loan_forced_sale_start(loan, bank=lending.ccb, actor=lending.ccb_officer, **kwargs)
    return loan, receipt, sale


def test_the_forced_sale_through_a_real_auction_repays_interest_then_principal(lending):
    loan, receipt, sale = _sale_under_the_line(lending)
    loan.refresh_from_db()
    receipt.refresh_from_db()
    auction = Auction.objects.get(pk=sale.auction_id)
    assert loan.status == LoanStatus.ENFORCING
    assert receipt.status == ReceiptStatus.LISTED and receipt.encumbrance == f"loan:{loan.pk}"
    assert loan.collateral.get().status == CollateralStatus.SELLING
    assert (auction.kind, auction.initiator_id, auction.quantity, auction.min_bid_quantity) == (
        "sale",
        lending.borrower.pk,
        Decimal("100.000"),
        Decimal("100.000"),
    )
    # 90% of today's 2,200 is 1,980, under the auction's band (yesterday's 3,000 ± 8%, the daily limit):
    # raised to its floor, 2,760.
    assert (auction.band_low, auction.reference_price) == (Decimal("2760.00"), Decimal("3000.00"))
    started = deliveries(WebhookEventType.FORCED_SALE_STARTED)
    assert [app for app, _ in started] == [lending.ccb_app.pk] and started[0][1]["reserve_price"] == "2760.00"

    buyer = lending.market.member("鞍山钢铁耐材采购有限公司", funds="300000.00")
    with pytest.raises(DomainError):  # the whole lot or nothing: no receipt is split
        auction_bid(auction, member=buyer, price="2800", quantity="60")
    auction_bid(auction, member=buyer, price="2800", quantity="100")
    auction_close(auction, now=auction.ends_at + dt.timedelta(seconds=1))
    sale.refresh_from_db()
    assert sale.status == ForcedSaleStatus.OPEN  # sold at the close, settled when the buyer pays
    settlement = Settlement.objects.get(trade__aggregate_type="auction", trade__aggregate_pk=auction.pk)

    owner_before = member_balances(lending.borrower).available.amount
    settlement_pay(settlement, member=buyer)
    sale.refresh_from_db()
    loan.refresh_from_db()
    # 100 t × 2,800 = 280,000 less the seller's fee of 100 = 279,900: interest 51.48, principal 144,000.
    assert (sale.status, sale.proceeds, sale.interest_repaid, sale.principal_repaid, sale.remainder_to_owner) == (
        ForcedSaleStatus.SOLD,
        Decimal("279900.00"),
        Decimal("51.48"),
        Decimal("144000.00"),
        Decimal("135848.52"),
    )
    assert member_balances(lending.borrower).available.amount == owner_before + Decimal("135848.52")
    assert loan.status == LoanStatus.REPAID and loan.closed_at and loan_debt(loan).total == 0
    assert loan.collateral.get().status == CollateralStatus.SOLD
    receipt = Receipt.objects.get(pk=receipt.pk)
    assert receipt.holder_id == buyer.pk and receipt.encumbrance == "" and receipt.status == ReceiptStatus.ACTIVE
    assert receipt_verify(receipt).valid
    assert [e.action for e in receipt.events.order_by("seq")][-3:] == ["pledge", "enforce", "transfer"]
    assert ledger_sum() == 0
    assert [app for app, _ in deliveries(WebhookEventType.LOAN_REPAID)] == [lending.ccb_app.pk]
    actions = list(loan.events.values_list("action", flat=True))
    assert actions[-3:] == ["forced_sale_auction_closed", "forced_sale_settled", "repay_in_full"]


def test_proceeds_short_of_the_debt_close_the_loan_with_a_shortfall(lending):
    loan, (receipt,) = active_loan(lending)
    loan_interest_accrue(loan, until=timezone.localdate() + dt.timedelta(days=3))  # 51.48
    # The market falls to 1,400 (yesterday's close, today's too): 144,051.48 / 112,000 = 128.62%.
    reference_price_set(
        grade=lending.grade,
        day=timezone.localdate() - dt.timedelta(days=1),
        price=Decimal("1400"),
        reason="test",
        actor=lending.operator,
    )
    price_today(lending, "1400")
    sale = loan_forced_sale_start(loan, bank=lending.ccb, reserve_price="1400")
    auction = Auction.objects.get(pk=sale.auction_id)
    buyer = lending.market.member(funds="300000.00")
    auction_bid(auction, member=buyer, price="1400", quantity="100")
    auction_close(auction, now=auction.ends_at + dt.timedelta(seconds=1))
    settlement_pay(
        Settlement.objects.get(trade__aggregate_pk=auction.pk, trade__aggregate_type="auction"), member=buyer
    )
    sale.refresh_from_db()
    loan.refresh_from_db()
    # 140,000 less the fee of 100 = 139,900: interest 51.48, principal 139,848.52; 4,151.48 is never repaid.
    assert (sale.proceeds, sale.interest_repaid, sale.principal_repaid, sale.remainder_to_owner) == (
        Decimal("139900.00"),
        Decimal("51.48"),
        Decimal("139848.52"),
        Decimal("0.00"),
    )
    assert loan.status == LoanStatus.DEFAULTED and loan.closed_at
    assert loan_debt(loan).total == Decimal("4151.48")
    assert loan.events.order_by("-id").first().data["shortfall"] == "4151.48"
    assert Receipt.objects.get(pk=receipt.pk).holder_id == buyer.pk and ledger_sum() == 0


def test_an_auction_without_a_bid_puts_the_receipts_back_in_pledge_and_the_bank_may_sell_again(lending):
    loan, receipt, sale = _sale_under_the_line(lending)
    auction = Auction.objects.get(pk=sale.auction_id)
    with pytest.raises(DomainError) as caught:  # the borrower cannot call off the bank's sale
        auction_cancel(auction, member=lending.borrower)
    assert caught.value.code == "forced_sale_running"
    auction_close(auction, now=auction.ends_at + dt.timedelta(seconds=1))
    sale.refresh_from_db()
    loan.refresh_from_db()
    receipt.refresh_from_db()
    assert sale.status == ForcedSaleStatus.UNSOLD
    assert receipt.status == ReceiptStatus.PLEDGED and receipt.encumbrance == f"loan:{loan.pk}"
    assert receipt_verify(receipt).valid
    assert loan.status == LoanStatus.ENFORCING and loan.collateral.get().status == CollateralStatus.PLEDGED
    again = loan_forced_sale_start(loan, bank=lending.ccb)
    assert again.status == ForcedSaleStatus.OPEN and ForcedSale.objects.filter(loan=loan).count() == 2


def test_a_buyer_who_defaults_leaves_the_receipts_pledged(lending):
    loan, receipt, sale = _sale_under_the_line(lending)
    auction = Auction.objects.get(pk=sale.auction_id)
    buyer = lending.market.member(funds="300000.00")
    auction_bid(auction, member=buyer, price="2800", quantity="100")
    auction_close(auction, now=auction.ends_at + dt.timedelta(seconds=1))
    settlement = Settlement.objects.get(trade__aggregate_pk=auction.pk, trade__aggregate_type="auction")
    settlement_default(settlement, now=settlement.due_at + dt.timedelta(seconds=1))
    sale.refresh_from_db()
    receipt.refresh_from_db()
    assert sale.status == ForcedSaleStatus.UNSOLD
    assert receipt.status == ReceiptStatus.PLEDGED and receipt.holder_id == lending.borrower.pk
    assert loan.collateral.get().status == CollateralStatus.PLEDGED
    assert ledger_sum() == 0


def test_a_borrower_who_repays_during_the_sale_gets_the_proceeds_and_the_unsold_receipts_back(lending):
    loan, receipt, sale = _sale_under_the_line(lending)
    loan_repay(loan, member=lending.borrower, amount=str(loan_debt(loan).total), actor=lending.trader)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    auction = Auction.objects.get(pk=sale.auction_id)
    auction_close(auction, now=auction.ends_at + dt.timedelta(seconds=1))
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACTIVE and receipt.encumbrance == "" and receipt_verify(receipt).valid
    assert loan.collateral.get().status == CollateralStatus.RELEASED
