"""Trading refusals: the services' own codes (members, receipts) plus every engine code with the
same value, built from the engine's enum so a new engine rule needs no second list."""

from enum import Enum

from magnesium_exchange.engine import EngineErrorCode

SERVICE_CODES = {
    "GRAPHQL_ERROR": "graphql_error",
    "INVALID": "invalid",
    "REQUIRED": "required",
    "NOT_SUPPORTED": "not_supported",
    "MEMBER_NOT_ACTIVE": "member_not_active",
    "WRONG_GRADE": "wrong_grade",
    # receipts (same values as ExchangeReceiptErrorCode)
    "RECEIPT_NOT_YOURS": "receipt_not_yours",
    "RECEIPT_FROZEN": "receipt_frozen",
    "RECEIPT_LISTED": "receipt_listed",
    "RECEIPT_PLEDGED": "receipt_pledged",
    "RECEIPT_CLOSED": "receipt_closed",
    "RESALE_LOCKED": "resale_locked",
    "INVALID_TRANSITION": "invalid_transition",
    # trading sessions (trading.sessions)
    "OUTSIDE_TRADING_SESSION": "outside_trading_session",
}

ExchangeTradingErrorCode = Enum(
    "ExchangeTradingErrorCode",
    {**SERVICE_CODES, **{code.name: code.value for code in EngineErrorCode}},
    module=__name__,
)
