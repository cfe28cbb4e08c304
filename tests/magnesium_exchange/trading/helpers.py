"""Helpers of the trading tests: refusals, the journal replay check, an ended auction."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from magnesium_exchange.members.services.holds import funds_holds_of
from magnesium_exchange.trading.journal import PROJECTIONS, row_values, state_rebuild
from magnesium_exchange.trading.models import Auction, JournalEntry, Listing, Rfq
from magnesium_exchange.trading.services import auction_bid, auction_open
from tests.magnesium_exchange.trading_factories import REFERENCE, counts
from tests.refusals import assert_refused


def refused(code, call):
    return assert_refused(counts, code, call)


def assert_tables_equal_journal():
    checked = 0
    for aggregate_type, model in (("listing", Listing), ("auction", Auction), ("rfq", Rfq)):
        for row in model.objects.all():
            state = state_rebuild(aggregate_type, row.pk)
            expected = PROJECTIONS[aggregate_type](state)
            assert row_values(row, expected) == expected, (aggregate_type, row.pk)
            seqs = list(
                JournalEntry.objects.filter(aggregate_type=aggregate_type, aggregate_pk=row.pk)
                .order_by("seq")
                .values_list("seq", flat=True)
            )
            assert seqs == list(range(1, row.version + 1))
            if aggregate_type == "auction":  # the funds held for an auction = the holds of its rebuilt state
                held = {}
                for member, amount in state.holds.values():
                    held[int(member)] = held.get(int(member), Decimal("0")) + amount
                assert funds_holds_of(f"auction:{row.pk}") == {m: a for m, a in held.items() if a}, row.pk
            checked += 1
    return checked


def ended_auction(market, seller, bidder, minutes_ago=2):
    """A sale auction that ran from 32 to `minutes_ago` minutes ago with one bid, never cleared."""
    began = timezone.now() - timedelta(minutes=32)
    auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller)],
        reserve_price=Decimal("2900"),
        starts_at=began,
        ends_at=began + timedelta(minutes=30 - minutes_ago + 2),
        reference_price_fallback=REFERENCE,
        now=began,
    )
    auction_bid(auction, member=bidder, price="2950", quantity="100", now=began + timedelta(minutes=1))
    auction.refresh_from_db()
    assert auction.status == "open" and auction.ends_at < timezone.now()
    return auction
