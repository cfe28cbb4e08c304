from enum import Enum


class AppErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_URL_FORMAT = "invalid_url_format"
    NOT_FOUND = "not_found"
    OUT_OF_SCOPE_APP = "out_of_scope_app"
    OUT_OF_SCOPE_PERMISSION = "out_of_scope_permission"
    REQUIRED = "required"


class WebhookErrorCode(Enum):
    FORBIDDEN_TARGET = "forbidden_target"
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_URL_FORMAT = "invalid_url_format"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
