from enum import Enum


class AccountErrorCode(Enum):
    """Saleor's AccountErrorCode names, plus INVALID_PHONE for mainland mobile numbers."""

    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_PASSWORD = "invalid_password"
    INVALID_PHONE = "invalid_phone"
    INACTIVE = "inactive"
    LOGIN_ATTEMPT_DELAYED = "login_attempt_delayed"
    NOT_FOUND = "not_found"
    PASSWORD_ENTIRELY_NUMERIC = "password_entirely_numeric"
    PASSWORD_TOO_COMMON = "password_too_common"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_SIMILAR = "password_too_similar"
    REQUIRED = "required"
    UNIQUE = "unique"
    JWT_SIGNATURE_EXPIRED = "jwt_signature_expired"
    JWT_INVALID_TOKEN = "jwt_invalid_token"
    JWT_DECODE_ERROR = "jwt_decode_error"
    JWT_MISSING_TOKEN = "jwt_missing_token"
    OUT_OF_SCOPE_PERMISSION = "out_of_scope_permission"
    RATE_LIMITED = "rate_limited"  # too many registrations from one address (issue 13)
    # Phone verification codes (issue 21); the same values as PhoneCodeErrorCode below.
    INVALID_CODE = "invalid_code"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    CODE_ATTEMPTS_EXCEEDED = "code_attempts_exceeded"
    CODE_COOLDOWN = "code_cooldown"
    SMS_UNAVAILABLE = "sms_unavailable"


class PhoneCodeErrorCode(Enum):
    """Refusals of phone verification codes (meidu.accounts.services.phone_codes). Domains whose
    mutations take a code (the exchange's withdrawal) carry the same values in their own enum."""

    INVALID = "invalid"
    REQUIRED = "required"
    INVALID_PHONE = "invalid_phone"
    INVALID_CODE = "invalid_code"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    CODE_ATTEMPTS_EXCEEDED = "code_attempts_exceeded"
    CODE_COOLDOWN = "code_cooldown"
    RATE_LIMITED = "rate_limited"
    LOGIN_ATTEMPT_DELAYED = "login_attempt_delayed"
    SMS_UNAVAILABLE = "sms_unavailable"
