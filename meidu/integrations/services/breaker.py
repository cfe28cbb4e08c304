"""A circuit breaker per webhook target (scheme, host and port), so one partner's outage costs a
few timeouts, not one per event.

After WEBHOOK_BREAKER_FAILURES failed attempts in a row (network error, timeout, 5xx) the target's
circuit opens for WEBHOOK_BREAKER_OPEN_SECONDS: its deliveries stay in the outbox, deferred to the
reopening, without a connection. Then one attempt goes through (half-open): a success closes the
circuit, a failure opens it again at once. State lives in Django's cache: Redis when REDIS_URL is
set, so every worker sees it; process memory otherwise, each process keeping its own.
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

FAILURES_KEEP_SECONDS = 24 * 3600


def target_key(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    target = (
        f"{parts.scheme}://{(parts.hostname or '').lower()}:{port or {'http': 80, 'https': 443}.get(parts.scheme, 0)}"
    )
    return "integrations:breaker:" + hashlib.sha256(target.encode()).hexdigest()[:32]


def breaker_open_until(url: str) -> datetime | None:
    """When the target's circuit closes again, if it is open now; None lets an attempt through."""
    opened = cache.get(target_key(url) + ":open")
    if opened is None or opened <= time.time():
        return None
    return datetime.fromtimestamp(opened, tz=timezone.utc)


def breaker_record(url: str, *, succeeded: bool) -> None:
    key = target_key(url)
    if succeeded:
        cache.delete_many([key + ":failures", key + ":open"])
        return
    cache.add(key + ":failures", 0, FAILURES_KEEP_SECONDS)
    try:
        failures = cache.incr(key + ":failures")
    except ValueError:  # expired between add and incr
        cache.set(key + ":failures", 1, FAILURES_KEEP_SECONDS)
        failures = 1
    if failures >= settings.WEBHOOK_BREAKER_FAILURES:
        seconds = settings.WEBHOOK_BREAKER_OPEN_SECONDS
        cache.set(key + ":open", time.time() + seconds, seconds)
