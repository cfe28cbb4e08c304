"""Emit a webhook event through the transactional outbox.

Call it inside the transaction of the act that caused the event: the payload and
its deliveries commit or roll back with it, and delivery starts only after commit, never inside
the request: a task per delivery on the broker, or, without a broker, a wake-up of the process's
outbox relay thread (meidu.integrations.relay), so a partner's slow server never reaches a buyer.
"""

from __future__ import annotations

import json
import uuid

from celery import current_app
from django.db import transaction
from django.utils import timezone

from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventDelivery, EventPayload
from meidu.integrations.relay import local_relay
from meidu.integrations.subscriptions import webhook_ids_for_event


def webhook_event_emit(event_type: WebhookEventType, data: dict, *, app_ids=None) -> EventPayload | None:
    """Record the event for every subscribed webhook allowed to receive it (only ``app_ids``' when
    given); delivered after commit by the outbox relay."""
    webhooks = webhook_ids_for_event(event_type, app_ids)
    if not webhooks:
        return None
    now = timezone.now()
    body = json.dumps(
        {"id": str(uuid.uuid4()), "event": event_type.name, "created": now.isoformat(), "data": data},
        ensure_ascii=False,
        default=str,
        separators=(",", ":"),
    )
    payload = EventPayload.objects.create(event_type=event_type.value, payload=body)
    deliveries = EventDelivery.objects.bulk_create(
        [
            EventDelivery(payload=payload, webhook_id=webhook, event_type=event_type.value, next_attempt_at=now)
            for webhook in webhooks
        ]
    )
    ids = [delivery.pk for delivery in deliveries]
    # robust: a broker that cannot take the message must not turn the committed act into an error
    # (nor stop the other after-commit steps); the beat's webhook_deliveries_dispatch_due sends it
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return payload


def _enqueue(delivery_ids: list[int]) -> None:
    from meidu.integrations.tasks import webhook_delivery_send

    if current_app.conf.task_always_eager:
        local_relay.wake()  # eager would send in this request: the relay thread sends instead
        return
    for delivery_id in delivery_ids:
        webhook_delivery_send.delay(delivery_id)
