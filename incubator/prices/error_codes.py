"""The one error enum of the farm information service (prices, posts, fairs): FarmInfoErrorCode."""

from enum import Enum


class FarmInfoErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    WRONG_UNIT = "wrong_unit"
    PRICE_OUT_OF_BAND = "price_out_of_band"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    WINDOW_IN_PAST = "window_in_past"
    WINDOW_INVALID = "window_invalid"
    POST_EXPIRED = "post_expired"
    POST_CLOSED = "post_closed"
    NOT_POSTER = "not_poster"
    OWN_POST = "own_post"
    ALREADY_REQUESTED = "already_requested"
    REQUEST_DECIDED = "request_decided"
    UNKNOWN_ITEM = "unknown_item"
    FAIR_CLOSED = "fair_closed"
    FAIR_DATES = "fair_dates"
    ALREADY_APPLIED = "already_applied"
    STALL_NOT_APPLIED = "stall_not_applied"
    PRODUCT_NOT_OF_SHOP = "product_not_of_shop"
    SHOP_NOT_ACTIVE = "shop_not_active"
    TOO_MANY_ALERTS = "too_many_alerts"
