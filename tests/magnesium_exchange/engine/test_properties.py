"""Property-based: random sequences of commands (valid and not) against each aggregate.

For every sequence: decide never changes the state, refusals produce nothing, replaying the journal
gives a state equal to the live one, every event survives its JSON form, and once the aggregate is
closed tonnes are conserved (traded + remaining == listed) and so are deposits (frozen − released −
applied == 0), checked also against a model of the services' funds accounts."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from magnesium_exchange.engine import (
    AcceptQuote,
    AuctionKind,
    CancelAuction,
    CancelRfq,
    CloseAuction,
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    EngineError,
    ExpireListing,
    ExpireRfq,
    LotSpec,
    MarketRules,
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
    WithdrawQuote,
    apply,
    auction_allocation,
    decide,
    event_from_dict,
    replay,
    value_of,
)

MEMBERS = ("m0", "m1", "m2", "m3", "m4")
REF = D("3000")
T0 = 1_796_000_000_000
SECOND = 1000
RULES = MarketRules(anti_snipe_window_ms=60 * SECOND, anti_snipe_extension_ms=60 * SECOND, max_extensions=5)
CHECKS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


class Accounts:
    """The services' side as a model: available and frozen funds per member, contract deposits."""

    def __init__(self, funds: D):
        self.available = {m: funds for m in MEMBERS}
        self.frozen = defaultdict(D)
        self.contract_deposit = defaultdict(D)
        self.trades: dict[str, TradeExecuted] = {}
        self.total = funds * len(MEMBERS)

    def on(self, event) -> None:
        if isinstance(event, DepositFrozen):
            self.available[event.member] -= event.amount
            assert self.available[event.member] >= 0, "the engine froze more than was available"
            self.frozen[event.member] += event.amount
        elif isinstance(event, DepositReleased):
            self.frozen[event.member] -= event.amount
            self.available[event.member] += event.amount
        elif isinstance(event, DepositApplied):
            assert event.trade_id in self.trades and self.trades[event.trade_id].buyer == event.member
            self.frozen[event.member] -= event.amount
            self.contract_deposit[event.trade_id] += event.amount
        elif isinstance(event, TradeExecuted):
            assert event.buyer != event.seller and event.quantity > 0
            assert event.value == value_of(event.price, event.quantity)
            self.trades[event.trade_id] = event
        assert all(amount >= 0 for amount in self.frozen.values())

    def settled(self) -> None:
        assert all(amount == 0 for amount in self.frozen.values())
        for trade_id, trade in self.trades.items():
            assert self.contract_deposit[trade_id] == trade.buyer_deposit
        assert sum(self.available.values()) + sum(self.contract_deposit.values()) == self.total


def drive(state, journal, commands, accounts: Accounts):
    """Run commands (each built from the live state); check purity and refusals on the way."""
    for build in commands:
        command = build(state)
        if command is None:
            continue
        before = copy.deepcopy(state)
        try:
            events = decide(state, command)
        except EngineError:
            assert state == before
            continue
        assert state == before, "decide changed the state"
        for event in events:
            state = apply(state, event)
            accounts.on(event)
        journal.extend(events)
    return state


def check_journal(state, journal):
    assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
    assert replay(journal) == state
    assert [event_from_dict(json.loads(json.dumps(e.to_dict()))) for e in journal] == journal


def check_deposits(state, accounts):
    assert state.deposits_frozen - state.deposits_released - state.deposits_applied == 0
    assert state.holds == {}
    accounts.settled()


member = st.sampled_from(MEMBERS)
ticks = st.integers(-300, 300)
tonnes = st.integers(1, 60)
seconds = st.integers(0, 90)
honest = st.integers(0, 7).map(lambda n: n != 7)  # mostly true facts; sometimes too little funds or tonnes


def weighted(**weights):
    return st.sampled_from([name for name, weight in weights.items() for _ in range(weight)])


# listing ---------------------------------------------------------------------------------------------

listing_action = st.tuples(weighted(pick=8, reprice=2, withdraw=1, expire=1), member, tonnes, honest)


@CHECKS
@given(
    side=st.sampled_from(Side),
    quantity=st.integers(1, 150),
    min_pick=st.integers(1, 20),
    actions=st.lists(listing_action, max_size=25),
)
def test_listing_random_sequences(side, quantity, min_pick, actions):
    accounts = Accounts(D("400000.00"))
    holdings = D("1000")
    opening = OpenListing(
        "L",
        "m0",
        T0,
        side,
        "FM97",
        D(quantity),
        D("3000"),
        REF,
        min_pick=D(min_pick),
        expires_at=T0 + 3600 * SECOND,
        rules=RULES,
        available_quantity=holdings,
        available_funds=accounts.available["m0"],
    )
    try:
        journal = decide(None, opening)
    except EngineError:
        return
    state = replay(journal)
    for event in journal:
        accounts.on(event)

    def build(action):
        kind, who, number, flag = action
        now = T0 + number * SECOND if kind == "expire" else T0
        if kind == "pick":
            return lambda s: PickListing(
                "L",
                who,
                now,
                D(number),
                available_funds=accounts.available[who],
                available_quantity=holdings if flag else D(number - 1),
            )
        if kind == "reprice":
            return lambda s: RepriceListing(
                "L",
                who if flag else "m0",
                now,
                s.price + number * 10 - 300,
                REF,
                available_funds=accounts.available[s.owner],
            )
        if kind == "withdraw":
            return lambda s: WithdrawListing("L", who if flag else "m0", now)
        return lambda s: ExpireListing("L", "system", now + 3600 * SECOND * (number % 2))

    state = drive(state, journal, [build(a) for a in actions], accounts)
    assert state.traded_quantity + state.remaining == state.quantity
    if state.open:
        state = drive(state, journal, [lambda s: WithdrawListing("L", "m0", T0)], accounts)
    assert not state.open
    check_journal(state, journal)
    check_deposits(state, accounts)
    traded = sum(e.quantity for e in journal if isinstance(e, TradeExecuted))
    assert traded == state.traded_quantity and traded + state.remaining == D(quantity)


# auction ---------------------------------------------------------------------------------------------


def naive_allocation(state) -> dict:
    """Allocation recomputed from every bid ever placed (except replaced ones) by a full sort: what the
    incremental heap with early outbids must agree with."""
    sale = state.kind is AuctionKind.SALE
    result = {}
    for lot in state.lots.values():
        bids = [b for b in state.bids.values() if b.lot_id == lot.lot_id and b.status != "replaced"]
        bids.sort(key=lambda b: (-b.price if sale else b.price, b.bid_no))
        left, fills = lot.quantity, []
        for bid in bids:
            if left:
                fills.append((bid.bid_no, min(bid.quantity, left)))
                left -= fills[-1][1]
            else:
                assert bid.status == "outbid"
        result[lot.lot_id] = fills
    return result


bid_action = st.tuples(member, st.integers(0, 2), st.integers(-20, 250), st.integers(1, 40), st.integers(0, 20), honest)


@CHECKS
@given(
    kind=st.sampled_from(AuctionKind),
    lots=st.lists(st.integers(1, 60), min_size=1, max_size=3),
    bids=st.lists(bid_action, min_size=5, max_size=60),
    cancel=st.integers(0, 4).map(lambda n: n == 4),
)
def test_auction_random_sequences(kind, lots, bids, cancel):
    accounts = Accounts(D("2000000.00"))
    sale = kind is AuctionKind.SALE
    initiator = "m0"
    specs = tuple(LotSpec(f"L{i}", D(q), D("2900") if sale else D("3100")) for i, q in enumerate(lots))
    journal = decide(
        None,
        OpenAuction(
            "A",
            initiator,
            T0,
            kind,
            "FM97",
            specs,
            T0,
            T0 + 240 * SECOND,
            REF,
            rules=RULES,
            available_quantity=D("1000"),
            available_funds=accounts.available[initiator],
        ),
    )
    state = replay(journal)
    for event in journal:
        accounts.on(event)
    clock = [T0]

    def build(action):
        who, lot, offset, quantity, step, flag = action

        def command(s):
            clock[0] += step * SECOND
            price = D(2900 + offset) if sale else D(3100 - offset)
            lot_id = f"L{lot % len(lots)}" if flag else f"L{lot}"
            size = 1 + (quantity - 1) % lots[lot % len(lots)] if flag else quantity
            bidder = who if who != initiator or not flag else "m1"
            return PlaceBid(
                "A",
                bidder,
                clock[0],
                lot_id,
                price,
                D(size),
                available_funds=accounts.available[bidder] if flag else D("1000"),
                available_quantity=D("1000") if flag else D(size - 1),
            )

        return command

    state = drive(state, journal, [build(b) for b in bids], accounts)
    for lot in state.lots.values():  # the live bids never cover more than one bid beyond the lot
        live = [b for b in state.bids.values() if b.lot_id == lot.lot_id and b.status == "active"]
        assert sum(b.quantity for b in live) == lot.live_quantity
        if live:
            weakest = min(live, key=lambda b: (b.price if sale else -b.price, -b.bid_no))
            assert lot.live_quantity - weakest.quantity < lot.quantity
    assert naive_allocation(state) == {
        lot: [(b.bid_no, q) for b, q in fills] for lot, fills in auction_allocation(state).items()
    }
    if cancel:
        final = [lambda s: CancelAuction("A", "operator", max(clock[0], T0), by_operator=True)]
    else:
        final = [lambda s: CloseAuction("A", "system", max(s.ends_at, clock[0]))]
    state = drive(state, journal, final, accounts)
    assert state.status in ("closed", "cancelled")
    check_journal(state, journal)
    check_deposits(state, accounts)
    sold = sum(e.quantity for e in journal if isinstance(e, TradeExecuted))
    if state.status == "closed":
        closed = journal[-1]
        assert closed.sold_quantity == sold == state.traded_quantity
        assert closed.sold_quantity + closed.unsold_quantity == sum(D(q) for q in lots)
        for lot in state.lots.values():
            assert lot.sold_quantity <= lot.quantity
    else:
        assert sold == 0


# negotiated ------------------------------------------------------------------------------------------

rfq_action = st.tuples(weighted(quote=5, withdraw=1, accept=3, cancel=1), member, ticks, st.integers(0, 60), honest)


def live_quote(s, index: int, who: str | None = None) -> int:
    """One of the live quotes (of `who` if given), or an id that does not exist."""
    ids = sorted(q for m, q in s.live_quote.items() if who is None or m == who)
    return ids[index % len(ids)] if ids else 10_000 + index


@CHECKS
@given(side=st.sampled_from(Side), quantity=st.integers(1, 150), actions=st.lists(rfq_action, max_size=25))
def test_rfq_random_sequences(side, quantity, actions):
    accounts = Accounts(D("600000.00"))
    journal = decide(
        None,
        OpenRfq(
            "Q", "m0", T0, side, "FM97", D(quantity), T0 + 3600 * SECOND, REF, rules=RULES, available_quantity=D("1000")
        ),
    )
    state = replay(journal)

    def build(action):
        kind, who, a, b, flag = action
        if kind == "quote":
            return lambda s: SubmitQuote(
                "Q",
                who,
                T0,
                D("3000") + a,
                D(b),
                available_quantity=D("1000") if flag else D(0),
                available_funds=accounts.available[who] if flag else D(0),
            )
        if kind == "withdraw":
            return lambda s: WithdrawQuote("Q", who, T0, live_quote(s, a, who if flag else None))
        if kind == "accept":
            return lambda s: AcceptQuote(
                "Q",
                "m0" if flag else who,
                T0,
                live_quote(s, a),
                quantity=D(b) if b % 3 == 0 and b else None,
                available_funds=accounts.available["m0"],
            )
        return lambda s: CancelRfq("Q", "m0" if flag else who, T0)

    state = drive(state, journal, [build(a) for a in actions], accounts)
    assert state.traded_quantity + state.remaining == state.quantity
    if state.open:
        state = drive(state, journal, [lambda s: ExpireRfq("Q", "system", T0 + 3600 * SECOND)], accounts)
    assert not state.open
    check_journal(state, journal)
    check_deposits(state, accounts)
