from enum import Enum


class ReviewErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    NOT_DELIVERED = "not_delivered"
    ALREADY_REVIEWED = "already_reviewed"
    ALREADY_HIDDEN = "already_hidden"
    RATE_LIMITED = "rate_limited"  # REVIEWS_PER_USER_PER_HOUR reached (issue 13)
