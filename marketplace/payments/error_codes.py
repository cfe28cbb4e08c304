"""Error codes of payments. Services raise PaymentErrorCode; each mutation shows the subset Saleor names."""

from enum import Enum


class PaymentErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    CHECKOUT_COMPLETION_IN_PROGRESS = "checkout_completion_in_progress"
    TRANSACTION_ALREADY_PROCESSED = "transaction_already_processed"
    GATEWAY_ERROR = "gateway_error"
    NOT_SUPPORTED = "not_supported"
    AMOUNT_EXCEEDS_CHARGED = "amount_exceeds_charged"
    AMOUNT_EXCEEDS_AUTHORIZED = "amount_exceeds_authorized"
    PERMISSION_DENIED = "permission_denied"
    # A provider's notification or answer names another amount than the order's (WeChat Pay, Alipay).
    AMOUNT_MISMATCH = "amount_mismatch"


class PaymentGatewayInitializeErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


class TransactionInitializeErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    UNIQUE = "unique"
    CHECKOUT_COMPLETION_IN_PROGRESS = "checkout_completion_in_progress"


class TransactionProcessErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    TRANSACTION_ALREADY_PROCESSED = "transaction_already_processed"
    MISSING_PAYMENT_APP_RELATION = "missing_payment_app_relation"
    MISSING_PAYMENT_APP = "missing_payment_app"
    CHECKOUT_COMPLETION_IN_PROGRESS = "checkout_completion_in_progress"


class PaymentGatewayConfigErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"


class TransactionRequestActionErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK = "missing_transaction_action_request_webhook"
    # Ours, beyond Saleor's list: the precise refusals of charge and refund amounts.
    AMOUNT_EXCEEDS_CHARGED = "amount_exceeds_charged"
    AMOUNT_EXCEEDS_AUTHORIZED = "amount_exceeds_authorized"
