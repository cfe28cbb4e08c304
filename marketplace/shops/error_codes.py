from enum import Enum


class ShopErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_TRANSITION = "invalid_transition"
    CHECKLIST_INCOMPLETE = "checklist_incomplete"
    NOT_FOUND = "not_found"
    PHONE_NOT_VERIFIED = "phone_not_verified"
    REQUIRED = "required"
    UNIQUE = "unique"
