"""Builders shared by the engine tests: a standard grade's rules, and open/execute shortcuts."""

from __future__ import annotations

from decimal import Decimal as D

from magnesium_exchange.engine import (
    AuctionKind,
    LotSpec,
    MarketRules,
    OpenAuction,
    OpenListing,
    OpenRfq,
    Side,
    execute,
)

RULES = MarketRules()  # tick 1.00, step 1 t, ±8 %, deposit 10 %, 2 min anti-sniping
REF = D("3000.00")  # reference price: band 2760.00-3240.00
MINUTE = 60_000
T0 = 1_796_000_000_000  # an epoch ms in 2026
RICH = D("100000000.00")
PLENTY = D("1000000.000")


def run(state, *commands):
    """Execute commands in order; returns the state and all events."""
    events = []
    for command in commands:
        state, new = execute(state, command)
        events.extend(new)
    return state, events


def sell_listing(quantity="100", price="3000", min_pick=None, step=None, **kw):
    kw.setdefault("available_quantity", PLENTY)
    return execute(
        None,
        OpenListing(
            "L1",
            "seller",
            T0,
            Side.SELL,
            "FM97",
            D(quantity),
            D(price),
            REF,
            min_pick=None if min_pick is None else D(min_pick),
            step=None if step is None else D(step),
            **kw,
        ),
    )


def buy_listing(quantity="100", price="3000", **kw):
    kw.setdefault("available_funds", RICH)
    return execute(None, OpenListing("W1", "buyer", T0, Side.BUY, "FM97", D(quantity), D(price), REF, **kw))


def sale_auction(lots=(("L1", "100", "3000"),), minutes=60, kind=AuctionKind.SALE, start_in=0, **kw):
    if kind is AuctionKind.SALE:
        kw.setdefault("available_quantity", PLENTY)
    else:
        kw.setdefault("available_funds", RICH)
    specs = tuple(LotSpec(lot_id, D(q), D(p)) for lot_id, q, p in lots)
    return execute(
        None,
        OpenAuction(
            "A1",
            "seller" if kind is AuctionKind.SALE else "buyer",
            T0,
            kind,
            "FM97",
            specs,
            T0 + start_in,
            T0 + minutes * MINUTE,
            REF,
            **kw,
        ),
    )


def rfq(side=Side.BUY, quantity="100", reference_price=REF, **kw):
    if side is Side.SELL:
        kw.setdefault("available_quantity", PLENTY)
    return execute(
        None, OpenRfq("Q1", "requester", T0, side, "FM97", D(quantity), T0 + 60 * MINUTE, reference_price, **kw)
    )


def net_held(state) -> D:
    return state.deposits_frozen - state.deposits_released - state.deposits_applied
