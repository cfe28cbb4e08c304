"""Asynchronous webhook events. Domains add theirs here as they emit them."""

from enum import Enum


class WebhookEventType(Enum):
    ANY_EVENTS = "any_events"
    CUSTOMER_CREATED = "customer_created"
    APP_INSTALLED = "app_installed"
    APP_DELETED = "app_deleted"
    WEBHOOK_TEST = "webhook_test"
    RECEIPT_ISSUED = "receipt_issued"
    RECEIPT_STATUS_CHANGED = "receipt_status_changed"
    TRADE_CREATED = "trade_created"
    SETTLEMENT_COMPLETED = "settlement_completed"
    SETTLEMENT_DEFAULTED = "settlement_defaulted"
    ORDER_CREATED = "order_created"
    ORDER_PAID = "order_paid"
    ORDER_FULFILLED = "order_fulfilled"
    ORDER_DELIVERED = "order_delivered"
    ORDER_CANCELLED = "order_cancelled"
    REFUND_CREATED = "refund_created"


def subscribable_events() -> list[str]:
    return [event.value for event in WebhookEventType]
