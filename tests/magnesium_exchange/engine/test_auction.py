"""Auctions: ascending sale and descending procurement, increments, outbids, anti-sniping, multi-lot
allocation by price then time with partial fills, deposits, cancel, and every refusal."""

from decimal import Decimal as D

import pytest

from magnesium_exchange.engine import (
    AuctionClosed,
    AuctionExtended,
    AuctionKind,
    BidOutbid,
    BidPlaced,
    CancelAuction,
    CloseAuction,
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    EngineError,
    LotSpec,
    MarketRules,
    OpenAuction,
    PlaceBid,
    TradeExecuted,
    auction_allocation,
    auction_clear,
    decide,
    replay,
)
from magnesium_exchange.engine import (
    EngineErrorCode as E,
)

from .support import MINUTE, PLENTY, REF, RICH, T0, net_held, run, sale_auction

END = T0 + 60 * MINUTE


def bid(member, price, quantity="100", at=T0 + MINUTE, lot="L1", funds=RICH, **kw):
    return PlaceBid("A1", member, at, lot, D(price), D(quantity), available_funds=funds, **kw)


def offer(member, price, quantity="100", at=T0 + MINUTE, lot="L1", **kw):
    kw.setdefault("available_quantity", PLENTY)
    return PlaceBid("A1", member, at, lot, D(price), D(quantity), **kw)


def refused(state, command):
    with pytest.raises(EngineError) as error:
        decide(state, command)
    return error.value.code


def test_whole_lot_ascending_sale_outbids_and_releases_then_clears():
    state, opened = sale_auction()
    state, events = run(state, bid("b1", "3000"))
    journal = opened + events
    assert [type(e) for e in events] == [BidPlaced, DepositFrozen]
    assert events[1].amount == D("30000.00") and events[1].hold_id == "bid:2"
    assert refused(state, bid("b2", "3000")) is E.BID_NOT_IMPROVED  # must beat the best by one tick
    state, events = run(state, bid("b2", "3001"))
    journal += events
    assert [type(e) for e in events] == [BidPlaced, DepositFrozen, BidOutbid, DepositReleased]
    assert events[2].bid_no == 2 and events[3].member == "b1" and events[3].amount == D("30000.00")
    state, closing = run(state, CloseAuction("A1", "system", END))
    trade = closing[0]
    assert isinstance(trade, TradeExecuted)
    assert (trade.buyer, trade.seller, trade.quantity, trade.price, trade.bid_no) == (
        "b2",
        "seller",
        D("100.000"),
        D("3001.00"),
        4,
    )
    assert isinstance(closing[1], DepositApplied) and closing[1].amount == D("30010.00")
    assert isinstance(closing[-1], AuctionClosed) and closing[-1].sold_quantity == D("100.000")
    assert net_held(state) == 0 and state.holds == {}
    assert replay(journal + closing) == state


def test_quantity_split_by_price_then_time_with_a_partial_fill():
    state, opened = sale_auction(lots=(("L1", "100", "3000"),))
    commands = [bid("b4", "3005", "20"), bid("b1", "3010", "40"), bid("b2", "3020", "30"), bid("b3", "3010", "40")]
    state, events = run(state, *commands)
    # 3020x30 (b2), 3010x40 (b1, earlier), 3010x40 (b3) cover 110 t: b4 (3005) is pushed out, b3 gets 30 of 40
    assert [e.bid_no for e in events if isinstance(e, BidOutbid)] == [2]
    allocation = auction_allocation(state)["L1"]
    assert [(b.bidder, q) for b, q in allocation] == [("b2", D("30.000")), ("b1", D("40.000")), ("b3", D("30.000"))]
    state, closing = run(state, CloseAuction("A1", "system", END))
    trades = [e for e in closing if isinstance(e, TradeExecuted)]
    assert [(t.buyer, t.quantity, t.price) for t in trades] == [
        ("b2", D("30.000"), D("3020.00")),
        ("b1", D("40.000"), D("3010.00")),
        ("b3", D("30.000"), D("3010.00")),
    ]
    released = [e for e in closing if isinstance(e, DepositReleased)]
    assert [(e.member, e.amount) for e in released] == [("b3", D("3010.00"))]  # the unfilled 10 t of b3
    assert state.traded_quantity == D("100") and net_held(state) == 0


def test_covered_lot_requires_beating_the_marginal_bid():
    state, _ = sale_auction(lots=(("L1", "100", "3000"),))
    state, _ = run(state, bid("b1", "3010", "60"), bid("b2", "3020", "40"))
    assert refused(state, bid("b3", "3010", "10")) is E.BID_NOT_IMPROVED
    state, events = run(state, bid("b3", "3011", "10"))
    assert not any(isinstance(e, BidOutbid) for e in events)  # b1 keeps 50 of its 60 t
    state, events = run(state, bid("b4", "3012", "50"))
    assert [e.bid_no for e in events if isinstance(e, BidOutbid)] == [2]  # b1 is now wholly out


def test_new_bid_never_pushes_out_a_better_bid():
    state, _ = sale_auction(lots=(("L1", "10", "3000"),))
    state, _ = run(state, bid("b1", "3100", "3"))
    state, events = run(state, bid("b2", "3000", "10"))  # lot not covered before: allowed, b1 keeps priority
    assert not any(isinstance(e, BidOutbid) for e in events)
    assert [(b.bidder, q) for b, q in auction_allocation(state)["L1"]] == [("b1", D("3.000")), ("b2", D("7.000"))]


def test_a_member_raises_its_own_bid():
    state, _ = sale_auction()
    state, _ = run(state, bid("b1", "3000", "50"))
    assert refused(state, bid("b1", "3000", "60")) is E.BID_NOT_IMPROVED
    assert refused(state, bid("b1", "3001", "40")) is E.BID_NOT_IMPROVED
    # the old deposit counts towards the new one: 15,006 needed, 15,000 held + 6 available
    state, events = run(state, bid("b1", "3001", "50", funds=D("5.00") + D("1.00")))
    assert [type(e) for e in events] == [BidPlaced, DepositReleased, DepositFrozen]
    assert events[0].replaces == 2 and state.bids[2].status == "replaced"
    assert state.held("bid:2") == 0 and state.held("bid:4") == D("15005.00")
    assert state.lots["L1"].live_quantity == D("50")


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (bid("b1", "2999"), E.BELOW_RESERVE),
        (bid("b1", "3000.50"), E.PRICE_OFF_TICK),
        (bid("b1", "3241"), E.PRICE_OUTSIDE_LIMIT),
        (bid("b1", "3000", "0.5"), E.OFF_STEP),
        (bid("b1", "3000", "101"), E.QUANTITY_EXCEEDS_AVAILABLE),
        (bid("b1", "3000", funds=D("29999.99")), E.INSUFFICIENT_FUNDS),
        (bid("b1", "3000", funds=None), E.INSUFFICIENT_FUNDS),
        (bid("b1", "3000", exposure_headroom=D("299999")), E.EXPOSURE_CAP_EXCEEDED),
        (bid("seller", "3000"), E.SELF_TRADE),
        (bid("blocked", "3000"), E.EXCLUDED_COUNTERPARTY),
        (bid("b1", "3000", excluded_counterparties=frozenset({"seller"})), E.EXCLUDED_COUNTERPARTY),
        (bid("b1", "3000", lot="L9"), E.NOT_FOUND),
        (bid("b1", "3000", at=T0 + 29_999), E.NOT_OPEN),
        (bid("b1", "3000", at=END), E.ENDED),
        (bid("b1", "3000", "5"), E.BELOW_MIN_PICK),
    ],
)
def test_bid_refusals(command, code):
    state, _ = sale_auction(excluded_counterparties=frozenset({"blocked"}), min_bid_quantity=D("10"), start_in=30_000)
    assert refused(state, command) is code


def test_open_refusals():
    lots = (LotSpec("L1", D("100"), D("3000")),)
    cases = [
        (dict(lots=(LotSpec("L1", D("100"), D("2700")),)), E.PRICE_OUTSIDE_LIMIT),
        (dict(lots=(LotSpec("L1", D("100"), D("3000.3")),)), E.PRICE_OFF_TICK),
        (dict(lots=lots + lots), E.INVALID_COMMAND),
        (dict(lots=()), E.INVALID_COMMAND),
        (dict(ends_at=T0), E.INVALID_SCHEDULE),
        (dict(available_quantity=D("99.999")), E.INSUFFICIENT_QUANTITY),
        (dict(reference_price=None), E.NO_REFERENCE_PRICE),
    ]
    for overrides, code in cases:
        fields = dict(lots=lots, starts_at=T0, ends_at=END, reference_price=REF, available_quantity=PLENTY)
        fields.update(overrides)
        command = OpenAuction("A1", "seller", T0, AuctionKind.SALE, "FM97", **fields)
        assert refused(None, command) is code, overrides
    procurement = OpenAuction(
        "A1", "buyer", T0, AuctionKind.PROCUREMENT, "FM97", lots, T0, END, REF, available_funds=D("29999.99")
    )
    assert refused(None, procurement) is E.INSUFFICIENT_FUNDS


def test_anti_sniping_extends_within_the_window_up_to_the_hard_cap():
    rules = MarketRules(max_extensions=3)
    state, _ = sale_auction(rules=rules)
    state, events = run(state, bid("b1", "3000", at=END - 3 * MINUTE))
    assert not any(isinstance(e, AuctionExtended) for e in events)
    state, events = run(state, bid("b2", "3001", at=END - 30_000))
    assert isinstance(events[-1], AuctionExtended) and events[-1].ends_at == END - 30_000 + 2 * MINUTE
    assert refused(state, CloseAuction("A1", "system", END)) is E.NOT_ENDED
    state, _ = run(state, bid("b1", "3002", at=END + MINUTE), bid("b2", "3003", at=END + 2 * MINUTE))
    assert state.extensions == 3
    state, events = run(state, bid("b1", "3004", at=state.ends_at - 1))  # no fourth extension
    assert not any(isinstance(e, AuctionExtended) for e in events)
    assert refused(state, bid("b2", "3005", at=state.ends_at)) is E.ENDED


def test_extension_never_passes_the_hard_maximum_end():
    state, _ = sale_auction(rules=MarketRules(max_extended_ms=MINUTE, max_extensions=100))
    state, _ = run(state, bid("b1", "3000", at=END - 1000))
    assert state.ends_at == END + MINUTE
    state, events = run(state, bid("b2", "3001", at=END + MINUTE - 1))
    assert not any(isinstance(e, AuctionExtended) for e in events) and state.ends_at == END + MINUTE


def test_multi_lot_sale_clears_each_lot_and_reports_unsold():
    state, _ = sale_auction(lots=(("L1", "50", "3000"), ("L2", "50", "2900"), ("L3", "20", "3000")))
    state, _ = run(
        state, bid("b1", "3000", "50", lot="L1"), bid("b2", "2950", "20", lot="L2"), bid("b3", "2960", "20", lot="L2")
    )
    state, events = run(state, CloseAuction("A1", "system", END))
    trades = [(e.lot_id, e.buyer, e.quantity) for e in events if isinstance(e, TradeExecuted)]
    assert trades == [("L1", "b1", D("50")), ("L2", "b3", D("20")), ("L2", "b2", D("20"))]
    closed = events[-1]
    assert (closed.sold_quantity, closed.unsold_quantity) == (D("90"), D("30"))
    assert state.lots["L3"].sold_quantity == 0 and state.status == "closed"
    assert refused(state, bid("b9", "3000", at=END)) is E.ENDED
    assert refused(state, CloseAuction("A1", "system", END)) is E.ENDED


def test_procurement_descends_and_the_buyers_deposit_follows_the_trades():
    state, opened = sale_auction(kind=AuctionKind.PROCUREMENT, lots=(("L1", "100", "3000"),))
    assert isinstance(opened[1], DepositFrozen) and opened[1].amount == D("30000.00") and opened[1].member == "buyer"
    assert refused(state, offer("s1", "3001")) is E.ABOVE_CEILING
    assert refused(state, offer("s1", "3000", available_quantity=D("99"))) is E.INSUFFICIENT_QUANTITY
    state, _ = run(state, offer("s1", "2950", "60"), offer("s2", "2900", "60"))
    assert refused(state, offer("s3", "2950", "60")) is E.BID_NOT_IMPROVED
    state, events = run(state, offer("s3", "2899", "60"))
    assert [e.bid_no for e in events if isinstance(e, BidOutbid)] == [3]  # s1 (highest offer) is out
    state, closing = run(state, CloseAuction("A1", "system", END))
    trades = [e for e in closing if isinstance(e, TradeExecuted)]
    assert [(t.buyer, t.seller, t.quantity, t.price) for t in trades] == [
        ("buyer", "s3", D("60"), D("2899.00")),
        ("buyer", "s2", D("40"), D("2900.00")),
    ]
    applied = sum(e.amount for e in closing if isinstance(e, DepositApplied))
    assert applied == D("17394.00") + D("11600.00")
    assert [e.amount for e in closing if isinstance(e, DepositReleased)] == [D("30000.00") - applied]
    assert net_held(state) == 0


def test_cancel_by_initiator_before_bids_and_by_operator_after():
    state, _ = sale_auction()
    assert refused(state, CancelAuction("A1", "someone", T0)) is E.NOT_OWNER
    cancelled, events = run(state, CancelAuction("A1", "seller", T0, reason="wrong grade"))
    assert cancelled.status == "cancelled"
    state, _ = sale_auction()
    state, _ = run(state, bid("b1", "3000"), bid("b2", "3001", "50"))
    assert refused(state, CancelAuction("A1", "seller", T0 + MINUTE)) is E.HAS_BIDS
    state, events = run(state, CancelAuction("A1", "operator", T0 + MINUTE, by_operator=True))
    assert sum(e.amount for e in events if isinstance(e, DepositReleased)) == D("30000.00") + D("15005.00")
    assert net_held(state) == 0 and state.holds == {}
    assert refused(state, bid("b3", "3100")) is E.ENDED


def test_clear_is_pure_and_matches_close():
    state, _ = sale_auction()
    state, _ = run(state, bid("b1", "3000", "30"), bid("b2", "3001", "30"))
    version = state.version
    assert auction_clear(state, END) == decide(state, CloseAuction("A1", "system", END))
    assert state.version == version and state.status == "open"
