from enum import Enum


class StockErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    INSUFFICIENT_STOCK = "insufficient_stock"
