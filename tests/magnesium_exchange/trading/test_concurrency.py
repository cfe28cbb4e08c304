"""Bidders on real parallel connections racing on one auction: the auction row lock gives it one
consistent sequence (contiguous journal, table = replay), and every member's frozen funds equal the
deposits of its live bids."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.engine.auction import ACTIVE
from magnesium_exchange.trading.journal import state_rebuild
from magnesium_exchange.trading.models import Auction
from magnesium_exchange.trading.services import auction_bid, auction_close, auction_open
from meidu.core.errors import DomainError
from tests.magnesium_exchange.trading.helpers import assert_tables_equal_journal
from tests.magnesium_exchange.trading_factories import REFERENCE, balances, ledger_total
from tests.support.races import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_bidders_see_one_sequence(market):
    seller = market.member()
    bidders = [market.member(funds="1000000.00") for _ in range(8)]
    now = timezone.now()
    auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller, "100.000")],
        reserve_price=Decimal("2800"),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=30),
        reference_price_fallback=REFERENCE,
    )

    def bidder(i, member):
        """Six bids in a row on this connection; the code of each ("ok" or the refusal's)."""
        codes = []
        for round_ in range(6):
            price = 2800 + 10 * round_ + i
            try:
                auction_bid(Auction(pk=auction.pk), member=member, price=str(price), quantity="30")
                codes.append("ok")
            except DomainError as exc:
                codes.append(exc.code)
        return codes

    bids = [
        code
        for outcome in race(*[lambda i=i, m=m: bidder(i, m) for i, m in enumerate(bidders)])
        for code in outcome.value
    ]
    outcomes = {"ok": bids.count("ok"), "refused": {code: bids.count(code) for code in bids if code != "ok"}}
    assert outcomes["ok"] > len(bidders)
    assert set(outcomes["refused"]) <= {"bid_not_improved"}

    assert_tables_equal_journal()
    state = state_rebuild("auction", auction.pk)
    live = {}
    for bid in state.bids.values():
        if bid.status == ACTIVE:
            live[bid.bidder] = live.get(bid.bidder, Decimal("0")) + bid.deposit
    for member in bidders:
        assert balances(member)[1] == live.get(str(member.pk), Decimal("0.00"))
    assert sum(b.quantity for b in state.bids.values() if b.status == ACTIVE) >= Decimal("100")

    auction_close(Auction(pk=auction.pk), now=timezone.now() + timedelta(hours=1))
    assert Auction.objects.get(pk=auction.pk).sold_quantity == Decimal("100.000")
    assert ledger_total() == 0


def test_one_members_bids_and_withdrawal_racing_never_spend_held_funds(market):
    """Two bids on two auctions and a withdrawal of the same member on three connections: each one
    alone fits its 30,000 of funds, any two do not. The member's account lock lets exactly one through."""
    from magnesium_exchange.members.services import funds_withdraw_request
    from tests.magnesium_exchange.trading_factories import held, ledger_balances

    seller, member = market.member(), market.member(funds="30000.00")
    now = timezone.now()
    auctions = [
        auction_open(
            member=seller,
            grade=market.grade,
            receipts=[market.receipt(seller, "100.000")],
            reserve_price=Decimal("2800"),
            starts_at=now - timedelta(seconds=1),
            ends_at=now + timedelta(minutes=30),
            reference_price_fallback=REFERENCE,
        )
        for _ in range(2)
    ]
    outcomes = race(
        lambda: auction_bid(Auction(pk=auctions[0].pk), member=member, price="3000", quantity="60"),
        lambda: auction_bid(Auction(pk=auctions[1].pk), member=member, price="3000", quantity="60"),
        lambda: funds_withdraw_request(member, Decimal("20000.00")),
    )
    assert sorted(outcome.code for outcome in outcomes if not outcome.ok) == [
        "insufficient_funds",
        "insufficient_funds",
    ]
    available, frozen = ledger_balances(member)
    assert available - held(member) >= 0
    assert available + frozen == Decimal("30000.00")
    assert_tables_equal_journal()
