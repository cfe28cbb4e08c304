from enum import Enum


class ExchangeCommodityErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    INVALID_ASSAY = "invalid_assay"
    NO_MATCHING_GRADE = "no_matching_grade"
    INVALID_QUANTITY = "invalid_quantity"
    OFF_QUANTITY_STEP = "off_quantity_step"
    OFF_PRICE_TICK = "off_price_tick"
