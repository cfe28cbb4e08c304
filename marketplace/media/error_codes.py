from enum import Enum


class MediaErrorCode(Enum):
    NOT_AN_IMAGE = "not_an_image"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    UNSUPPORTED_IMAGE_FORMAT = "unsupported_image_format"
