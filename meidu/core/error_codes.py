"""Error codes shared by every domain's API (GraphQL plumbing, ids, idempotency)."""

from enum import Enum


class CoreErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
