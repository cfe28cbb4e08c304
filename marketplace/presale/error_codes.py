from enum import Enum


class PresaleErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    ALREADY_EXISTS = "already_exists"
    NOT_OPEN = "not_open"
