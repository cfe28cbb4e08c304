"""Throttling: counters of attempts in a window, kept in the cache.

Login failures are counted per identifier and per client address, checked before the password is
looked at, so a locked identifier cannot be probed. The other limits against abuse of scarce things
(registrations per address, anonymous checkouts per address, complaints and reviews per user) take
an allowance with ``allowance_take``. ``hits`` / ``hit`` / ``forget`` are the only functions that
touch the store, so a change of store serves every limit.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

# An address may fail more often than one identifier: a village station shares one IP.
IP_FACTOR = 4


def hits(key: str) -> int:
    """Attempts counted under ``key`` in its current window."""
    return cache.get(key) or 0


def hit(key: str, seconds: int) -> int:
    """Count one attempt; the window starts with the first one and lasts ``seconds``. The new count."""
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=seconds)
        return 1


def forget(key: str) -> None:
    cache.delete(key)


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
