from enum import Enum


class LedgerErrorCode(Enum):
    EMPTY = "empty"
    UNBALANCED = "unbalanced"
    INVALID_AMOUNT = "invalid_amount"
    CURRENCY_MISMATCH = "currency_mismatch"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    ACCOUNT_CONFLICT = "account_conflict"
