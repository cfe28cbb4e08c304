from enum import Enum


class CheckoutErrorCode(Enum):
    """Saleor's CheckoutErrorCode values used here."""

    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
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
    BILLING_ADDRESS_NOT_SET = "billing_address_not_set"
    EMAIL_NOT_SET = "email_not_set"
    NO_LINES = "no_lines"
    CHANNEL_INACTIVE = "channel_inactive"
    CHECKOUT_NOT_FULLY_PAID = "checkout_not_fully_paid"
    INACTIVE_PAYMENT = "inactive_payment"
    RESERVATION_LIMIT = "reservation_limit"  # an anonymous client holds all it may: sign in to hold more
    RATE_LIMITED = "rate_limited"  # too many anonymous checkouts from one address: wait, or sign in
    RESALE_UNAVAILABLE = "resale_unavailable"  # the distributor no longer sells this item (issue 16)
    RESALE_PRICE_CHANGED = "resale_price_changed"  # the distributor's price changed since the line was added
