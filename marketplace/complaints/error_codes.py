from enum import Enum


class ComplaintErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    ALREADY_OPEN = "already_open"
    AFTER_SALES_CLOSED = "after_sales_closed"
    INVALID_TRANSITION = "invalid_transition"
    ALREADY_RESOLVED = "already_resolved"
    NOT_RESOLVED = "not_resolved"
    ALREADY_RATED = "already_rated"
    ESCALATED_TO_OPERATOR = "escalated_to_operator"
    REFUND_ABOVE_PAID = "refund_above_paid"
    GATEWAY_ERROR = "gateway_error"  # the payment provider refused the refund: nothing changed, try again
    RATE_LIMITED = "rate_limited"  # COMPLAINTS_PER_USER_PER_DAY reached (issue 13)
