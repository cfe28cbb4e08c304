"""Login throttling: failures are counted per identifier and per client address.

Checked before the password is looked at, so a locked identifier cannot be probed. The counters
must be the same for every worker process: in Redis (or memcached) when the cache is one, else in
the database (ThrottleCounter, one atomic upsert per failure). A process-local cache would let
each gunicorn worker allow its own LOGIN_MAX_FAILURES.
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
SHARED_CACHE_BACKENDS = ("django.core.cache.backends.redis.", "django.core.cache.backends.memcached.")


def _keys(identifier: str, ip: str | None) -> tuple[str, str | None]:
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:id:{digest}", (f"login-fail:ip:{ip}" if ip else None)


def counters_in_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"].startswith(SHARED_CACHE_BACKENDS)


def _counts(keys: list[str]) -> dict[str, int]:
    if counters_in_cache():
        return {key: cache.get(key) or 0 for key in keys}
    rows = ThrottleCounter.objects.filter(key__in=keys, expires_at__gt=timezone.now()).values_list("key", "count")
    return dict(rows)


def _upsert_sql() -> str:
    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    # The window starts at the first failure and is not stretched by later ones (as a cache
    # key's timeout); an expired row starts a new window.
    return f"""
        INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END,
            expires_at = CASE WHEN {table}.expires_at <= %s THEN EXCLUDED.expires_at ELSE {table}.expires_at END
    """


def _count_failure(key: str) -> None:
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    if counters_in_cache():
        if not cache.add(key, 1, timeout=seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=seconds)
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key, now + timedelta(seconds=seconds), now, now])


def login_is_blocked(identifier: str, ip: str | None) -> bool:
    id_key, ip_key = _keys(identifier, ip)
    counts = _counts([key for key in (id_key, ip_key) if key])
    if counts.get(id_key, 0) >= settings.LOGIN_MAX_FAILURES:
        return True
    return bool(ip_key) and counts.get(ip_key, 0) >= settings.LOGIN_MAX_FAILURES * IP_FACTOR


def login_failed(identifier: str, ip: str | None) -> None:
    for key in _keys(identifier, ip):
        if key is not None:
            _count_failure(key)


def login_succeeded(identifier: str) -> None:
    key = _keys(identifier, None)[0]
    if counters_in_cache():
        cache.delete(key)
    else:
        ThrottleCounter.objects.filter(key=key).delete()


def throttle_counters_purge() -> int:
    """Forget expired database counters (hourly beat); the number of rows removed."""
    return ThrottleCounter.objects.filter(expires_at__lte=timezone.now()).delete()[0]
