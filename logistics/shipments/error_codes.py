from enum import Enum


class ShipmentErrorCode(Enum):
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    REQUIRED = "required"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
