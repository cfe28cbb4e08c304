"""Property-based: a randomized day of trading on four books at once (a sell listing, a wanted
listing, a two-lot sale auction, a request for quote), with the services' facts (available funds,
unencumbered tonnes) taken from a model of the members' accounts and receipts that applies the events.

At the end of the day every book is closed and: funds are conserved (available + contract deposits ==
what the members started with, nothing left frozen), tonnes are conserved (held + bought == started
with, nothing left locked), and every book's journal replays to its live state."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from magnesium_exchange.engine import (
    AcceptQuote,
    AuctionClosed,
    AuctionKind,
    CancelRfq,
    CloseAuction,
    EngineError,
    ListingClosed,
    LotSpec,
    OpenAuction,
    OpenListing,
    OpenRfq,
    PickListing,
    PlaceBid,
    RepriceListing,
    Side,
    SubmitQuote,
    TradeExecuted,
    WithdrawListing,
    execute,
    replay,
)

from .test_properties import MEMBERS, REF, RULES, SECOND, T0, Accounts

START_TONNES = D("500")


class Receipts:
    """Tonnes per member: held (unencumbered + locked), locked by the books they sell on, bought
    (under the resale lock, so never offered again today)."""

    def __init__(self):
        self.held = {m: START_TONNES for m in MEMBERS}
        self.locked = {m: D(0) for m in MEMBERS}
        self.bought = {m: D(0) for m in MEMBERS}

    def free(self, member: str) -> D:
        return self.held[member] - self.locked[member]

    def on(self, event, locker: str | None) -> None:
        if isinstance(event, TradeExecuted):
            self.held[event.seller] -= event.quantity
            if event.seller == locker:
                self.locked[locker] -= event.quantity
            self.bought[event.buyer] += event.quantity
        elif isinstance(event, ListingClosed) and locker:
            self.locked[locker] -= event.remaining
        elif isinstance(event, AuctionClosed) and locker:
            self.locked[locker] -= event.unsold_quantity
        assert all(v >= 0 for v in self.locked.values()) and all(self.free(m) >= 0 for m in MEMBERS)


# book: (index) 0 sell listing by m0, 1 wanted listing by m1, 2 sale auction by m2, 3 buy RFQ by m3
LOCKER = {0: "m0", 1: None, 2: "m2", 3: None}
step = st.tuples(
    st.integers(0, 3), st.integers(0, 2), st.sampled_from(MEMBERS), st.integers(1, 40), st.integers(-40, 40)
)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=10, max_size=80))
def test_a_randomized_day_conserves_tonnes_and_funds(steps):
    funds = Accounts(D("300000.00"))
    receipts = Receipts()
    books, journals = {}, {}

    def run(index, command):
        try:
            state, events = execute(books.get(index), command)
        except EngineError:
            return
        books[index] = state
        journals.setdefault(index, []).extend(events)
        for event in events:
            funds.on(event)
            receipts.on(event, LOCKER[index])

    run(
        0,
        OpenListing(
            "L",
            "m0",
            T0,
            Side.SELL,
            "FM97",
            D("120"),
            D("3000"),
            REF,
            min_pick=D("5"),
            rules=RULES,
            available_quantity=receipts.free("m0"),
        ),
    )
    receipts.locked["m0"] += D("120")
    run(
        1,
        OpenListing(
            "W",
            "m1",
            T0,
            Side.BUY,
            "FM97",
            D("150"),
            D("2950"),
            REF,
            rules=RULES,
            available_funds=funds.available["m1"],
        ),
    )
    lots = (LotSpec("X", D("60"), D("2900")), LotSpec("Y", D("40"), D("2950")))
    run(
        2,
        OpenAuction(
            "A",
            "m2",
            T0,
            AuctionKind.SALE,
            "FM97",
            lots,
            T0,
            T0 + 600 * SECOND,
            REF,
            rules=RULES,
            available_quantity=receipts.free("m2"),
        ),
    )
    receipts.locked["m2"] += D("100")
    run(3, OpenRfq("Q", "m3", T0, Side.BUY, "FM97", D("80"), T0 + 3600 * SECOND, REF, rules=RULES))

    now = T0
    for book, kind, who, n, delta in steps:
        now += 5 * SECOND
        if book == 0:
            command = (
                PickListing("L", who, now, D(n), available_funds=funds.available[who])
                if kind
                else RepriceListing("L", "m0", now, D(3000 + delta), REF)
            )
        elif book == 1:
            command = (
                PickListing("W", who, now, D(n), available_quantity=receipts.free(who))
                if kind
                else RepriceListing("W", "m1", now, D(2950 + delta), REF, available_funds=funds.available["m1"])
            )
        elif book == 2:
            command = PlaceBid(
                "A", who, now, "XY"[kind % 2], D(2950 + delta * 3), D(n), available_funds=funds.available[who]
            )
        else:
            rfq = books[3]
            if kind == 0:
                command = SubmitQuote("Q", who, now, D(3000 + delta), D(n), available_quantity=receipts.free(who))
            else:
                live = sorted(rfq.live_quote.items())
                if not live:
                    continue
                quoter, quote_id = live[n % len(live)]
                command = AcceptQuote(
                    "Q",
                    "m3",
                    now,
                    quote_id,
                    available_funds=funds.available["m3"],
                    seller_available_quantity=receipts.free(quoter),
                )
        run(book, command)

    end = max(now, books[2].ends_at)
    for index, command in (
        (0, WithdrawListing("L", "m0", end)),
        (1, WithdrawListing("W", "m1", end)),
        (2, CloseAuction("A", "system", end)),
        (3, CancelRfq("Q", "m3", end)),
    ):
        run(index, command)

    for index, state in books.items():
        assert replay(journals[index]) == state
        assert state.deposits_frozen - state.deposits_released - state.deposits_applied == 0
    funds.settled()
    assert all(v == 0 for v in receipts.locked.values())
    assert sum(receipts.held.values()) + sum(receipts.bought.values()) == START_TONNES * len(MEMBERS)
    listing, wanted = books[0], books[1]
    assert listing.traded_quantity + listing.remaining == listing.quantity
    assert wanted.traded_quantity + wanted.remaining == wanted.quantity
