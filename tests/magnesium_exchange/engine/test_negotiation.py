"""Negotiated deals: request for quote, quotes (re-quoting counters), accept → trade, and refusals."""

import copy
from decimal import Decimal as D

import pytest

from magnesium_exchange.engine import (
    AcceptQuote,
    CancelRfq,
    CloseReason,
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    EngineError,
    ExpireRfq,
    QuoteSubmitted,
    QuoteWithdrawn,
    RfqClosed,
    Side,
    SubmitQuote,
    TradeExecuted,
    WithdrawQuote,
    decide,
    replay,
)
from magnesium_exchange.engine import (
    EngineErrorCode as E,
)

from .support import MINUTE, PLENTY, RICH, T0, net_held, rfq, run

AT = T0 + MINUTE


def quote(member, price, quantity="100", **kw):
    return SubmitQuote("Q1", member, AT, D(price), D(quantity), **kw)


def accept(quote_id, **kw):
    kw.setdefault("available_funds", RICH)
    return AcceptQuote("Q1", "requester", AT, quote_id, **kw)


def refused(state, command):
    with pytest.raises(EngineError) as error:
        decide(state, command)
    return error.value.code


def test_buy_request_quotes_and_accept_in_two_parts():
    state, journal = rfq(Side.BUY, "100")
    state, events = run(
        state,
        quote("s1", "2990", "60", available_quantity=PLENTY),
        quote("s2", "2980", "60", available_quantity=PLENTY),
    )
    journal += events
    q1, q2 = (e.quote_id for e in events)
    state, events = run(state, accept(q2))
    journal += events
    assert [type(e) for e in events] == [DepositFrozen, TradeExecuted, DepositApplied]
    trade = events[1]
    assert (trade.buyer, trade.seller, trade.quantity, trade.price, trade.quote_id) == (
        "requester",
        "s2",
        D("60.000"),
        D("2980.00"),
        q2,
    )
    state, events = run(state, accept(q1))  # only 40 remain of the 60 quoted
    journal += events
    assert events[1].quantity == D("40.000") and isinstance(events[-1], RfqClosed)
    assert events[-1].reason is CloseReason.FILLED
    assert state.traded_quantity + state.remaining == state.quantity and net_held(state) == 0
    assert replay(journal) == state


def test_sell_request_freezes_the_quoting_buyers_deposit():
    state, _ = rfq(Side.SELL, "100")
    assert refused(state, quote("b1", "3000", available_funds=D("29999.99"))) is E.INSUFFICIENT_FUNDS
    state, events = run(
        state, quote("b1", "3000", available_funds=D("30000")), quote("b2", "3010", "50", available_funds=RICH)
    )
    assert isinstance(events[1], DepositFrozen) and events[1].hold_id == f"quote:{events[0].quote_id}"
    b1 = events[0].quote_id
    # b1 counters by re-quoting: the first quote is replaced and its deposit released
    state, events = run(state, quote("b1", "3005", "100", available_funds=D("50")))
    assert [type(e) for e in events] == [QuoteSubmitted, DepositReleased, DepositFrozen]
    assert events[0].replaces == b1 and state.quotes[b1].status == "replaced"
    assert refused(state, accept(b1)) is E.NOT_FOUND
    state, events = run(state, accept(events[0].quote_id, quantity=D("70")))
    trade = events[0]
    assert (trade.buyer, trade.seller, trade.quantity) == ("b1", "requester", D("70.000"))
    assert isinstance(events[1], DepositApplied) and events[1].amount == D("21035.00")
    assert isinstance(events[2], DepositReleased) and events[2].amount == D("30050.00") - D("21035.00")
    state, events = run(state, CancelRfq("Q1", "requester", AT))
    assert [(e.member, e.amount) for e in events if isinstance(e, DepositReleased)] == [("b2", D("15050.00"))]
    assert net_held(state) == 0 and state.holds == {} and state.remaining == D("30")


def test_quote_refusals():
    state, _ = rfq(
        Side.BUY,
        "100",
        invited=frozenset({"s1", "s2", "requester", "blocked"}),
        excluded_counterparties=frozenset({"blocked"}),
    )
    cases = [
        (quote("s3", "3000", available_quantity=PLENTY), E.NOT_INVITED),
        (quote("requester", "3000", available_quantity=PLENTY), E.SELF_TRADE),
        (quote("blocked", "3000", available_quantity=PLENTY), E.EXCLUDED_COUNTERPARTY),
        (quote("s1", "3000", available_quantity=D("99")), E.INSUFFICIENT_QUANTITY),
        (quote("s1", "3000.5", available_quantity=PLENTY), E.PRICE_OFF_TICK),
        (quote("s1", "3300", available_quantity=PLENTY), E.PRICE_OUTSIDE_LIMIT),
        (quote("s1", "3000", "101", available_quantity=PLENTY), E.QUANTITY_EXCEEDS_AVAILABLE),
        (quote("s1", "3000", "0.5", available_quantity=PLENTY), E.OFF_STEP),
        (quote("s1", "3000", available_quantity=PLENTY, exposure_headroom=D("1")), E.EXPOSURE_CAP_EXCEEDED),
        (SubmitQuote("Q1", "s1", T0 + 60 * MINUTE, D("3000"), D("1"), available_quantity=PLENTY), E.ENDED),
    ]
    for command, code in cases:
        assert refused(state, command) is code, command


def test_accept_withdraw_cancel_expire_refusals():
    state, _ = rfq(Side.BUY, "100")
    state, events = run(state, quote("s1", "3000", "100", available_quantity=PLENTY))
    q1 = events[0].quote_id
    assert refused(state, AcceptQuote("Q1", "s1", AT, q1, available_funds=RICH)) is E.NOT_OWNER
    assert refused(state, accept(q1, available_funds=D("29999.99"))) is E.INSUFFICIENT_FUNDS
    assert refused(state, accept(q1, seller_available_quantity=D("99"))) is E.INSUFFICIENT_QUANTITY
    assert refused(state, accept(q1, quantity=D("101"))) is E.QUANTITY_EXCEEDS_AVAILABLE
    assert refused(state, accept(q1, quantity=D("0.5"))) is E.BELOW_MIN_PICK
    assert refused(state, accept(q1, excluded_counterparties=frozenset({"s1"}))) is E.EXCLUDED_COUNTERPARTY
    assert refused(state, accept(q1, reference_price=D("3300"))) is E.PRICE_OUTSIDE_LIMIT
    assert refused(state, accept(999)) is E.NOT_FOUND
    assert refused(state, WithdrawQuote("Q1", "s2", AT, q1)) is E.NOT_OWNER
    assert refused(state, CancelRfq("Q1", "s1", AT)) is E.NOT_OWNER
    assert refused(state, ExpireRfq("Q1", "system", AT)) is E.NOT_ENDED
    withdrawn, events = run(copy.deepcopy(state), WithdrawQuote("Q1", "s1", AT, q1))  # apply updates in place
    assert isinstance(events[0], QuoteWithdrawn)
    assert refused(withdrawn, accept(q1)) is E.NOT_FOUND
    expired, events = run(state, ExpireRfq("Q1", "system", T0 + 60 * MINUTE))
    assert events[-1].reason is CloseReason.EXPIRED and state.quotes[q1].status == "closed"
    assert refused(expired, accept(q1)) is E.NOT_OPEN
    assert refused(expired, CancelRfq("Q1", "requester", AT)) is E.NOT_OPEN


def test_open_refusals():
    assert (
        pytest.raises(EngineError, rfq, Side.SELL, "100", available_quantity=D("1")).value.code
        is E.INSUFFICIENT_QUANTITY
    )
    assert pytest.raises(EngineError, rfq, Side.BUY, "100.5").value.code is E.OFF_STEP
    assert pytest.raises(EngineError, rfq, Side.BUY, "100", reference_price=None).value.code is E.NO_REFERENCE_PRICE
