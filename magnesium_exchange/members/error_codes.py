from enum import Enum


class ExchangeMemberErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    INVALID_CREDIT_CODE = "invalid_credit_code"
    INVALID_TRANSITION = "invalid_transition"
    MEMBER_NOT_ACTIVE = "member_not_active"
    NOT_A_TRADER = "not_a_trader"


class ExchangeFundsErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    INVALID_AMOUNT = "invalid_amount"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    INVALID_TRANSITION = "invalid_transition"
    MEMBER_NOT_ACTIVE = "member_not_active"
    NOT_A_TRADER = "not_a_trader"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    # A withdrawal is confirmed by a phone code (meidu.accounts PhoneCodeErrorCode values).
    INVALID_PHONE = "invalid_phone"
    INVALID_CODE = "invalid_code"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    CODE_ATTEMPTS_EXCEEDED = "code_attempts_exceeded"
    CODE_COOLDOWN = "code_cooldown"
    RATE_LIMITED = "rate_limited"
    LOGIN_ATTEMPT_DELAYED = "login_attempt_delayed"
    SMS_UNAVAILABLE = "sms_unavailable"
