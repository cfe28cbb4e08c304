"""Throttling: counters of attempts in a window, the same for every worker process.

Login failures are counted per identifier and per client address, checked before the password is
looked at, so a locked identifier cannot be probed. The other limits against abuse of scarce things
(registrations per address, anonymous checkouts per address, complaints and reviews per user) take
an allowance with ``allowance_take``.

``hits`` / ``hit`` / ``forget`` are the only functions that touch the store: Redis (or memcached)
when the cache is one, else the database (ThrottleCounter, one atomic upsert per attempt). A
process-local cache would let each gunicorn worker allow its own limit.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from meidu.accounts.models import ThrottleCounter

# An address may fail more often than one identifier: a village station shares one IP.
IP_FACTOR = 4
# Cache backends that every process shares and that increment atomically.
SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.",
    "django.core.cache.backends.memcached.",
    "meidu.core.cache.RedisCache",
)


def counters_in_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"].startswith(SHARED_CACHE_BACKENDS)


def hits(key: str) -> int:
    """Attempts counted under ``key`` in its current window."""
    if counters_in_cache():
        return cache.get(key) or 0
    row = ThrottleCounter.objects.filter(key=key, expires_at__gt=timezone.now()).values_list("count", flat=True).first()
    return row or 0


def _upsert_sql() -> str:
    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    # The window starts at the first attempt and is not stretched by later ones (as a cache
    # key's timeout); an expired row starts a new window.
    return f"""
        INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END,
            expires_at = CASE WHEN {table}.expires_at <= %s THEN EXCLUDED.expires_at ELSE {table}.expires_at END
        RETURNING count
    """


def hit(key: str, seconds: int) -> int:
    """Count one attempt; the window starts with the first one and lasts ``seconds``. The new count."""
    if counters_in_cache():
        if cache.add(key, 1, timeout=seconds):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # the window ended between the two calls
            cache.set(key, 1, timeout=seconds)
            return 1
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key, now + timedelta(seconds=seconds), now, now])
        return cursor.fetchone()[0]


def forget(key: str) -> None:
    if counters_in_cache():
        cache.delete(key)
    else:
        ThrottleCounter.objects.filter(key=key).delete()


def allowance_take(scope: str, who, limit: int, seconds: int) -> bool:
    """Count an attempt of ``who`` (a user pk, a client address) at ``scope`` and say whether it is
    within ``limit`` per ``seconds``; a limit of 0 turns it off. Counted before the answer, so
    concurrent attempts cannot all slip under the limit; refused attempts count too."""
    if not limit or who in (None, ""):
        return True
    digest = hashlib.sha256(str(who).encode()).hexdigest()[:32]
    return hit(f"limit:{scope}:{digest}", seconds) <= limit


def _keys(identifier: str, ip: str | None) -> tuple[str, str | None]:
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:id:{digest}", (f"login-fail:ip:{ip}" if ip else None)


def login_is_blocked(identifier: str, ip: str | None) -> bool:
    id_key, ip_key = _keys(identifier, ip)
    if hits(id_key) >= settings.LOGIN_MAX_FAILURES:
        return True
    return bool(ip_key) and hits(ip_key) >= settings.LOGIN_MAX_FAILURES * IP_FACTOR


def login_failed(identifier: str, ip: str | None) -> None:
    for key in _keys(identifier, ip):
        if key is not None:
            hit(key, settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(identifier: str) -> None:
    forget(_keys(identifier, None)[0])


def throttle_counters_purge() -> int:
    """Forget expired database counters (hourly beat); the number of rows removed."""
    return ThrottleCounter.objects.filter(expires_at__lte=timezone.now()).delete()[0]
