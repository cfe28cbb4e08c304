"""Login throttling: failures are counted per identifier and per client address in the cache.

Checked before the password is looked at, so a locked identifier cannot be probed.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

# An address may fail more often than one identifier: a village station shares one IP.
IP_FACTOR = 4


def _keys(identifier: str, ip: str | None) -> tuple[str, str | None]:
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:id:{digest}", (f"login-fail:ip:{ip}" if ip else None)


def login_is_blocked(identifier: str, ip: str | None) -> bool:
    id_key, ip_key = _keys(identifier, ip)
    if (cache.get(id_key) or 0) >= settings.LOGIN_MAX_FAILURES:
        return True
    return bool(ip_key) and (cache.get(ip_key) or 0) >= settings.LOGIN_MAX_FAILURES * IP_FACTOR


def login_failed(identifier: str, ip: str | None) -> None:
    for key in _keys(identifier, ip):
        if key is None:
            continue
        if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(identifier: str) -> None:
    cache.delete(_keys(identifier, None)[0])
