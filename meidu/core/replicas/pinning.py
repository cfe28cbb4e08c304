"""Read-your-writes: whoever just wrote reads from the primary for REPLICA_READ_YOUR_WRITES_SECONDS.

A replica may be up to REPLICA_MAX_LAG_SECONDS behind (``health``), so a seller who saved a product and
opens its page a moment later could see the old one. After a request that wrote, the writer is pinned to
the primary, in two places that every web machine sees (never in process memory):

* the cache (Redis when REDIS_URL is set), under each identity the request carried: the signed-in user,
  the app of an app token, the session. An API client that keeps no cookies is recognised by its
  token on any machine;
* a signed cookie holding the end of the window, for a browser with neither user nor session (an
  anonymous cart on another machine, a CDN-bypassing client).

The window is at least the lag limit (settings check), so once it is over a usable replica has the write.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

COOKIE = "meidu_primary"
COOKIE_SALT = "meidu.core.replicas.pinning"
KEY_PREFIX = "replica:pin:"


def _identities(request: HttpRequest) -> list[str]:
    """Cache keys naming who sends ``request``. Asked only after a write or before a replica read: a
    page's lazily loaded user is resolved then (from the primary: accounts never go to a replica)."""
    keys = []
    user: Any = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        keys.append(f"{KEY_PREFIX}user:{user.pk}")
    app: Any = getattr(request, "app", None)
    if app is not None and getattr(app, "pk", None) is not None:
        keys.append(f"{KEY_PREFIX}app:{app.pk}")
    session: Any = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None) if session is not None else None
    if session_key:
        keys.append(f"{KEY_PREFIX}session:{session_key}")
    return keys


def writer_pin(request: HttpRequest, response: HttpResponse) -> None:
    """Pin the sender of ``request`` (which wrote) to the primary for the read-your-writes window."""
    window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
    if window <= 0:
        return
    until = time.time() + window
    keys = _identities(request)
    if keys:
        cache.set_many(dict.fromkeys(keys, until), timeout=window)
    response.set_signed_cookie(
        COOKIE,
        f"{until:.3f}",
        salt=COOKIE_SALT,
        max_age=window,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def reader_pinned(request: HttpRequest | None) -> bool:
    """Did the sender of ``request`` write less than the window ago (on any web machine)?"""
    if request is None:
        return False
    window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
    if window <= 0:
        return False
    now = time.time()
    if COOKIE in request.COOKIES:
        try:
            until = float(request.get_signed_cookie(COOKIE, default="0", salt=COOKIE_SALT, max_age=window) or 0)
        except (signing.BadSignature, ValueError):
            until = 0.0
        if until > now:
            return True
    keys = _identities(request)
    if not keys:
        return False
    return any(float(until) > now for until in cache.get_many(keys).values())
