"""Negotiated trading (协议交易): a request for quote, quotes from named counterparties (a member
re-quotes to counter), acceptance of a quote as a trade; cancel and expiry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from .aggregate import (
    COMMON_APPLY,
    AggregateState,
    Emitter,
    apply_trade,
    effective_time,
)
from .commands import (
    AcceptQuote,
    CancelRfq,
    ExpireRfq,
    OpenRfq,
    SubmitQuote,
    WithdrawQuote,
)
from .errors import EngineError, EngineErrorCode
from .events import (
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    QuoteSubmitted,
    QuoteWithdrawn,
    RfqClosed,
    RfqOpened,
    TradeExecuted,
)
from .rules import (
    MarketRules,
    check_counterparty,
    check_exposure,
    check_funds,
    check_holding,
    check_price,
    check_quantity,
    price_band,
)
from .values import (
    KILO,
    ZERO_MONEY,
    CloseReason,
    Side,
    TradeMode,
    deposit_for,
    value_of,
)

E = EngineErrorCode
ACTIVE, REPLACED, WITHDRAWN, ACCEPTED, CLOSED = "active", "replaced", "withdrawn", "accepted", "closed"


def quote_hold(quote_id: int) -> str:
    return f"quote:{quote_id}"


@dataclass(slots=True)
class Quote:
    quote_id: int
    quoter: str
    price: Decimal
    quantity: Decimal
    deposit: Decimal
    status: str = ACTIVE
    filled: Decimal | None = None


@dataclass(kw_only=True)
class RfqState(AggregateState):
    side: Side
    requester: str
    grade: str
    quantity: Decimal
    remaining: Decimal
    expires_at: int
    band: tuple[Decimal, Decimal] | None
    rules: MarketRules
    invited: frozenset[str]
    receipt_ids: tuple[str, ...]
    excluded_counterparties: frozenset[str]
    quotes: dict[int, Quote] = field(default_factory=dict)
    live_quote: dict[str, int] = field(default_factory=dict)
    open: bool = True
    close_reason: CloseReason | None = None


def _live(state: RfqState | None, at: int) -> RfqState:
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such request for quote", "aggregate_id")
    if not state.open:
        raise EngineError(E.NOT_OPEN, "the request for quote is closed")
    if at >= state.expires_at:
        raise EngineError(E.ENDED, "the request for quote has expired")
    return state


def _band(s: RfqState, reference: Decimal | None):
    return s.band if reference is None else price_band(reference, s.rules)


def decide_open(state, c: OpenRfq) -> list:
    if state is not None:
        raise EngineError(E.ALREADY_EXISTS, "the request for quote exists", "aggregate_id")
    rules = c.rules
    band = price_band(c.reference_price, rules)
    quantity = check_quantity(c.quantity, rules.quantity_step)
    if quantity < rules.min_quantity:
        raise EngineError(E.BELOW_MIN_PICK, f"the minimum is {rules.min_quantity} t", "quantity")
    if c.expires_at <= c.now:
        raise EngineError(E.INVALID_SCHEDULE, "the request must expire in the future", "expires_at")
    if c.side is Side.SELL:
        check_holding(quantity, c.available_quantity)
    out = Emitter(c.aggregate_id, 0, c.now)
    out.emit(
        RfqOpened,
        c.side,
        c.actor,
        c.grade,
        quantity,
        c.expires_at,
        band[0] if band else None,
        band[1] if band else None,
        rules,
        frozenset(c.invited),
        tuple(c.receipt_ids),
        frozenset(c.excluded_counterparties),
    )
    return out.events


def decide_quote(state: RfqState | None, c: SubmitQuote) -> list:
    at = effective_time(state, c.now)
    s = _live(state, at)
    if s.invited and c.actor not in s.invited:
        raise EngineError(E.NOT_INVITED, "this request is for invited members only")
    check_counterparty(c.actor, s.requester, c.excluded_counterparties, s.excluded_counterparties)
    price = check_price(c.price, s.rules, _band(s, c.reference_price))
    quantity = check_quantity(c.quantity, s.rules.quantity_step)
    if quantity < s.rules.min_quantity and quantity != s.remaining:
        raise EngineError(E.BELOW_MIN_PICK, f"the minimum is {s.rules.min_quantity} t", "quantity")
    if quantity > s.remaining:
        raise EngineError(E.QUANTITY_EXCEEDS_AVAILABLE, f"only {s.remaining} t are requested", "quantity")
    old_id = s.live_quote.get(c.actor)
    old = s.quotes[old_id] if old_id is not None else None
    check_exposure(value_of(price, quantity), c.exposure_headroom)
    deposit = ZERO_MONEY
    if s.side is Side.SELL:  # the quoter buys
        deposit = deposit_for(price, quantity, s.rules.deposit_ratio)
        check_funds(deposit, None if c.available_funds is None else c.available_funds + (old.deposit if old else 0))
    else:
        check_holding(quantity, c.available_quantity)
    out = Emitter(s.aggregate_id, s.version, at)
    quote_id = s.version + 1
    out.emit(QuoteSubmitted, quote_id, c.actor, price, quantity, deposit, old_id)
    if old is not None and old.deposit:
        out.emit(DepositReleased, c.actor, old.deposit, quote_hold(old.quote_id))
    if deposit:
        out.emit(DepositFrozen, c.actor, deposit, quote_hold(quote_id))
    return out.events


def _quote(s: RfqState, quote_id: int) -> Quote:
    quote = s.quotes.get(quote_id)
    if quote is None or quote.status != ACTIVE:
        raise EngineError(E.NOT_FOUND, "no such live quote", "quote_id")
    return quote


def decide_withdraw_quote(state: RfqState | None, c: WithdrawQuote) -> list:
    at = effective_time(state, c.now)
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such request for quote", "aggregate_id")
    if not state.open:
        raise EngineError(E.NOT_OPEN, "the request for quote is closed")
    quote = _quote(state, c.quote_id)
    if quote.quoter != c.actor:
        raise EngineError(E.NOT_OWNER, "only the quoter may withdraw a quote", "quote_id")
    out = Emitter(state.aggregate_id, state.version, at)
    out.emit(QuoteWithdrawn, quote.quote_id)
    if quote.deposit:
        out.emit(DepositReleased, quote.quoter, quote.deposit, quote_hold(quote.quote_id))
    return out.events


def _release_quotes(s: RfqState, out: Emitter, skip: int | None = None) -> None:
    for quote_id in sorted(s.live_quote.values()):
        quote = s.quotes[quote_id]
        if quote_id != skip and quote.deposit:
            out.emit(DepositReleased, quote.quoter, quote.deposit, quote_hold(quote_id))


def decide_accept(state: RfqState | None, c: AcceptQuote) -> list:
    at = effective_time(state, c.now)
    s = _live(state, at)
    if c.actor != s.requester:
        raise EngineError(E.NOT_OWNER, "only the requester may accept a quote")
    quote = _quote(s, c.quote_id)
    check_counterparty(c.actor, quote.quoter, c.excluded_counterparties, frozenset())
    band = _band(s, c.reference_price)
    check_price(quote.price, s.rules, band)
    wanted = quote.quantity if c.quantity is None else check_quantity(c.quantity, KILO)
    if wanted > quote.quantity:
        raise EngineError(E.QUANTITY_EXCEEDS_AVAILABLE, f"the quote is for {quote.quantity} t", "quantity")
    fill = wanted if wanted <= s.remaining else s.remaining
    if fill != s.remaining:
        if fill < s.rules.min_quantity:
            raise EngineError(E.BELOW_MIN_PICK, f"the minimum is {s.rules.min_quantity} t", "quantity")
        if fill % s.rules.quantity_step:
            raise EngineError(E.OFF_STEP, f"quantities are multiples of {s.rules.quantity_step} t", "quantity")
    value = value_of(quote.price, fill)
    check_exposure(value, c.exposure_headroom)
    deposit = deposit_for(quote.price, fill, s.rules.deposit_ratio)
    out = Emitter(s.aggregate_id, s.version, at)
    trade_id = s.next_trade_id()
    if s.side is Side.BUY:
        check_funds(deposit, c.available_funds)
        if c.seller_available_quantity is not None:
            check_holding(fill, c.seller_available_quantity, "seller_available_quantity")
        hold = f"trade:{trade_id}"
        if deposit:
            out.emit(DepositFrozen, s.requester, deposit, hold)
        out.emit(
            TradeExecuted,
            trade_id,
            TradeMode.NEGOTIATED,
            s.grade,
            s.requester,
            quote.quoter,
            fill,
            quote.price,
            value,
            deposit,
            None,
            None,
            quote.quote_id,
        )
        if deposit:
            out.emit(DepositApplied, s.requester, deposit, hold, trade_id)
    else:
        deposit = min(deposit, quote.deposit)
        out.emit(
            TradeExecuted,
            trade_id,
            TradeMode.NEGOTIATED,
            s.grade,
            quote.quoter,
            s.requester,
            fill,
            quote.price,
            value,
            deposit,
            None,
            None,
            quote.quote_id,
        )
        if deposit:
            out.emit(DepositApplied, quote.quoter, deposit, quote_hold(quote.quote_id), trade_id)
        if quote.deposit > deposit:
            out.emit(DepositReleased, quote.quoter, quote.deposit - deposit, quote_hold(quote.quote_id))
    if fill == s.remaining:
        _release_quotes(s, out, skip=quote.quote_id)
        out.emit(RfqClosed, CloseReason.FILLED, s.remaining - fill)
    return out.events


def _close(s: RfqState, at: int, reason: CloseReason) -> list:
    out = Emitter(s.aggregate_id, s.version, at)
    _release_quotes(s, out)
    out.emit(RfqClosed, reason, s.remaining)
    return out.events


def decide_cancel(state: RfqState | None, c: CancelRfq) -> list:
    at = effective_time(state, c.now)
    s = _live(state, at)
    if c.actor != s.requester:
        raise EngineError(E.NOT_OWNER, "only the requester may cancel")
    return _close(s, at, CloseReason.CANCELLED)


def decide_expire(state: RfqState | None, c: ExpireRfq) -> list:
    at = effective_time(state, c.now)
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such request for quote", "aggregate_id")
    if not state.open:
        raise EngineError(E.NOT_OPEN, "the request for quote is closed")
    if at < state.expires_at:
        raise EngineError(E.NOT_ENDED, "the request has not expired")
    return _close(state, at, CloseReason.EXPIRED)


def _opened(state, e: RfqOpened) -> RfqState:
    return RfqState(
        aggregate_id=e.aggregate_id,
        side=e.side,
        requester=e.requester,
        grade=e.grade,
        quantity=e.quantity,
        remaining=e.quantity,
        expires_at=e.expires_at,
        band=None if e.band_low is None or e.band_high is None else (e.band_low, e.band_high),
        rules=e.rules,
        invited=e.invited,
        receipt_ids=e.receipt_ids,
        excluded_counterparties=e.excluded_counterparties,
    )


def _submitted(s: RfqState, e: QuoteSubmitted) -> None:
    if e.replaces is not None:
        s.quotes[e.replaces].status = REPLACED
    s.quotes[e.quote_id] = Quote(e.quote_id, e.quoter, e.price, e.quantity, e.deposit)
    s.live_quote[e.quoter] = e.quote_id


def _withdrawn(s: RfqState, e: QuoteWithdrawn) -> None:
    quote = s.quotes[e.quote_id]
    quote.status = WITHDRAWN
    del s.live_quote[quote.quoter]


def _traded(s: RfqState, e: TradeExecuted) -> None:
    apply_trade(s, e)
    s.remaining -= e.quantity
    quote = s.quotes[cast(int, e.quote_id)]  # a negotiated trade always names its quote
    quote.status = ACCEPTED
    quote.filled = e.quantity
    del s.live_quote[quote.quoter]


def _closed(s: RfqState, e: RfqClosed) -> None:
    s.open = False
    s.close_reason = e.reason
    for quote_id in s.live_quote.values():
        s.quotes[quote_id].status = CLOSED
    s.live_quote.clear()


DECIDE: dict[type, Callable[..., Any]] = {
    OpenRfq: decide_open,
    SubmitQuote: decide_quote,
    WithdrawQuote: decide_withdraw_quote,
    AcceptQuote: decide_accept,
    CancelRfq: decide_cancel,
    ExpireRfq: decide_expire,
}
APPLY: dict[type, Callable[..., Any]] = {
    RfqOpened: _opened,
    QuoteSubmitted: _submitted,
    QuoteWithdrawn: _withdrawn,
    TradeExecuted: _traded,
    RfqClosed: _closed,
    **COMMON_APPLY,
}
OPENED = RfqOpened
