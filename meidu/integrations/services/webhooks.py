"""Webhook subscriptions of an app."""

from __future__ import annotations

from urllib.parse import urlparse

from django.db import transaction

from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.integrations.error_codes import WebhookErrorCode
from meidu.integrations.event_types import subscribable_events
from meidu.integrations.models import App, Webhook


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise DomainError("The target URL must be an http(s) URL", WebhookErrorCode.INVALID_URL_FORMAT, field="targetUrl")
    return url


def webhook_create(app: App, *, target_url: str, events: list[str], name: str = "", is_active: bool = True, actor, ip_address=None) -> Webhook:
    url = _clean_url(target_url)
    if not events:
        raise DomainError("Subscribe to at least one event", WebhookErrorCode.REQUIRED, field="asyncEvents")
    unknown = sorted(set(events) - set(subscribable_events()))
    if unknown:
        raise DomainError(f"Unknown events: {', '.join(unknown)}", WebhookErrorCode.INVALID, field="asyncEvents")
    with transaction.atomic():
        webhook = Webhook.objects.create(app=app, name=name, target_url=url, events=sorted(set(events)), is_active=is_active)
        audit_record("webhook.created", actor=actor, target=webhook, data={"events": webhook.events, "app": app.pk}, ip_address=ip_address)
    return webhook
