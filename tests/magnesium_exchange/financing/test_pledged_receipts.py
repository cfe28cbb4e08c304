"""Approval freezes the receipts: every path of the exchange that could move, sell, reshape or pledge
again a receipt refuses a pledged one with a clear code, and writes nothing: listing (sell, and picking
a wanted listing with it), sale auction, selling request for quote, quotes and procurement offers (which
draw on the holder's unencumbered receipts: a pledged one is not among them), split, merge, withdrawal
of the goods, cancellation, transfer by settlement, a second loan. The receipt's signed chain still
verifies after the pledge and after its release."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.financing.services.loans import loan_apply, loan_approve, loan_cancel
from magnesium_exchange.trading.facts import unencumbered_receipts
from magnesium_exchange.trading.services import (
    auction_bid,
    auction_open,
    listing_open,
    listing_pick,
    quote_submit,
    rfq_open,
)
from magnesium_exchange.warehouses.models import ReceiptStatus
from magnesium_exchange.warehouses.services import (
    ReceiptLockPurpose,
    ReceiptTransferReason,
    receipt_cancel,
    receipt_lock,
    receipt_merge,
    receipt_split,
    receipt_transfer,
    receipt_withdraw,
)
from magnesium_exchange.warehouses.verification import receipt_verify
from tests.magnesium_exchange.financing.lending import snapshot
from tests.refusals import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledged(lending):
    receipt = lending.receipt()
    loan = loan_apply(member=lending.borrower, bank=lending.ccb, receipts=[receipt], amount="100000.00", term_days=90)
    loan_approve(loan, bank=lending.ccb, principal="100000.00", annual_rate_percent="4.350", term_days=90)
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.PLEDGED and receipt.encumbrance == f"loan:{loan.pk}"
    assert receipt_verify(receipt).valid
    receipt.loan = loan
    return receipt


def refused(code, call, *args, **kwargs):
    error = assert_refused(snapshot, code, call, *args, **kwargs)
    assert error.message
    return error


def _hour():
    now = timezone.now()
    return now, now + timedelta(hours=1)


def test_a_pledged_receipt_cannot_be_listed_or_sold_in_an_auction(lending, pledged):
    refused(
        "receipt_pledged",
        listing_open,
        member=lending.borrower,
        grade=lending.grade,
        price=Decimal("3000"),
        receipts=[pledged],
    )
    start, end = _hour()
    refused(
        "receipt_pledged",
        auction_open,
        member=lending.borrower,
        grade=lending.grade,
        starts_at=start,
        ends_at=end,
        receipts=[pledged],
        reserve_price=Decimal("2900"),
    )
    refused(
        "receipt_pledged",
        rfq_open,
        member=lending.borrower,
        grade=lending.grade,
        side="sell",
        expires_at=end,
        receipts=[pledged],
    )
    # Not even by the holder's own listing lock, whatever the path.
    refused(
        "receipt_pledged",
        receipt_lock,
        pledged,
        holder=lending.borrower,
        purpose=ReceiptLockPurpose.LISTING,
        reference="listing:0",
    )


def test_a_pledged_receipt_cannot_fill_a_wanted_listing(lending, pledged):
    buyer = lending.market.member("鞍山钢铁耐材采购有限公司", funds="500000.00")
    wanted = listing_open(member=buyer, grade=lending.grade, price=Decimal("3000"), side="buy", quantity="100")
    refused("receipt_pledged", listing_pick, wanted, member=lending.borrower, quantity="100", receipts=[pledged])


def test_quotes_and_procurement_offers_do_not_draw_on_a_pledged_receipt(lending, pledged):
    now = timezone.now()
    assert unencumbered_receipts(lending.borrower, lending.grade, now) == []
    buyer = lending.market.member("鞍山钢铁耐材采购有限公司", funds="500000.00")
    start, end = _hour()
    request = rfq_open(member=buyer, grade=lending.grade, side="buy", expires_at=end, quantity="100")
    error = refused(
        "insufficient_quantity", quote_submit, request, member=lending.borrower, price="3000", quantity="100"
    )
    procurement = auction_open(
        member=buyer,
        grade=lending.grade,
        kind="procurement",
        starts_at=start,
        ends_at=end,
        lots=[(Decimal("100"), Decimal("3100"))],
    )
    refused(error.code, auction_bid, procurement, member=lending.borrower, price="3000", quantity="100")


def test_a_pledged_receipt_cannot_be_split_merged_withdrawn_cancelled_or_transferred(lending, pledged):
    keeper = lending.market.keeper
    refused("receipt_pledged", receipt_split, pledged, ["40", "60"], actor=keeper)
    refused("receipt_pledged", receipt_merge, [pledged, lending.receipt(net="20.000")], actor=keeper)
    refused("receipt_pledged", receipt_withdraw, pledged, gross="120.000", tare="20.000", net="100.000", actor=keeper)
    refused("receipt_pledged", receipt_cancel, pledged, reason="注销", actor=keeper)
    buyer = lending.market.member("鞍山钢铁耐材采购有限公司")
    refused(
        "receipt_pledged",
        receipt_transfer,
        pledged,
        to_member=buyer,
        reason=ReceiptTransferReason.SETTLEMENT,
        reference="settlement:1",
    )
    refused(
        "receipt_pledged",
        receipt_transfer,
        pledged,
        to_member=buyer,
        reason=ReceiptTransferReason.SETTLEMENT_DEFAULT_RETURN,
        reference="settlement:1",
    )


def test_a_pledged_receipt_cannot_be_pledged_again_and_its_chain_verifies_after_release(lending, pledged):
    refused(
        "receipt_pledged",
        loan_apply,
        member=lending.borrower,
        bank=lending.hxb,
        receipts=[pledged],
        amount="1000.00",
        term_days=30,
    )
    refused(
        "receipt_pledged",
        receipt_lock,
        pledged,
        holder=lending.borrower,
        purpose=ReceiptLockPurpose.PLEDGE,
        reference="loan:999",
    )
    loan_cancel(pledged.loan, bank=lending.ccb, reason="借款人放弃")
    pledged.refresh_from_db()
    assert pledged.status == ReceiptStatus.ACTIVE and pledged.encumbrance == ""
    assert receipt_verify(pledged).valid
    actions = [event.action for event in pledged.events.order_by("seq")]
    assert actions[-2:] == ["pledge", "unpledge"]
    # Free again: it can be listed now.
    listing_open(member=lending.borrower, grade=lending.grade, price=Decimal("3000"), receipts=[pledged])
