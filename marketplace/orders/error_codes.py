from enum import Enum


class OrderErrorCode(Enum):
    """Saleor's OrderErrorCode values used here, plus the pickup-code ones."""

    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    CANNOT_CANCEL_ORDER = "cannot_cancel_order"
    CANNOT_CANCEL_FULFILLMENT = "cannot_cancel_fulfillment"
    CANNOT_FULFILL_UNPAID_ORDER = "cannot_fulfill_unpaid_order"
    CANNOT_REFUND = "cannot_refund"
    GATEWAY_ERROR = "gateway_error"  # the payment provider refused or could not be reached
    FULFILL_ORDER_LINE = "fulfill_order_line"
    INVALID_QUANTITY = "invalid_quantity"
    INSUFFICIENT_STOCK = "insufficient_stock"
    NOT_EDITABLE = "not_editable"
    WRONG_PICKUP_CODE = "wrong_pickup_code"
    PICKUP_CODE_USED = "pickup_code_used"
    PICKUP_CODE_LOCKED = "pickup_code_locked"
    NOT_COLLECTION_POINT_AGENT = "not_collection_point_agent"
    NOT_YOUR_RUN = "not_your_run"
