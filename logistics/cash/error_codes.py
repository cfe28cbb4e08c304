from enum import Enum


class CashErrorCode(Enum):
    INVALID = "invalid"
    EXPLANATION_REQUIRED = "explanation_required"
    ALREADY_CLOSED = "already_closed"
    NOTHING_HELD = "nothing_held"
