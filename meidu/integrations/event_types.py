"""Asynchronous webhook events. Domains add theirs here as they emit them."""

from enum import Enum


class WebhookEventType(Enum):
    ANY_EVENTS = "any_events"
    CUSTOMER_CREATED = "customer_created"
    APP_INSTALLED = "app_installed"
    APP_DELETED = "app_deleted"
    WEBHOOK_TEST = "webhook_test"


def subscribable_events() -> list[str]:
    return [event.value for event in WebhookEventType]
