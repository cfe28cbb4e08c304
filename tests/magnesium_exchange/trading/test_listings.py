"""Listing and picking through the services: the happy paths and every refusal, with nothing written."""

from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.members.services import member_counterparty_set
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.trading.models import Contract, JournalEntry, Listing, LotReceipt, Trade
from magnesium_exchange.trading.services import (
    listing_open,
    listing_pick,
    listing_reprice,
    listing_withdraw,
)
from magnesium_exchange.warehouses.models import ReceiptStatus
from magnesium_exchange.warehouses.services import (
    ReceiptLockPurpose,
    receipt_freeze,
    receipt_lock,
)
from tests.magnesium_exchange.trading.helpers import refused
from tests.magnesium_exchange.trading_factories import REFERENCE, balances

pytestmark = pytest.mark.django_db


def _open(market, seller, receipts, price="3000", **kwargs):
    return listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal(price),
        receipts=receipts,
        reference_price_fallback=REFERENCE,
        **kwargs,
    )


def test_sell_listing_partial_pick_splits_the_receipt_and_creates_a_trade(market):
    seller = market.member("海城市华鑫镁业有限公司")
    buyer = market.member("鞍山钢铁耐材采购有限公司", funds="500000.00")
    receipt = market.receipt(seller, "100.000")
    listing = _open(market, seller, [receipt], min_pick="10", step="10")
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.LISTED
    assert (listing.status, listing.remaining, listing.version) == ("open", Decimal("100.000"), 1)

    trade = listing_pick(listing, member=buyer, quantity="30")
    assert (trade.buyer, trade.seller, trade.quantity, trade.price) == (
        buyer,
        seller,
        Decimal("30.000"),
        Decimal("3000.00"),
    )
    assert trade.value == Decimal("90000.00") and trade.deposit == Decimal("9000.00")
    assert balances(buyer) == (Decimal("491000.00"), Decimal("9000.00"))
    sold = LotReceipt.objects.get(trade=trade)
    assert sold.quantity == Decimal("30.000") and sold.receipt.status == ReceiptStatus.LISTED
    assert Contract.objects.get(trade=trade).buyer_credit_code == buyer.credit_code
    assert Settlement.objects.get(trade=trade).balance_due == Decimal("81000.00")
    listing.refresh_from_db()
    assert (listing.remaining, listing.trade_count, listing.status) == (Decimal("70.000"), 1, "open")

    listing_pick(listing, member=buyer, quantity="70")
    listing.refresh_from_db()
    assert listing.status == "filled" and listing.remaining == 0
    assert Trade.objects.count() == 2
    assert JournalEntry.objects.filter(aggregate_pk=listing.pk, aggregate_type="listing").count() == listing.version


def test_reprice_and_withdraw_unlock_the_receipts(market):
    seller = market.member()
    receipt = market.receipt(seller)
    listing = _open(market, seller, [receipt])
    listing_reprice(listing, member=seller, price=Decimal("3100"))
    listing.refresh_from_db()
    assert listing.price == Decimal("3100.00")
    listing_withdraw(listing, member=seller)
    receipt.refresh_from_db()
    listing.refresh_from_db()
    assert listing.status == "withdrawn" and receipt.status == ReceiptStatus.ACTIVE


def test_wanted_listing_freezes_the_deposit_and_a_holder_picks_it(market):
    buyer = market.member(funds="100000.00")
    holder = market.member()
    receipt = market.receipt(holder, "50.000")
    wanted = listing_open(
        member=buyer,
        grade=market.grade,
        side="buy",
        quantity=Decimal("20"),
        price=Decimal("3000"),
        reference_price_fallback=REFERENCE,
    )
    assert balances(buyer) == (Decimal("94000.00"), Decimal("6000.00"))
    trade = listing_pick(wanted, member=holder, quantity="20", receipts=[receipt])
    assert (trade.buyer, trade.seller, trade.deposit) == (buyer, holder, Decimal("6000.00"))
    # the holder's 30 t beyond the pick are unlocked again
    rest = LotReceipt.objects.filter(
        aggregate_pk=wanted.pk, aggregate_type="listing", trade=None, superseded=False
    ).get()
    rest.receipt.refresh_from_db()
    assert rest.receipt.status == ReceiptStatus.ACTIVE and rest.receipt.quantity == Decimal("30.000")


# --- refusals of the issue's "Bad input" list ---------------------------------------------------


def test_listing_a_receipt_that_is_not_yours_is_refused(market):
    seller, other = market.member(), market.member()
    receipt = market.receipt(other)
    refused("receipt_not_yours", lambda: _open(market, seller, [receipt]))


def test_listing_a_pledged_receipt_is_refused(market):
    seller = market.member()
    receipt = market.receipt(seller)
    receipt_lock(receipt, holder=seller, purpose=ReceiptLockPurpose.PLEDGE, reference="loan:1")
    refused("receipt_pledged", lambda: _open(market, seller, [receipt]))


def test_listing_a_frozen_receipt_is_refused(market):
    seller = market.member()
    receipt = market.receipt(seller)
    receipt_freeze(receipt, reason="盘点差异", actor=market.keeper)
    refused("receipt_frozen", lambda: _open(market, seller, [receipt]))


def test_listing_an_already_listed_receipt_is_refused(market):
    seller = market.member()
    receipt = market.receipt(seller)
    _open(market, seller, [receipt])
    receipt.refresh_from_db()
    refused("receipt_listed", lambda: _open(market, seller, [receipt]))


def test_resale_inside_the_lock_is_refused(market):
    seller = market.member()
    receipt = market.receipt(seller)
    type(receipt).objects.filter(pk=receipt.pk).update(lock_until=timezone.now() + timezone.timedelta(days=3))
    receipt.refresh_from_db()
    refused("resale_locked", lambda: _open(market, seller, [receipt]))


@pytest.mark.parametrize(
    "price,code", [("3000.50", "price_off_tick"), ("3300", "price_outside_limit"), ("2700", "price_outside_limit")]
)
def test_listing_price_off_tick_or_outside_the_limit_is_refused(market, price, code):
    seller = market.member()
    receipt = market.receipt(seller)
    refused(code, lambda: _open(market, seller, [receipt], price=price))


def test_pick_below_the_minimum_is_refused(market):
    seller, buyer = market.member(), market.member(funds="500000.00")
    listing = _open(market, seller, [market.receipt(seller)], min_pick="20", step="10")
    refused("below_min_pick", lambda: listing_pick(listing, member=buyer, quantity="10"))
    refused("off_step", lambda: listing_pick(listing, member=buyer, quantity="25"))
    refused("quantity_exceeds_available", lambda: listing_pick(listing, member=buyer, quantity="110"))


def test_pick_beyond_available_funds_is_refused(market):
    seller, buyer = market.member(), market.member(funds="1000.00")
    listing = _open(market, seller, [market.receipt(seller)])
    refused("insufficient_funds", lambda: listing_pick(listing, member=buyer, quantity="100"))


def test_pick_with_an_excluded_counterparty_is_refused_both_directions(market):
    seller, buyer = market.member(), market.member(funds="500000.00")
    listing = _open(market, seller, [market.receipt(seller)])
    member_counterparty_set(buyer, seller, "deny")
    refused("excluded_counterparty", lambda: listing_pick(listing, member=buyer, quantity="100"))
    member_counterparty_set(buyer, seller, None)
    member_counterparty_set(seller, buyer, "deny")
    refused("excluded_counterparty", lambda: listing_pick(listing, member=buyer, quantity="100"))


def test_pick_beyond_the_exposure_cap_is_refused(market):
    seller = market.member()
    buyer = market.member(funds="500000.00")
    type(buyer).objects.filter(pk=buyer.pk).update(exposure_cap=Decimal("100000.00"))
    listing = _open(market, seller, [market.receipt(seller)])
    refused("exposure_cap_exceeded", lambda: listing_pick(listing, member=buyer, quantity="40"))


def test_self_pick_and_strangers_changing_a_listing_are_refused(market):
    seller, other = market.member(funds="500000.00"), market.member()
    listing = _open(market, seller, [market.receipt(seller)])
    refused("self_trade", lambda: listing_pick(listing, member=seller, quantity="100"))
    refused("not_owner", lambda: listing_reprice(listing, member=other, price=Decimal("3100")))
    refused("not_owner", lambda: listing_withdraw(listing, member=other))
    assert Listing.objects.get(pk=listing.pk).status == "open"


def test_the_beat_task_expires_listings_and_unlocks_their_receipts(market):
    from magnesium_exchange.trading.tasks import trading_close_due

    seller, buyer = market.member(), market.member(funds="100000.00")
    receipt = market.receipt(seller)
    expires = timezone.now() + timezone.timedelta(hours=1)
    listing = _open(market, seller, [receipt], expires_at=expires)
    wanted = listing_open(
        member=buyer,
        grade=market.grade,
        side="buy",
        quantity=Decimal("10"),
        price=Decimal("3000"),
        reference_price_fallback=REFERENCE,
        expires_at=expires,
    )
    assert trading_close_due(timezone.now().isoformat())["listings"] == 0
    assert trading_close_due((expires + timezone.timedelta(seconds=1)).isoformat())["listings"] == 2
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACTIVE
    assert {Listing.objects.get(pk=listing.pk).status, Listing.objects.get(pk=wanted.pk).status} == {"expired"}
    assert balances(buyer) == (Decimal("100000.00"), Decimal("0.00"))


def test_a_pick_beyond_the_sellers_exposure_cap_is_refused_too(market):
    seller, buyer = market.member(), market.member(funds="500000.00")
    type(seller).objects.filter(pk=seller.pk).update(exposure_cap_tonnes=Decimal("50.000"))
    listing = _open(market, seller, [market.receipt(seller)])
    refused("exposure_cap_exceeded", lambda: listing_pick(listing, member=buyer, quantity="60"))
    listing_pick(listing, member=buyer, quantity="50")
    refused("exposure_cap_exceeded", lambda: listing_pick(listing, member=buyer, quantity="50"))


def test_listing_a_receipt_of_another_grade_is_refused(market):
    from tests.magnesium_exchange.records_factories import FUSED_97_ASSAY, issue

    seller = market.member()
    receipt = issue(market.warehouse, market.fused, seller, assay=FUSED_97_ASSAY, actor=market.keeper)
    assert receipt.grade.code == "fm-97"
    refused("wrong_grade", lambda: _open(market, seller, [receipt]))


def test_a_suspended_member_cannot_list_or_pick(market):
    from magnesium_exchange.members.services import member_status_set

    seller, buyer = market.member(), market.member(funds="500000.00")
    receipt = market.receipt(seller)
    listing = _open(market, seller, [market.receipt(seller)])
    member_status_set(buyer, "suspended", reason="KYC 复核")
    member_status_set(seller, "suspended", reason="KYC 复核")
    refused("member_not_active", lambda: _open(market, seller, [receipt]))
    refused("member_not_active", lambda: listing_pick(listing, member=buyer, quantity="100"))
