from enum import Enum


class ExchangeCreditErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NO_CONSENT = "no_consent"
    ALREADY_GRANTED = "already_granted"
    NOT_GRANTED = "not_granted"
    NOT_YOUR_MEMBER = "not_your_member"
    BANK_NOT_ACTIVE = "bank_not_active"
    NOT_YOUR_BANK = "not_your_bank"
