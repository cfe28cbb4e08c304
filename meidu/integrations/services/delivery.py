"""One delivery attempt of a webhook: claim, sign, POST, record, schedule the next.

A claim takes a lease (next_attempt_at pushed past the HTTP timeout) under a row
lock with SKIP LOCKED, so a beat re-dispatch and a Celery retry never send the same
delivery twice at once, and no lock is held during the HTTP call. 2xx succeeds; 5xx
and network errors are retried with exponential back-off (base * 2**n seconds) up to
WEBHOOK_MAX_ATTEMPTS; anything else (3xx, 4xx, a target resolving to an address webhooks may not
reach) fails at once. Every attempt is a row. A target whose circuit is open (services.breaker) is
not called: its deliveries wait in the outbox until the circuit half-opens.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meidu.core.jws import sign_detached
from meidu.integrations.models import EventDelivery, EventDeliveryAttempt, EventDeliveryStatus
from meidu.integrations.services.breaker import breaker_open_until, breaker_record
from meidu.integrations.transport import forbidden_target, webhook_session

LEASE_MARGIN_SECONDS = 30
KEPT_BODY_BYTES = 2000
CLOCK_TOLERANCE = timedelta(seconds=1)


@dataclass
class AttemptOutcome:
    delivery: EventDelivery
    attempt: EventDeliveryAttempt
    retry_in: int | None


def _claim(delivery_id: int) -> EventDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            EventDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook__app", "payload")
            .filter(pk=delivery_id, status=EventDeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now + CLOCK_TOLERANCE):
            return None
        if not (delivery.webhook.is_active and delivery.webhook.app.is_active):
            # switched off after the event was emitted (emitters read a cached subscription list)
            delivery.status, delivery.next_attempt_at = EventDeliveryStatus.FAILED, None
            delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
            return None
        reopens_at = breaker_open_until(delivery.webhook.target_url)
        if reopens_at is not None:
            delivery.next_attempt_at = reopens_at  # the target is down: no attempt, no connection
            delivery.save(update_fields=["next_attempt_at", "updated_at"])
            return None
        delivery.attempt_count += 1
        delivery.next_attempt_at = now + timedelta(seconds=_lease_seconds())
        delivery.save(update_fields=["attempt_count", "next_attempt_at", "updated_at"])
    return delivery


def _lease_seconds() -> int:
    return settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS + settings.WEBHOOK_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS


def delivery_headers(delivery: EventDelivery, body: bytes) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Meidu-Event": delivery.event_type,
        "Meidu-Delivery": str(delivery.pk),
        "Meidu-Api-Url": settings.PUBLIC_URL.rstrip("/") + "/graphql/",
        "Meidu-Signature": sign_detached(body),
    }


def backoff_seconds(attempt_count: int) -> int:
    return settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempt_count - 1, 0)


def webhook_delivery_attempt(delivery_id: int) -> AttemptOutcome | None:
    """Make one attempt if the delivery is pending and due; None when there is nothing to do."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    body = delivery.payload.payload.encode("utf-8")
    headers = delivery_headers(delivery, body)
    started = time.monotonic()
    status_code, response_body, error, forbidden = None, "", "", False
    target = delivery.webhook.target_url
    with webhook_session() as session:
        try:
            with session.post(
                target,
                data=body,
                headers=headers,
                allow_redirects=False,
                stream=True,
                timeout=(settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS, settings.WEBHOOK_TIMEOUT_SECONDS),
            ) as response:  # streamed: only the first KEPT_BODY_BYTES of an answer are ever read
                status_code = response.status_code
                first = next(response.iter_content(chunk_size=KEPT_BODY_BYTES), b"")  # errors come as requests'
                response_body = first[:KEPT_BODY_BYTES].decode("utf-8", "replace")
        except requests.RequestException as exc:
            forbidden = forbidden_target(exc)
            error = f"{'ForbiddenTarget' if forbidden else type(exc).__name__}: {exc}"[:KEPT_BODY_BYTES]
    duration_ms = int((time.monotonic() - started) * 1000)

    succeeded = status_code is not None and 200 <= status_code < 300
    retryable = not forbidden and (status_code is None or status_code >= 500)
    if succeeded or retryable:
        breaker_record(target, succeeded=succeeded)
    now = timezone.now()
    retry_in = None
    if succeeded:
        delivery.status, delivery.next_attempt_at = EventDeliveryStatus.SUCCESS, None
    elif retryable and delivery.attempt_count < settings.WEBHOOK_MAX_ATTEMPTS:
        retry_in = backoff_seconds(delivery.attempt_count)
        delivery.status, delivery.next_attempt_at = EventDeliveryStatus.PENDING, now + timedelta(seconds=retry_in)
    else:
        delivery.status, delivery.next_attempt_at = EventDeliveryStatus.FAILED, None
    with transaction.atomic():
        attempt = EventDeliveryAttempt.objects.create(
            delivery=delivery,
            status=EventDeliveryStatus.SUCCESS if succeeded else EventDeliveryStatus.FAILED,
            response_status_code=status_code,
            response_body=response_body,
            request_headers={k: v for k, v in headers.items() if k != "Meidu-Signature"},
            error=error,
            duration_ms=duration_ms,
        )
        delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
    return AttemptOutcome(delivery=delivery, attempt=attempt, retry_in=retry_in)


def webhook_deliveries_due(limit: int = 500) -> list[int]:
    return list(
        EventDelivery.objects.filter(status=EventDeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
