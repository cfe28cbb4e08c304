from enum import Enum


class ExchangeSettlementErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_YOUR_SETTLEMENT = "not_your_settlement"
    ALREADY_SETTLED = "already_settled"
    ALREADY_DEFAULTED = "already_defaulted"
    PAST_DEADLINE = "past_deadline"
    NOT_DUE = "not_due"
    INSUFFICIENT_FUNDS = "insufficient_funds"
