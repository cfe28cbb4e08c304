from enum import Enum


class AssistedOrderErrorCode(Enum):
    """Refusals of assisted buying at a station: its own, and the phone-code and checkout codes
    its steps pass on (same values as PhoneCodeErrorCode and CheckoutErrorCode)."""

    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    NOT_STATION_AGENT = "not_station_agent"
    CONFIRMATION_REQUIRED = "confirmation_required"
    ALREADY_PLACED = "already_placed"
    EXPIRED = "expired"
    ACCOUNT_INACTIVE = "account_inactive"
    # phone codes
    INVALID_PHONE = "invalid_phone"
    INVALID_CODE = "invalid_code"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    CODE_ATTEMPTS_EXCEEDED = "code_attempts_exceeded"
    CODE_COOLDOWN = "code_cooldown"
    RATE_LIMITED = "rate_limited"
    LOGIN_ATTEMPT_DELAYED = "login_attempt_delayed"
    SMS_UNAVAILABLE = "sms_unavailable"
    # checkout
    INSUFFICIENT_STOCK = "insufficient_stock"
    UNAVAILABLE_VARIANT_IN_CHANNEL = "unavailable_variant_in_channel"
    PRODUCT_NOT_PUBLISHED = "product_not_published"
    PRODUCT_UNAVAILABLE_FOR_PURCHASE = "product_unavailable_for_purchase"
    QUANTITY_GREATER_THAN_LIMIT = "quantity_greater_than_limit"
    ZERO_QUANTITY = "zero_quantity"
    SHIPPING_METHOD_NOT_APPLICABLE = "shipping_method_not_applicable"
    DELIVERY_METHOD_NOT_APPLICABLE = "delivery_method_not_applicable"
    SHIPPING_METHOD_NOT_SET = "shipping_method_not_set"
    SHIPPING_ADDRESS_NOT_SET = "shipping_address_not_set"
    NO_LINES = "no_lines"
    CHANNEL_INACTIVE = "channel_inactive"
