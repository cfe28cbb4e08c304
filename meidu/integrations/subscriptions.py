"""Which active webhooks listen to which events, cached so that emitting an event nobody
subscribed to costs no query (an order placed emits two or three).

The snapshot lives in Django's cache (Redis when REDIS_URL is set, so every process sees an
invalidation at once; process memory otherwise, where another process may see a change up to
SNAPSHOT_SECONDS late). Saving or deleting a webhook or an app drops it, again after commit so a
snapshot read inside that transaction's window is not kept.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import App, Webhook

CACHE_KEY = "integrations:webhook-subscriptions:v1"
SNAPSHOT_SECONDS = 30


def _snapshot() -> list[tuple[int, frozenset[str]]]:
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = [(pk, frozenset(events)) for pk, events in
                Webhook.objects.filter(is_active=True, app__is_active=True).order_by("pk").values_list("pk", "events")]
        cache.set(CACHE_KEY, rows, SNAPSHOT_SECONDS)
    return rows


def webhook_ids_for_event(event_type: WebhookEventType) -> list[int]:
    """Ids of the active webhooks (of active apps) subscribed to the event or to every event."""
    wanted = {event_type.value, WebhookEventType.ANY_EVENTS.value}
    return [pk for pk, events in _snapshot() if events & wanted]


def subscriptions_forget(**_kwargs) -> None:
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def connect() -> None:
    for model in (Webhook, App):
        post_save.connect(subscriptions_forget, sender=model, dispatch_uid=f"subscriptions-{model.__name__}-save")
        post_delete.connect(subscriptions_forget, sender=model, dispatch_uid=f"subscriptions-{model.__name__}-delete")
