"""Auction deposits are holds (members.services.holds): a bid moves no money on the ledger, the holds
are not spendable anywhere (other bids, wanted listings, withdrawals, settlement payments), the close
turns the winners' deposits into ledger freezes, and a bid costs a fixed, small number of statements."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from magnesium_exchange.members.models import FundsHold
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.members.services import (
    funds_withdraw_request,
    member_counterparty_set,
    member_credit_config_set,
    member_status_set,
)
from magnesium_exchange.members.services.holds import funds_holds_of
from magnesium_exchange.trading.facts import bid_facts, excluded_counterparties, exposure_headroom
from magnesium_exchange.trading.models import Auction
from magnesium_exchange.trading.services import auction_bid, auction_cancel, auction_close, auction_open, listing_open
from meidu.core.ledger.models import LedgerTransaction
from tests.magnesium_exchange.trading.helpers import refused
from tests.magnesium_exchange.trading_factories import REFERENCE, balances, held, ledger_balances, ledger_total

pytestmark = pytest.mark.django_db


def _auction(market, seller, tonnes="100.000", minutes=30):
    now = timezone.now()
    return auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller, tonnes)],
        reserve_price=Decimal("2900"),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=minutes),
        reference_price_fallback=REFERENCE,
    )


def test_a_bid_holds_its_deposit_without_a_ledger_posting(market):
    seller, a = market.member(), market.member(funds="300000.00")
    auction = _auction(market, seller)
    postings = LedgerTransaction.objects.count()
    auction_bid(auction, member=a, price="2950", quantity="60")  # deposit 10% of 177,000
    auction_bid(auction, member=a, price="2960", quantity="60")  # raised in place: 17,760
    assert LedgerTransaction.objects.count() == postings
    assert ledger_balances(a) == (Decimal("300000.00"), Decimal("0"))
    assert list(FundsHold.objects.filter(member=a).values_list("reference", "amount")) == [
        (f"auction:{auction.pk}", Decimal("17760.00"))
    ]
    funds = member_balances(a)
    assert (funds.available.amount, funds.frozen.amount, funds.held.amount) == (
        Decimal("282240.00"),
        Decimal("17760.00"),
        Decimal("17760.00"),
    )


def test_an_outbid_member_gets_its_hold_back(market):
    seller = market.member()
    a, b = market.member(funds="300000.00"), market.member(funds="300000.00")
    auction = _auction(market, seller)
    auction_bid(auction, member=a, price="2950", quantity="60")
    auction_bid(auction, member=b, price="3000", quantity="100")  # covers the lot alone: a is pushed out
    assert (held(a), held(b)) == (Decimal("0"), Decimal("30000.00"))
    assert funds_holds_of(f"auction:{auction.pk}") == {b.pk: Decimal("30000.00")}


def test_the_close_turns_winning_deposits_into_ledger_freezes(market):
    seller = market.member()
    a, b, c = (market.member(funds="300000.00") for _ in range(3))
    auction = _auction(market, seller)
    auction_bid(auction, member=a, price="2950", quantity="40")
    auction_bid(auction, member=b, price="3000", quantity="60")
    auction_bid(auction, member=c, price="3010", quantity="50")  # a is pushed out; b keeps 50 of its 60 t
    auction_close(auction, now=auction.ends_at + timedelta(seconds=1))
    assert not FundsHold.objects.filter(reference=f"auction:{auction.pk}").exists()
    assert ledger_balances(a) == (Decimal("300000.00"), Decimal("0"))
    assert ledger_balances(b)[1] == Decimal("15000.00")  # 10% of 50 t at 3000: the rest was released
    assert ledger_balances(c)[1] == Decimal("15050.00")
    assert ledger_total() == 0


def test_an_operator_cancel_drops_the_holds(market):
    seller, a = market.member(), market.member(funds="300000.00")
    auction = _auction(market, seller)
    auction_bid(auction, member=a, price="2950", quantity="60")
    auction_cancel(auction, by_operator=True, reason="仓库检查")
    assert not FundsHold.objects.exists()
    assert balances(a) == (Decimal("300000.00"), Decimal("0"))


def test_held_funds_cannot_be_promised_twice(market):
    seller, a = market.member(), market.member(funds="21000.00")
    first, second = _auction(market, seller), _auction(market, seller)
    auction_bid(first, member=a, price="3000", quantity="60")  # holds 18,000 of 21,000
    refused("insufficient_funds", lambda: auction_bid(second, member=a, price="3010", quantity="10"))
    auction_bid(second, member=a, price="2900", quantity="10")  # 2,900 fits in the 3,000 left
    assert held(a) == Decimal("20900.00")


def test_held_funds_cannot_be_withdrawn(market):
    seller, a = market.member(), market.member(funds="20000.00")
    auction_bid(_auction(market, seller), member=a, price="3000", quantity="60")
    with translation.override("zh-hans"):
        error = refused("insufficient_funds", lambda: funds_withdraw_request(a, Decimal("2000.01")))
    assert error.message == "可用资金不足：18000.00 元已被进行中竞价的出价保证金占用"
    funds_withdraw_request(a, Decimal("2000.00"))
    assert balances(a) == (Decimal("0.00"), Decimal("20000.00"))


def test_held_funds_cannot_back_a_wanted_listing(market):
    seller, a = market.member(), market.member(funds="20000.00")
    auction_bid(_auction(market, seller), member=a, price="3000", quantity="60")
    refused(
        "insufficient_funds",
        lambda: listing_open(
            member=a,
            grade=market.grade,
            side="buy",
            price=Decimal("3000"),
            quantity=Decimal("10"),
            reference_price_fallback=REFERENCE,
        ),
    )


def test_bid_refusals_from_the_bidders_facts(market):
    seller = market.member()
    auction = _auction(market, seller)
    suspended, capped, denier = (market.member(funds="300000.00") for _ in range(3))
    member_status_set(suspended, "suspended", reason="KYC")
    refused("member_not_active", lambda: auction_bid(auction, member=suspended, price="2950", quantity="10"))
    type(capped).objects.filter(pk=capped.pk).update(exposure_cap_tonnes=Decimal("5.000"))
    refused("exposure_cap_exceeded", lambda: auction_bid(auction, member=capped, price="2950", quantity="10"))
    member_counterparty_set(denier, seller, "deny")
    refused("excluded_counterparty", lambda: auction_bid(auction, member=denier, price="2950", quantity="10"))


def test_bid_facts_agree_with_the_separate_reads(market):
    a, b, c = market.member(), market.member(), market.member()
    member_credit_config_set(b, credit_matching_mode="allow_list")
    member_counterparty_set(b, c, "allow")
    member_counterparty_set(c, a, "deny")
    for member in (a, b, c):
        member.refresh_from_db()
        facts = bid_facts(member)
        assert facts.excluded == excluded_counterparties(member)
        assert (facts.value_room, facts.tonnes_room) == exposure_headroom(member)
    assert bid_facts(a).excluded == {str(b.pk), str(c.pk)}
    assert bid_facts(b).excluded == {str(a.pk)}


def test_a_bid_costs_a_fixed_number_of_round_trips(market, django_assert_max_num_queries):
    seller = market.member()
    bidders = [market.member(funds="300000.00") for _ in range(4)]
    auction = _auction(market, seller, tonnes="30.000")
    for n, member in enumerate(bidders):
        auction_bid(auction, member=member, price=str(2900 + n), quantity="10")
    # Round trips: the facts with the journal (the process keeps the state only after a commit, which a
    # test transaction never reaches: it reads the whole journal), the row lock with the bidder's account
    # lock and funds, the journal, holds and row update together, and the savepoint pair of the test's
    # transaction. This raise pushes the weakest bid out: five events, two members' holds.
    with django_assert_max_num_queries(5):
        auction_bid(Auction(pk=auction.pk), member=bidders[1], price="2910", quantity="10")
    assert Auction.objects.get(pk=auction.pk).live_bid_count == 3


def test_a_bid_refused_before_the_lock_keeps_the_process_state(market, django_capture_on_commit_callbacks):
    """The process keeps each auction's state between commands; a refusal from the bidder's facts gives
    it back instead of leaving the next bid a full journal replay."""
    from magnesium_exchange.trading.journal import state_take

    seller, a, b = market.member(), market.member(funds="300000.00"), market.member(funds="300000.00")
    auction = _auction(market, seller)
    with django_capture_on_commit_callbacks(execute=True):
        auction_bid(auction, member=a, price="2950", quantity="10")
    member_status_set(b, "suspended", reason="KYC")
    refused("member_not_active", lambda: auction_bid(auction, member=b, price="2960", quantity="10"))
    taken = state_take("auction", auction.pk)
    assert taken is not None and taken[1].version == Auction.objects.get(pk=auction.pk).version
