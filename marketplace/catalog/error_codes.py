from enum import Enum


class ProductErrorCode(Enum):
    """Saleor's ProductErrorCode names we produce, plus the seller-layer and image codes."""

    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    INVALID_PRICE = "invalid_price"
    ATTRIBUTE_CANNOT_BE_ASSIGNED = "attribute_cannot_be_assigned"
    INVALID_ATTRIBUTE_VALUE = "invalid_attribute_value"
    SHOP_NOT_EDITABLE = "shop_not_editable"
    NOT_AN_IMAGE = "not_an_image"
    SEARCH_UNAVAILABLE = "search_unavailable"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    UNSUPPORTED_IMAGE_FORMAT = "unsupported_image_format"
