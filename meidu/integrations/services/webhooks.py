"""Webhook subscriptions of an app."""

from __future__ import annotations

from urllib.parse import urlparse

from django.db import transaction
from django.utils.translation import gettext as _

from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.integrations.error_codes import WebhookErrorCode
from meidu.integrations.event_types import subscribable_events
from meidu.integrations.models import App, Webhook
from meidu.integrations.policies import target_url_forbidden_addresses
from meidu.integrations.subscriptions import subscriptions_forget


def _port_valid(parsed) -> bool:
    try:
        _port = parsed.port  # reading it raises ValueError when the port is not a number from 0 to 65535
    except ValueError:
        return False
    return True


def _clean_url(url: str) -> str:
    """An http(s) URL whose host does not resolve to an internal address (policies)."""
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or not _port_valid(parsed):
        raise DomainError(
            _("The target URL must be an http(s) URL"), WebhookErrorCode.INVALID_URL_FORMAT, field="targetUrl"
        )
    forbidden = target_url_forbidden_addresses(url)
    if forbidden:
        raise DomainError(
            _("Webhooks may only go to public addresses: %(host)s is an internal address (%(addresses)s)")
            % {"host": parsed.hostname, "addresses": ", ".join(forbidden)},
            WebhookErrorCode.FORBIDDEN_TARGET,
            field="targetUrl",
        )
    return url


def webhook_create(
    app: App, *, target_url: str, events: list[str], name: str = "", is_active: bool = True, actor, ip_address=None
) -> Webhook:
    url = _clean_url(target_url)
    if not events:
        raise DomainError(_("Subscribe to at least one event"), WebhookErrorCode.REQUIRED, field="asyncEvents")
    unknown = sorted(set(events) - set(subscribable_events()))
    if unknown:
        raise DomainError(
            _("Unknown events: %(events)s") % {"events": ", ".join(unknown)},
            WebhookErrorCode.INVALID,
            field="asyncEvents",
        )
    with transaction.atomic():
        webhook = Webhook.objects.create(
            app=app, name=name, target_url=url, events=sorted(set(events)), is_active=is_active
        )
        subscriptions_forget()
        audit_record(
            "webhook.created",
            actor=actor,
            target=webhook,
            data={"events": webhook.events, "app": app.pk},
            ip_address=ip_address,
        )
    return webhook


def webhook_active_set(webhook: Webhook, is_active: bool, *, actor, ip_address=None) -> Webhook:
    """Switch a webhook on or off; the next event emitted sees it."""
    with transaction.atomic():
        webhook.is_active = is_active
        webhook.save(update_fields=["is_active"])
        subscriptions_forget()
        audit_record(
            "webhook.activated" if is_active else "webhook.deactivated",
            actor=actor,
            target=webhook,
            ip_address=ip_address,
        )
    return webhook
