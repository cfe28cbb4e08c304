"""Listing and picking: partial picks, wanted listings, re-price, withdraw, expiry, and every refusal."""

from decimal import Decimal as D

import pytest

from magnesium_exchange.engine import (
    CloseReason,
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    EngineError,
    ExpireListing,
    ListingClosed,
    ListingRepriced,
    PickListing,
    RepriceListing,
    TradeExecuted,
    WithdrawListing,
    decide,
    replay,
)
from magnesium_exchange.engine import (
    EngineErrorCode as E,
)

from .support import MINUTE, PLENTY, REF, RICH, T0, buy_listing, net_held, run, sell_listing


def pick(quantity, actor="buyer", funds=RICH, **kw):
    return PickListing("L1", actor, T0 + MINUTE, D(quantity), available_funds=funds, **kw)


def test_partial_picks_leave_the_remainder_listed_then_fill_closes():
    state, opened = sell_listing("100", "3000", min_pick="10", step="5")
    state, events = run(state, pick("30"), pick("70", actor="buyer2"))
    trades = [e for e in events if isinstance(e, TradeExecuted)]
    assert [(t.buyer, t.seller, t.quantity, t.value, t.buyer_deposit) for t in trades] == [
        ("buyer", "seller", D("30.000"), D("90000.00"), D("9000.00")),
        ("buyer2", "seller", D("70.000"), D("210000.00"), D("21000.00")),
    ]
    assert trades[0].trade_id == "L1/T1" and trades[1].trade_id == "L1/T2"
    assert isinstance(events[-1], ListingClosed) and events[-1].reason is CloseReason.FILLED
    assert state.remaining == 0 and not state.open
    assert state.traded_quantity + state.remaining == state.quantity
    assert net_held(state) == 0
    assert [e.seq for e in opened + events] == list(range(1, len(opened + events) + 1))
    assert replay(opened + events) == state


def test_pick_freezes_then_applies_the_buyers_deposit_to_the_trade():
    state, _ = sell_listing()
    events = decide(state, pick("10"))
    assert [type(e) for e in events] == [DepositFrozen, TradeExecuted, DepositApplied]
    assert events[0].hold_id == events[2].hold_id == "trade:L1/T1"
    assert events[2].trade_id == "L1/T1" and events[2].amount == D("3000.00")


def test_remainder_below_min_pick_may_be_taken_whole_only():
    state, _ = sell_listing("25", min_pick="10", step="5")
    state, _ = run(state, pick("20"))
    with pytest.raises(EngineError) as refused:
        decide(state, pick("3"))
    assert refused.value.code is E.BELOW_MIN_PICK
    state, events = run(state, pick("5"))
    assert state.remaining == 0


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("5", E.BELOW_MIN_PICK),
        ("12", E.OFF_STEP),
        ("101", E.QUANTITY_EXCEEDS_AVAILABLE),
        ("0", E.INVALID_QUANTITY),
        ("1.0005", E.INVALID_QUANTITY),
        ("-3", E.INVALID_QUANTITY),
    ],
)
def test_pick_quantity_refusals(quantity, code):
    state, _ = sell_listing("100", min_pick="10", step="5")
    with pytest.raises(EngineError) as refused:
        decide(state, pick(quantity))
    assert refused.value.code is code


def test_pick_refusals_of_counterparty_funds_exposure_and_band():
    state, _ = sell_listing(excluded_counterparties=frozenset({"blocked"}))
    cases = [
        (pick("10", actor="seller"), E.SELF_TRADE),
        (pick("10", actor="blocked"), E.EXCLUDED_COUNTERPARTY),
        (pick("10", excluded_counterparties=frozenset({"seller"})), E.EXCLUDED_COUNTERPARTY),
        (pick("10", funds=D("2999.99")), E.INSUFFICIENT_FUNDS),
        (pick("10", funds=None), E.INSUFFICIENT_FUNDS),
        (pick("10", exposure_headroom=D("29999.99")), E.EXPOSURE_CAP_EXCEEDED),
        (pick("10", reference_price=D("2700")), E.PRICE_OUTSIDE_LIMIT),  # today's band 2484-2916
    ]
    for command, code in cases:
        with pytest.raises(EngineError) as refused:
            decide(state, command)
        assert refused.value.code is code, command
    assert decide(state, pick("10", funds=D("3000.00"), exposure_headroom=D("30000")))


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"price": "3000.5"}, E.PRICE_OFF_TICK),
        ({"price": "3241"}, E.PRICE_OUTSIDE_LIMIT),
        ({"price": "2759"}, E.PRICE_OUTSIDE_LIMIT),
        ({"price": "0"}, E.INVALID_PRICE),
        ({"quantity": "100.5"}, E.OFF_STEP),
        ({"min_pick": "7", "step": "5"}, E.OFF_STEP),
        ({"quantity": "5", "min_pick": "10"}, E.BELOW_MIN_PICK),
        ({"available_quantity": D("99")}, E.INSUFFICIENT_QUANTITY),
        ({"available_quantity": None}, E.INSUFFICIENT_QUANTITY),
        ({"expires_at": T0}, E.INVALID_SCHEDULE),
    ],
)
def test_open_sell_listing_refusals(kw, code):
    with pytest.raises(EngineError) as refused:
        sell_listing(**kw)
    assert refused.value.code is code


def test_open_without_reference_price_is_refused_by_default():
    from magnesium_exchange.engine import OpenListing, Side

    with pytest.raises(EngineError) as refused:
        decide(None, OpenListing("L9", "s", T0, Side.SELL, "FM97", D("1"), D("3000"), None, available_quantity=PLENTY))
    assert refused.value.code is E.NO_REFERENCE_PRICE


def test_open_twice_is_refused():
    state, _ = sell_listing()
    with pytest.raises(EngineError) as refused:
        from magnesium_exchange.engine import OpenListing, Side

        decide(
            state, OpenListing("L1", "seller", T0, Side.SELL, "FM97", D("1"), D("3000"), REF, available_quantity=PLENTY)
        )
    assert refused.value.code is E.ALREADY_EXISTS


def test_wanted_listing_freezes_its_deposit_and_holders_pick_it():
    state, opened = buy_listing("100", "3000")
    assert isinstance(opened[1], DepositFrozen) and opened[1].amount == D("30000.00")
    holder_pick = PickListing("W1", "holder", T0 + MINUTE, D("40"), available_quantity=D("40"))
    state, events = run(state, holder_pick)
    trade = events[0]
    assert (trade.buyer, trade.seller, trade.quantity) == ("buyer", "holder", D("40.000"))
    assert isinstance(events[1], DepositApplied) and events[1].amount == D("12000.00") and events[1].member == "buyer"
    with pytest.raises(EngineError) as refused:
        decide(state, PickListing("W1", "holder", T0 + MINUTE, D("40"), available_quantity=D("39")))
    assert refused.value.code is E.INSUFFICIENT_QUANTITY
    state, events = run(state, PickListing("W1", "holder2", T0 + MINUTE, D("60"), available_quantity=D("60")))
    assert state.remaining == 0 and net_held(state) == 0 and state.holds == {}


def test_wanted_listing_refused_without_funds():
    with pytest.raises(EngineError) as refused:
        buy_listing("100", "3000", available_funds=D("29999.99"))
    assert refused.value.code is E.INSUFFICIENT_FUNDS


def test_reprice_of_a_wanted_listing_tops_up_or_releases_the_deposit():
    state, _ = buy_listing("100", "3000")
    up = RepriceListing("W1", "buyer", T0 + MINUTE, D("3100"), REF, available_funds=D("1000"))
    state, events = run(state, up)
    assert [type(e) for e in events] == [ListingRepriced, DepositFrozen] and events[1].amount == D("1000.00")
    with pytest.raises(EngineError) as refused:
        decide(state, RepriceListing("W1", "buyer", T0 + MINUTE, D("3200"), REF, available_funds=D("999.99")))
    assert refused.value.code is E.INSUFFICIENT_FUNDS
    state, events = run(state, RepriceListing("W1", "buyer", T0 + MINUTE, D("2900"), REF))
    assert isinstance(events[1], DepositReleased) and events[1].amount == D("2000.00")
    assert state.held("listing") == D("29000.00") and state.price == D("2900.00")


def test_reprice_refusals():
    state, _ = sell_listing()
    cases = [
        (RepriceListing("L1", "other", T0, D("3010"), REF), E.NOT_OWNER),
        (RepriceListing("L1", "seller", T0, D("3010.10"), REF), E.PRICE_OFF_TICK),
        (RepriceListing("L1", "seller", T0, D("3300"), REF), E.PRICE_OUTSIDE_LIMIT),
        (RepriceListing("L1", "seller", T0, D("3010"), None), E.NO_REFERENCE_PRICE),
    ]
    for command, code in cases:
        with pytest.raises(EngineError) as refused:
            decide(state, command)
        assert refused.value.code is code


def test_withdraw_releases_and_closes_then_everything_is_refused():
    state, _ = buy_listing("100", "3000")
    with pytest.raises(EngineError) as refused:
        decide(state, WithdrawListing("W1", "someone", T0))
    assert refused.value.code is E.NOT_OWNER
    state, events = run(state, WithdrawListing("W1", "buyer", T0 + MINUTE))
    assert isinstance(events[0], DepositReleased) and events[0].amount == D("30000.00")
    assert events[-1].reason is CloseReason.WITHDRAWN and events[-1].remaining == D("100.000")
    for command in (WithdrawListing("W1", "buyer", T0), PickListing("W1", "h", T0, D("1"), available_quantity=D("1"))):
        with pytest.raises(EngineError) as refused:
            decide(state, command)
        assert refused.value.code is E.NOT_OPEN


def test_expiry():
    state, _ = sell_listing(expires_at=T0 + 10 * MINUTE)
    with pytest.raises(EngineError) as refused:
        decide(state, ExpireListing("L1", "system", T0 + 9 * MINUTE))
    assert refused.value.code is E.NOT_ENDED
    with pytest.raises(EngineError) as refused:
        decide(state, PickListing("L1", "b", T0 + 10 * MINUTE, D("1"), available_funds=RICH))
    assert refused.value.code is E.ENDED
    state, events = run(state, ExpireListing("L1", "system", T0 + 10 * MINUTE))
    assert events[-1].reason is CloseReason.EXPIRED and not state.open


def test_unknown_listing_is_not_found():
    with pytest.raises(EngineError) as refused:
        decide(None, pick("1"))
    assert refused.value.code is E.NOT_FOUND
