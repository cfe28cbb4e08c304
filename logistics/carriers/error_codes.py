from enum import Enum


class CarrierErrorCode(Enum):
    INVALID_TRACKING_NUMBER = "invalid_tracking_number"
    UNKNOWN_CARRIER = "unknown_carrier"
    ALREADY_SUBSCRIBED = "already_subscribed"
    BAD_SIGNATURE = "bad_signature"
    MALFORMED = "malformed"
    UNKNOWN_NUMBER = "unknown_number"
