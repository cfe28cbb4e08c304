"""Listing (挂牌) and picking (摘牌): a sell listing picked by buyers, or a wanted (buy) listing picked
by holders of receipts; re-price, withdraw, expire. Partial picks leave the remainder listed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .aggregate import (
    COMMON_APPLY,
    AggregateState,
    Emitter,
    apply_trade,
    effective_time,
)
from .commands import (
    ExpireListing,
    OpenListing,
    PickListing,
    RepriceListing,
    WithdrawListing,
)
from .errors import EngineError, EngineErrorCode
from .events import (
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    ListingClosed,
    ListingOpened,
    ListingRepriced,
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
from .values import KILO, CloseReason, Side, TradeMode, deposit_for, value_of

E = EngineErrorCode
HOLD = "listing"  # the wanted listing's deposit hold


@dataclass(kw_only=True)
class ListingState(AggregateState):
    side: Side
    owner: str
    grade: str
    quantity: Decimal
    price: Decimal
    min_pick: Decimal
    step: Decimal
    expires_at: int | None
    rules: MarketRules
    receipt_ids: tuple[str, ...]
    excluded_counterparties: frozenset[str]
    remaining: Decimal
    open: bool = True
    close_reason: CloseReason | None = None


def _live(state: ListingState | None, at: int) -> ListingState:
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such listing", "aggregate_id")
    if not state.open:
        raise EngineError(E.NOT_OPEN, "the listing is closed")
    if state.expires_at is not None and at >= state.expires_at:
        raise EngineError(E.ENDED, "the listing has expired")
    return state


def _owned(state: ListingState, actor: str) -> None:
    if actor != state.owner:
        raise EngineError(E.NOT_OWNER, "only the owner may change the listing")


def decide_open(state, c: OpenListing) -> list:
    if state is not None:
        raise EngineError(E.ALREADY_EXISTS, "the listing exists", "aggregate_id")
    rules = c.rules
    band = price_band(c.reference_price, rules)
    price = check_price(c.price, rules, band)
    quantity = check_quantity(c.quantity, rules.quantity_step)
    step = check_quantity(c.step if c.step is not None else rules.quantity_step, rules.quantity_step, "step")
    default_pick = step if step >= rules.min_quantity else rules.min_quantity
    min_pick = check_quantity(c.min_pick if c.min_pick is not None else default_pick, step, "min_pick")
    if min_pick < rules.min_quantity:
        raise EngineError(E.BELOW_MIN_PICK, f"the minimum pick is at least {rules.min_quantity} t", "min_pick")
    if quantity < min_pick:
        raise EngineError(E.BELOW_MIN_PICK, "the listed quantity is below the minimum pick", "quantity")
    if c.expires_at is not None and c.expires_at <= c.now:
        raise EngineError(E.INVALID_SCHEDULE, "the listing must expire in the future", "expires_at")
    out = Emitter(c.aggregate_id, 0, c.now)
    deposit = None
    if c.side is Side.SELL:
        check_holding(quantity, c.available_quantity)
    else:
        deposit = deposit_for(price, quantity, rules.deposit_ratio)
        check_funds(deposit, c.available_funds)
    out.emit(
        ListingOpened,
        c.side,
        c.actor,
        c.grade,
        quantity,
        price,
        min_pick,
        step,
        c.expires_at,
        rules,
        tuple(c.receipt_ids),
        frozenset(c.excluded_counterparties),
    )
    if deposit:
        out.emit(DepositFrozen, c.actor, deposit, HOLD)
    return out.events


def decide_pick(state: ListingState | None, c: PickListing) -> list:
    at = effective_time(state, c.now)
    s = _live(state, at)
    check_counterparty(c.actor, s.owner, c.excluded_counterparties, s.excluded_counterparties)
    quantity = check_quantity(c.quantity, KILO)
    if quantity > s.remaining:
        raise EngineError(E.QUANTITY_EXCEEDS_AVAILABLE, f"only {s.remaining} t remain", "quantity")
    if quantity != s.remaining:
        if quantity < s.min_pick:
            raise EngineError(E.BELOW_MIN_PICK, f"the minimum pick is {s.min_pick} t", "quantity")
        if quantity % s.step:
            raise EngineError(E.OFF_STEP, f"picks are multiples of {s.step} t", "quantity")
    if c.reference_price is not None:
        check_price(s.price, s.rules, price_band(c.reference_price, s.rules))
    value = value_of(s.price, quantity)
    check_exposure(value, c.exposure_headroom)
    deposit = deposit_for(s.price, quantity, s.rules.deposit_ratio)
    out = Emitter(s.aggregate_id, s.version, at)
    trade_id = s.next_trade_id()
    filled = quantity == s.remaining
    if s.side is Side.SELL:
        check_funds(deposit, c.available_funds)
        hold = f"trade:{trade_id}"
        if deposit:
            out.emit(DepositFrozen, c.actor, deposit, hold)
        out.emit(
            TradeExecuted, trade_id, TradeMode.LISTING, s.grade, c.actor, s.owner, quantity, s.price, value, deposit
        )
        if deposit:
            out.emit(DepositApplied, c.actor, deposit, hold, trade_id)
    else:
        check_holding(quantity, c.available_quantity)
        held = s.held(HOLD)
        deposit = min(deposit, held)
        out.emit(
            TradeExecuted, trade_id, TradeMode.LISTING, s.grade, s.owner, c.actor, quantity, s.price, value, deposit
        )
        if deposit:
            out.emit(DepositApplied, s.owner, deposit, HOLD, trade_id)
        if filled and held > deposit:
            out.emit(DepositReleased, s.owner, held - deposit, HOLD)
    if filled:
        out.emit(ListingClosed, CloseReason.FILLED, s.remaining - quantity)
    return out.events


def decide_reprice(state: ListingState | None, c: RepriceListing) -> list:
    at = effective_time(state, c.now)
    s = _live(state, at)
    _owned(s, c.actor)
    price = check_price(c.price, s.rules, price_band(c.reference_price, s.rules))
    out = Emitter(s.aggregate_id, s.version, at)
    out.emit(ListingRepriced, price)
    if s.side is Side.BUY:
        needed = deposit_for(price, s.remaining, s.rules.deposit_ratio)
        held = s.held(HOLD)
        if needed > held:
            check_funds(needed - held, c.available_funds)
            out.emit(DepositFrozen, s.owner, needed - held, HOLD)
        elif needed < held:
            out.emit(DepositReleased, s.owner, held - needed, HOLD)
    return out.events


def _close(s: ListingState, at: int, reason: CloseReason) -> list:
    out = Emitter(s.aggregate_id, s.version, at)
    held = s.held(HOLD)
    if held:
        out.emit(DepositReleased, s.owner, held, HOLD)
    out.emit(ListingClosed, reason, s.remaining)
    return out.events


def decide_withdraw(state: ListingState | None, c: WithdrawListing) -> list:
    at = effective_time(state, c.now)
    s = _live(state, at)
    _owned(s, c.actor)
    return _close(s, at, CloseReason.WITHDRAWN)


def decide_expire(state: ListingState | None, c: ExpireListing) -> list:
    at = effective_time(state, c.now)
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such listing", "aggregate_id")
    if not state.open:
        raise EngineError(E.NOT_OPEN, "the listing is closed")
    if state.expires_at is None or at < state.expires_at:
        raise EngineError(E.NOT_ENDED, "the listing has not expired")
    return _close(state, at, CloseReason.EXPIRED)


def _opened(state, e: ListingOpened) -> ListingState:
    return ListingState(
        aggregate_id=e.aggregate_id,
        side=e.side,
        owner=e.owner,
        grade=e.grade,
        quantity=e.quantity,
        price=e.price,
        min_pick=e.min_pick,
        step=e.step,
        expires_at=e.expires_at,
        rules=e.rules,
        receipt_ids=e.receipt_ids,
        excluded_counterparties=e.excluded_counterparties,
        remaining=e.quantity,
    )


def _repriced(s: ListingState, e: ListingRepriced) -> ListingState:
    s.price = e.price
    return s


def _traded(s: ListingState, e: TradeExecuted) -> ListingState:
    apply_trade(s, e)
    s.remaining -= e.quantity
    return s


def _closed(s: ListingState, e: ListingClosed) -> ListingState:
    s.open = False
    s.close_reason = e.reason
    return s


DECIDE: dict[type, Callable[..., Any]] = {
    OpenListing: decide_open,
    PickListing: decide_pick,
    RepriceListing: decide_reprice,
    WithdrawListing: decide_withdraw,
    ExpireListing: decide_expire,
}
APPLY: dict[type, Callable[..., Any]] = {
    ListingOpened: _opened,
    ListingRepriced: _repriced,
    TradeExecuted: _traded,
    ListingClosed: _closed,
    **COMMON_APPLY,
}
OPENED = ListingOpened
