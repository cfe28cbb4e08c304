"""Which active webhooks listen to which events, cached so that emitting an event nobody
subscribed to costs no query (an order placed emits two or three). An event goes only to webhooks
whose app holds the event's permission (event_types.EVENT_PERMISSIONS), checked at every emit, so
an app that loses a permission stops receiving at once, whatever it subscribed to.

The snapshot lives in Django's cache (Redis when REDIS_URL is set, so every process sees an
invalidation at once; process memory otherwise, where another process may see a change up to
SNAPSHOT_SECONDS late). Every service that creates, switches or deletes a webhook or an app, or
changes an app's permissions (meidu.integrations.services.apps and .webhooks) calls
subscriptions_forget, which drops it now and again after commit, so a snapshot read inside that
transaction's window is not kept. A write that bypasses those services (a data migration, a
shell) calls subscriptions_forget itself or waits SNAPSHOT_SECONDS.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from meidu.integrations.event_types import WebhookEventType, event_permission_values
from meidu.integrations.models import Webhook

CACHE_KEY = "integrations:webhook-subscriptions:v3"
SNAPSHOT_SECONDS = 30


def _snapshot() -> list[tuple[int, int, frozenset[str], frozenset[str]]]:
    """(webhook id, its app id, its events, its app's permission codes) of every active webhook of an
    active app."""
    rows = cache.get(CACHE_KEY)
    if rows is None:
        found: dict[int, tuple[int, frozenset[str], set[str]]] = {}
        for pk, app_id, events, app_label, codename in (
            Webhook.objects.filter(is_active=True, app__is_active=True)
            .order_by("pk")
            .values_list(
                "pk", "app_id", "events", "app__permissions__content_type__app_label", "app__permissions__codename"
            )
        ):
            permissions = found.setdefault(pk, (app_id, frozenset(events), set()))[2]
            if codename:
                permissions.add(f"{app_label}.{codename}")
        rows = [(pk, app_id, events, frozenset(permissions)) for pk, (app_id, events, permissions) in found.items()]
        cache.set(CACHE_KEY, rows, SNAPSHOT_SECONDS)
    return rows


def webhook_ids_for_event(event_type: WebhookEventType, app_ids=None) -> list[int]:
    """Ids of the active webhooks (of active apps) subscribed to the event or to every event whose
    app may receive it; with ``app_ids``, only those apps' (an event about one bank's loan goes to that
    bank alone, whoever else holds the permission)."""
    wanted = {event_type.value, WebhookEventType.ANY_EVENTS.value}
    needed = event_permission_values(event_type)
    allowed_apps = None if app_ids is None else frozenset(app_ids)
    return [
        pk
        for pk, app_id, events, permissions in _snapshot()
        if events & wanted
        and (needed is None or needed & permissions)
        and (allowed_apps is None or app_id in allowed_apps)
    ]


def subscriptions_forget() -> None:
    """Drop the snapshot now and after the caller's transaction commits (called by the services
    that change webhooks, apps or apps' permissions)."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
