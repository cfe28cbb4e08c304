"""Every command and event survives to_dict → JSON → from_dict unchanged (the journal's contract)."""

import copy
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from magnesium_exchange.engine import (
    AcceptQuote,
    AuctionKind,
    CancelAuction,
    CancelRfq,
    CloseAuction,
    ExpireListing,
    ExpireRfq,
    MarketRules,
    PickListing,
    PlaceBid,
    RepriceListing,
    Side,
    SubmitQuote,
    WithdrawListing,
    WithdrawQuote,
    command_from_dict,
    event_from_dict,
    execute,
)
from magnesium_exchange.engine.commands import COMMANDS
from magnesium_exchange.engine.events import EVENTS

from .support import MINUTE, PLENTY, REF, RICH, T0, buy_listing, rfq, sale_auction, sell_listing


def _scenario():
    """Commands that between them produce every event type."""
    commands, events = [], []

    def go(state, command):
        commands.append(command)
        state, new = execute(state, command)
        events.extend(new)
        return state

    state, opened = buy_listing("100", "3000", expires_at=T0 + 10 * MINUTE, receipt_ids=("R-1",))
    events.extend(opened)
    state = go(state, RepriceListing("W1", "buyer", T0, D("3010"), REF, available_funds=RICH))
    state = go(state, PickListing("W1", "holder", T0, D("10"), available_quantity=PLENTY))
    go(state, ExpireListing("W1", "system", T0 + 10 * MINUTE))
    state, opened = sell_listing()
    events.extend(opened)
    go(state, WithdrawListing("L1", "seller", T0))
    state, opened = sale_auction(rules=MarketRules(price_tick=D("0.50")))
    events.extend(opened)
    state = go(state, PlaceBid("A1", "b1", T0 + MINUTE, "L1", D("3000.50"), D("100"), available_funds=RICH))
    state = go(state, PlaceBid("A1", "b2", T0 + 59 * MINUTE, "L1", D("3001"), D("100"), available_funds=RICH))
    go(copy.deepcopy(state), CloseAuction("A1", "system", T0 + 70 * MINUTE))
    go(state, CancelAuction("A1", "op", T0 + MINUTE, by_operator=True, reason="测试 cancel"))
    state, opened = sale_auction(kind=AuctionKind.PROCUREMENT)
    events.extend(opened)
    state, opened = rfq(Side.BUY, "100", invited=frozenset({"s1", "s2"}))
    events.extend(opened)
    state = go(state, SubmitQuote("Q1", "s1", T0, D("3000"), D("50"), available_quantity=PLENTY))
    state = go(state, SubmitQuote("Q1", "s2", T0, D("3000"), D("50"), available_quantity=PLENTY))
    go(state, WithdrawQuote("Q1", "s2", T0, 3))
    state = go(state, AcceptQuote("Q1", "requester", T0, 2, available_funds=RICH))
    go(copy.deepcopy(state), CancelRfq("Q1", "requester", T0))
    go(state, ExpireRfq("Q1", "system", T0 + 60 * MINUTE))
    return commands, events


def _round_trip(message, decode):
    data = json.loads(json.dumps(message.to_dict(), ensure_ascii=False))
    again = decode(data)
    assert again == message and type(again) is type(message)
    assert again.to_dict() == message.to_dict()
    return data


def test_every_event_type_round_trips():
    _, events = _scenario()
    assert {type(e).__name__ for e in events} == set(EVENTS.classes)
    for event in events:
        data = _round_trip(event, event_from_dict)
        assert data["type"] == type(event).__name__ and data["seq"] == event.seq


def test_every_command_type_round_trips():
    commands, _ = _scenario()
    from magnesium_exchange.engine import LotSpec, OpenAuction, OpenListing, OpenRfq

    from .support import sell_listing as _  # noqa: F401  (the opening commands are built below)

    commands += [
        OpenListing(
            "L1",
            "s",
            T0,
            Side.SELL,
            "FM97",
            D("1"),
            D("3000"),
            REF,
            available_quantity=PLENTY,
            excluded_counterparties=frozenset({"x", "a"}),
        ),
        OpenAuction("A1", "s", T0, AuctionKind.SALE, "FM97", (LotSpec("L1", D("5"), D("3000")),), T0, T0 + 1, REF),
        OpenRfq("Q1", "r", T0, Side.SELL, "FM97", D("5"), T0 + 1, None, invited=frozenset({"b"})),
    ]
    assert {type(c).__name__ for c in commands} == set(COMMANDS.classes)
    for command in commands:
        _round_trip(command, command_from_dict)


def test_decimals_are_strings_with_their_places_and_sets_are_sorted():
    _, events = _scenario()
    opened = events[0].to_dict()
    assert opened["quantity"] == "100.000" and opened["price"] == "3000.00"
    assert opened["rules"]["deposit_ratio"] == "0.10" and opened["side"] == "buy"
    command = PickListing("L1", "b", T0, D("1.500"), excluded_counterparties=frozenset({"z", "a"}))
    assert command.to_dict()["excluded_counterparties"] == ["a", "z"]
    assert command.to_dict()["quantity"] == "1.500"


def test_now_accepts_aware_datetimes_and_refuses_naive_ones():
    moment = datetime(2026, 11, 28, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    assert PickListing("L1", "b", moment, D("1")).now == int(moment.timestamp() * 1000)
    with pytest.raises(ValueError):
        PickListing("L1", "b", datetime(2026, 11, 28), D("1"))
    with pytest.raises(TypeError):
        PickListing("L1", "b", 1.5, D("1"))


def test_unknown_type_is_refused():
    with pytest.raises(ValueError):
        event_from_dict({"type": "PositionClosed"})


def test_class_from_dict_checks_the_type():
    from magnesium_exchange.engine import Command, Event, TradeExecuted

    _, events = _scenario()
    trade = next(e for e in events if isinstance(e, TradeExecuted))
    assert Event.from_dict(trade.to_dict()) == trade == TradeExecuted.from_dict(trade.to_dict())
    with pytest.raises(ValueError):
        TradeExecuted.from_dict(events[0].to_dict())
    command = PickListing("L1", "b", T0, D("1"))
    assert Command.from_dict(command.to_dict()) == command == PickListing.from_dict(command.to_dict())
