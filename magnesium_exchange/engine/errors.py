"""Why the engine refuses a command: one stable code per rule, so services can map it to an API error."""

from __future__ import annotations

from enum import Enum


class EngineErrorCode(Enum):
    """Stable codes (values are stored and shown to clients: never rename a value)."""

    INVALID_COMMAND = "invalid_command"
    INVALID_PRICE = "invalid_price"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_SCHEDULE = "invalid_schedule"
    PRICE_OFF_TICK = "price_off_tick"
    PRICE_OUTSIDE_LIMIT = "price_outside_limit"
    NO_REFERENCE_PRICE = "no_reference_price"
    BELOW_RESERVE = "below_reserve"
    ABOVE_CEILING = "above_ceiling"
    BID_NOT_IMPROVED = "bid_not_improved"
    BELOW_MIN_PICK = "below_min_pick"
    OFF_STEP = "off_step"
    QUANTITY_EXCEEDS_AVAILABLE = "quantity_exceeds_available"
    INSUFFICIENT_QUANTITY = "insufficient_quantity"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPOSURE_CAP_EXCEEDED = "exposure_cap_exceeded"
    EXCLUDED_COUNTERPARTY = "excluded_counterparty"
    NOT_INVITED = "not_invited"
    SELF_TRADE = "self_trade"
    NOT_OWNER = "not_owner"
    NOT_OPEN = "not_open"
    ENDED = "ended"
    NOT_ENDED = "not_ended"
    HAS_BIDS = "has_bids"
    ALREADY_EXISTS = "already_exists"
    NOT_FOUND = "not_found"
    OUT_OF_SEQUENCE = "out_of_sequence"


class EngineError(Exception):
    """A refused command (from `decide`) or an event that does not fit the state (from `apply`).

    `decide` raises it before producing any event, so a refusal never writes anything."""

    def __init__(self, code: EngineErrorCode, message: str = "", field: str | None = None):
        super().__init__(message or code.value)
        self.code = code
        self.message = message or code.value
        self.field = field

    def __repr__(self) -> str:
        return f"EngineError({self.code.name}, {self.message!r}, field={self.field!r})"
