"""The cached list of webhook subscriptions: emitting to nobody costs no query, a new or switched-off
webhook is seen at once, and a delivery left behind by a stale list is never sent."""

import pytest

from meidu.core.permissions import OrderPermissions
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventDelivery, EventPayload
from meidu.integrations.services.apps import app_create, app_deactivate, app_permissions_add, app_permissions_remove
from meidu.integrations.services.delivery import webhook_delivery_attempt
from meidu.integrations.services.outbox import webhook_event_emit
from meidu.integrations.services.webhooks import webhook_active_set, webhook_create
from meidu.integrations.subscriptions import webhook_ids_for_event

pytestmark = pytest.mark.django_db

ORDER_CREATED = WebhookEventType.ORDER_CREATED


def test_emitting_an_event_nobody_listens_to_costs_no_query_once_cached(customer_webhook, django_assert_num_queries):
    assert webhook_ids_for_event(ORDER_CREATED) == []
    with django_assert_num_queries(0):
        assert webhook_event_emit(ORDER_CREATED, {"order": 1}) is None


@pytest.fixture
def erp_app(operator):
    app, _token = app_create(name="县供销社ERP", permissions=[OrderPermissions.MANAGE_ORDERS], actor=operator)
    return app


def test_a_new_subscription_and_a_switched_off_one_are_seen_at_once(erp_app, receiver, operator):
    assert webhook_ids_for_event(ORDER_CREATED) == []
    webhook = webhook_create(erp_app, target_url=receiver.url, events=[ORDER_CREATED.value], actor=operator)
    assert webhook_ids_for_event(ORDER_CREATED) == [webhook.pk]
    every = webhook_create(erp_app, target_url=receiver.url, events=[WebhookEventType.ANY_EVENTS.value], actor=operator)
    assert webhook_ids_for_event(ORDER_CREATED) == [webhook.pk, every.pk]
    webhook_active_set(webhook, False, actor=operator)
    assert webhook_ids_for_event(ORDER_CREATED) == [every.pk]
    app_deactivate(erp_app, actor=operator)
    assert webhook_ids_for_event(ORDER_CREATED) == []


def test_a_delivery_to_a_webhook_switched_off_behind_the_list_is_not_sent(customer_webhook, receiver):
    payload = webhook_event_emit(WebhookEventType.CUSTOMER_CREATED, {"user": 1})
    delivery = EventDelivery.objects.get(payload=payload)
    type(customer_webhook).objects.filter(pk=customer_webhook.pk).update(
        is_active=False
    )  # no signal: the list is stale
    assert webhook_delivery_attempt(delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempt_count == 0
    assert receiver.requests == []


def test_an_event_goes_only_to_apps_holding_its_permission(bank_app, erp_app, receiver, operator):
    """Order payloads carry the token that opens orderByToken: an app that may not manage orders gets
    none, whether it named the event or subscribed to every event, until it is given the permission."""
    named = webhook_create(bank_app, target_url=receiver.url, events=[ORDER_CREATED.value], actor=operator)
    every = webhook_create(
        bank_app, target_url=receiver.url, events=[WebhookEventType.ANY_EVENTS.value], actor=operator
    )
    allowed = webhook_create(erp_app, target_url=receiver.url, events=[ORDER_CREATED.value], actor=operator)
    assert webhook_ids_for_event(ORDER_CREATED) == [allowed.pk]
    assert webhook_ids_for_event(WebhookEventType.CUSTOMER_CREATED) == [every.pk]  # bank_app manages users
    payload = webhook_event_emit(ORDER_CREATED, {"order": {"token": "…"}})
    assert list(EventDelivery.objects.filter(payload=payload).values_list("webhook_id", flat=True)) == [allowed.pk]

    app_permissions_add(bank_app, [OrderPermissions.MANAGE_ORDERS], actor=operator)  # seen at once
    assert webhook_ids_for_event(ORDER_CREATED) == [named.pk, every.pk, allowed.pk]
    app_permissions_remove(erp_app, [OrderPermissions.MANAGE_ORDERS], actor=operator)
    assert webhook_ids_for_event(ORDER_CREATED) == [named.pk, every.pk]
    assert EventPayload.objects.count() == 1
