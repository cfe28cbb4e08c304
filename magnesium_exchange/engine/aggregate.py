"""What every aggregate (listing, auction, request for quote) shares: version, deposit holds, trade
totals, and the emitter that numbers the events a decision produces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import EngineError, EngineErrorCode
from .events import DepositApplied, DepositFrozen, DepositReleased, TradeExecuted
from .values import ZERO_MONEY, ZERO_TONNES


@dataclass(kw_only=True)
class AggregateState:
    """State rebuilt from events only. `holds` maps hold_id to (member, amount still frozen)."""

    aggregate_id: str
    version: int = 0
    last_at: int = 0
    holds: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    deposits_frozen: Decimal = ZERO_MONEY
    deposits_released: Decimal = ZERO_MONEY
    deposits_applied: Decimal = ZERO_MONEY
    trade_count: int = 0
    traded_quantity: Decimal = ZERO_TONNES
    traded_value: Decimal = ZERO_MONEY

    def held(self, hold_id: str) -> Decimal:
        hold = self.holds.get(hold_id)
        return hold[1] if hold else ZERO_MONEY

    def next_trade_id(self, offset: int = 0) -> str:
        return f"{self.aggregate_id}/T{self.trade_count + 1 + offset}"


class Emitter:
    """Collects the events of one decision, numbering them after the state's version."""

    __slots__ = ("aggregate_id", "seq", "at", "events")

    def __init__(self, aggregate_id: str, version: int, at: int):
        self.aggregate_id = aggregate_id
        self.seq = version
        self.at = at
        self.events: list = []

    def emit(self, cls, *args):
        self.seq += 1
        event = cls(self.aggregate_id, self.seq, self.at, *args)
        self.events.append(event)
        return event


def effective_time(state: AggregateState | None, now: int) -> int:
    """Event time never runs backwards within an aggregate (web processes' clocks differ slightly)."""
    return now if state is None or now >= state.last_at else state.last_at


def require_open_state(state, code: EngineErrorCode = EngineErrorCode.NOT_FOUND):
    if state is None:
        raise EngineError(code, "no such listing, auction or request", "aggregate_id")
    return state


def _corrupt(message: str) -> EngineError:
    return EngineError(EngineErrorCode.OUT_OF_SEQUENCE, message)


def apply_frozen(state: AggregateState, e: DepositFrozen) -> None:
    hold = state.holds.get(e.hold_id)
    if hold is not None and hold[0] != e.member:
        raise _corrupt(f"hold {e.hold_id} belongs to another member")
    state.holds[e.hold_id] = (e.member, (hold[1] if hold else ZERO_MONEY) + e.amount)
    state.deposits_frozen += e.amount


def _take(state: AggregateState, hold_id: str, member: str, amount: Decimal) -> None:
    hold = state.holds.get(hold_id)
    if hold is None or hold[0] != member or hold[1] < amount:
        raise _corrupt(f"hold {hold_id} cannot give {amount}")
    left = hold[1] - amount
    if left:
        state.holds[hold_id] = (member, left)
    else:
        del state.holds[hold_id]


def apply_released(state: AggregateState, e: DepositReleased) -> None:
    _take(state, e.hold_id, e.member, e.amount)
    state.deposits_released += e.amount


def apply_applied(state: AggregateState, e: DepositApplied) -> None:
    _take(state, e.hold_id, e.member, e.amount)
    state.deposits_applied += e.amount


def apply_trade(state: AggregateState, e: TradeExecuted) -> None:
    state.trade_count += 1
    state.traded_quantity += e.quantity
    state.traded_value += e.value


COMMON_APPLY: dict[type, Callable[..., Any]] = {
    DepositFrozen: apply_frozen,
    DepositReleased: apply_released,
    DepositApplied: apply_applied,
}
