"""A randomized day of trading through the SERVICES (hypothesis): listings, picks, auctions, bids,
closes, withdrawals, settlements paid and defaulted, in any order and with refusals mixed in. After
every day: the ledger balances to zero, members' funds plus fees equal what was deposited, each
member's frozen funds equal its open deposit holds plus the deposits of its unsettled trades, and the
receipts' tonnes are conserved (per holder: what sellers delivered, buyers received)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from magnesium_exchange.members.accounts import FEE_INCOME
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.settlement.services import settlement_pay, settlements_default_due
from magnesium_exchange.trading.journal import state_rebuild
from magnesium_exchange.trading.models import Auction, Listing
from magnesium_exchange.trading.services import (
    auction_bid,
    auction_open,
    auctions_close_due,
    listing_open,
    listing_pick,
    listing_withdraw,
)
from magnesium_exchange.warehouses.models import Receipt
from magnesium_exchange.warehouses.state import SUPERSEDED
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerPosting
from tests.magnesium_exchange.trading.helpers import assert_tables_equal_journal
from tests.magnesium_exchange.trading_factories import REFERENCE, balances, ledger_total

pytestmark = pytest.mark.django_db

FUNDS = Decimal("400000.00")
_list = st.tuples(st.just("list"), st.integers(0, 1), st.integers(-300, 300))
_auction = st.tuples(st.just("auction"), st.integers(0, 1), st.integers(-300, 100))
_pick = st.tuples(st.just("pick"), st.integers(0, 2), st.integers(0, 5), st.integers(1, 12))
_bid = st.tuples(st.just("bid"), st.integers(0, 2), st.integers(0, 5), st.integers(-100, 300), st.integers(1, 8))
_pay = st.tuples(st.just("pay"), st.integers(0, 2), st.integers(0, 9))
_procure = st.tuples(st.just("procure"), st.integers(0, 2), st.integers(-100, 200))
# picks, bids and payments weigh more, so most days trade and settle
ops = st.one_of(
    _list,
    _auction,
    _procure,
    _pick,
    _pick,
    _pick,
    _bid,
    _bid,
    _pay,
    _pay,
    st.tuples(st.just("withdraw"), st.integers(0, 5)),
    st.tuples(st.just("tick"), st.integers(1, 90)),
)


def _nth(seq, i):
    return seq[i % len(seq)] if seq else None


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(ops, min_size=8, max_size=20))
def test_a_randomized_day_conserves_tonnes_and_funds(market, day):
    with transaction.atomic():
        sellers = [market.member() for _ in range(2)]
        buyers = [market.member(funds=FUNDS) for _ in range(3)]
        for seller in sellers:
            for net in ("100.000", "60.000"):
                market.receipt(seller, net)
        members = sellers + buyers
        start_tonnes = {m.pk: _tonnes(m) for m in members}
        clock = timezone.now()
        for op in [
            ("list", 0, 0),
            ("auction", 1, 0),
            ("procure", 2, 100),
            *day,
        ]:  # the day opens with a listing and an auction
            try:
                clock = _run(op, market, sellers, buyers, clock)
            except DomainError:
                pass  # refusals are part of a day; they must leave everything as it was
        clock = clock + timedelta(hours=2)
        auctions_close_due(clock)
        _check(members, buyers, start_tonnes)
        for settlement in Settlement.objects.filter(status="pending").order_by("id")[::2]:  # half pay at close
            try:
                settlement_pay(settlement, member=settlement.buyer, now=clock)
            except DomainError:
                pass
        _check(members, buyers, start_tonnes)
        settlements_default_due(clock + timedelta(days=30))
        _check(members, buyers, start_tonnes)
        assert not Settlement.objects.filter(status="pending").exists()
        event(
            f"settlements completed={Settlement.objects.filter(status='completed').count() > 0} "
            f"defaulted={Settlement.objects.filter(status='defaulted').count() > 0}"
        )
        transaction.set_rollback(True)


def _run(op, market, sellers, buyers, clock):
    kind = op[0]
    if kind == "list":
        seller = sellers[op[1]]
        receipt = Receipt.objects.filter(holder=seller, status="active").order_by("id").first()
        if receipt is not None:
            listing_open(
                member=seller,
                grade=market.grade,
                price=REFERENCE + op[2],
                receipts=[receipt],
                min_pick="10",
                step="1",
                reference_price_fallback=REFERENCE,
                now=clock,
            )
    elif kind == "auction":
        seller = sellers[op[1]]
        receipt = Receipt.objects.filter(holder=seller, status="active").order_by("id").first()
        if receipt is not None:
            auction_open(
                member=seller,
                grade=market.grade,
                receipts=[receipt],
                reserve_price=REFERENCE + op[2],
                starts_at=clock - timedelta(seconds=1),
                ends_at=clock + timedelta(minutes=30),
                reference_price_fallback=REFERENCE,
                now=clock,
            )
    elif kind == "pick":
        listing = _nth(list(Listing.objects.filter(status="open").order_by("id")), op[2])
        if listing is not None:
            listing_pick(listing, member=buyers[op[1]], quantity=str(op[3] * 10), now=clock)
    elif kind == "procure":
        auction_open(
            member=buyers[op[1]],
            grade=market.grade,
            kind="procurement",
            lots=[("50", REFERENCE + op[2])],
            starts_at=clock - timedelta(seconds=1),
            ends_at=clock + timedelta(minutes=30),
            reference_price_fallback=REFERENCE,
            now=clock,
        )
    elif kind == "bid":  # a buyer bids on a sale, a seller offers on a procurement
        auction = _nth(list(Auction.objects.filter(status="open").order_by("id")), op[2])
        if auction is not None:
            bidder = buyers[op[1]] if auction.kind == "sale" else sellers[op[1] % 2]
            auction_bid(auction, member=bidder, price=str(REFERENCE + op[3]), quantity=str(op[4] * 10), now=clock)
    elif kind == "withdraw":
        listing = _nth(list(Listing.objects.filter(status="open").order_by("id")), op[1])
        if listing is not None:
            listing_withdraw(listing, member=listing.owner, now=clock)
    elif kind == "pay":
        settlement = _nth(list(Settlement.objects.filter(buyer=buyers[op[1]], status="pending").order_by("id")), op[2])
        if settlement is not None:
            settlement_pay(settlement, member=buyers[op[1]], now=clock)
    elif kind == "tick":
        clock += timedelta(minutes=op[1])
        auctions_close_due(clock)
    return clock


def _tonnes(member):
    return Receipt.objects.filter(holder=member).exclude(status__in=SUPERSEDED).aggregate(s=Sum("quantity"))[
        "s"
    ] or Decimal("0")


def _check(members, buyers, start_tonnes):
    assert ledger_total() == 0
    fees = LedgerPosting.objects.filter(account__code=FEE_INCOME).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    assert sum(sum(balances(m)) for m in members) + fees == FUNDS * len(buyers)
    # frozen funds = open deposit holds of the aggregates + deposits of unsettled trades
    held = {m.pk: Decimal("0") for m in members}
    for aggregate_type, model in (("listing", Listing), ("auction", Auction)):
        for pk in model.objects.values_list("pk", flat=True):
            for member, amount in state_rebuild(aggregate_type, pk).holds.values():
                held[int(member)] += amount
    for settlement in Settlement.objects.filter(status="pending").select_related("trade"):
        held[settlement.buyer_id] += settlement.trade.deposit
    for m in members:
        assert balances(m)[1] == held[m.pk], m
    # tonnes: nothing created or lost; what moved to buyers left the sellers
    assert sum(_tonnes(m) for m in members) == sum(start_tonnes.values())
    delivered = {m.pk: Decimal("0") for m in members}
    for settlement in Settlement.objects.filter(status="completed").select_related("trade"):
        delivered[settlement.buyer_id] += settlement.trade.quantity
        delivered[settlement.seller_id] -= settlement.trade.quantity
    for m in members:
        assert _tonnes(m) == start_tonnes[m.pk] + delivered[m.pk]
    assert_tables_equal_journal()
