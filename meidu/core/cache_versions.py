"""Versions of the data domains that cached answers show: a write bumps, a cache key reads.

A cached answer (a GraphQL response, a storefront page) is stored under a key that carries the
versions of every domain it can show. A write that changes one of those domains calls ``bump``
in its service; once its transaction commits the domain's version moves, so every key built
afterwards differs and the old answers are simply never read again (they expire on their own).
Invalidation is therefore exact and needs no list of keys to delete.

Versions live in the Django cache with no timeout (Redis when ``REDIS_URL`` is set). A version that
is missing (never bumped, evicted by Redis under memory pressure, a restarted locmem process) is
started at the current time in nanoseconds with an atomic ``add``: a start never equals a value
an earlier life of the key handed out, so an answer cached under an evicted version is never
served again. Bumps increment atomically (Redis ``INCR``).

With the in-process (locmem) cache every worker process has its own versions: a bump in one worker
is not seen by another. The answer caches built on these versions therefore run only when the
versions are shared (``settings.RESPONSE_CACHE_ENABLED``: on when ``REDIS_URL`` is set, off
otherwise unless the operator states that a single process serves; see meidu/settings/base.py).

Domains are plain strings; an app that owns more data shown by cached answers adds its constant here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from django.core.cache import cache
from django.db import transaction

CATALOG = "catalog"
"""Products, variants, prices and channel listings, categories, collections, media, attributes,
and the reviews (ratings) shown on products."""
STOCK = "stock"
"""Stock quantities: what ``quantityAvailable`` and ``isAvailable`` show."""
SHOPS = "shops"
"""Seller shops: opening, suspension, edits of what a shop shows."""
CHANNELS = "channels"
"""Sales channels: their names, currencies, activity."""
FARM_PRICES = "farm-prices"
"""The farm price board (incubator.prices): reported and derived prices, its markets and items."""
MAGNESIA_PRICES = "magnesia-prices"
"""The exchange's public market data: trade prints, daily bars, reference prices, grades shown."""

KEY_PREFIX = "cache-version:"


def _key(domain: str) -> str:
    return KEY_PREFIX + domain


def _start() -> int:
    return time.time_ns()


def _increment(domains: tuple[str, ...]) -> None:
    for domain in domains:
        key = _key(domain)
        try:
            cache.incr(key)
        except ValueError:  # missing (never set, or evicted): start afresh, past any earlier value
            if not cache.add(key, _start(), timeout=None):
                cache.incr(key)


def bump(*domains: str) -> None:
    """Move each domain's version once the current transaction commits (at once outside one;
    never when it rolls back), so no reader caches the old data under the new version."""
    if not domains:
        return
    unique = tuple(dict.fromkeys(domains))
    transaction.on_commit(lambda: _increment(unique))


def versions(domains: Iterable[str]) -> str:
    """The current versions of ``domains`` as a short stable string (sorted by domain), read in
    one cache round trip (two, the first time a domain is seen)."""
    names = sorted(set(domains))
    if not names:
        return ""
    keys = [_key(name) for name in names]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _start(), timeout=None)
        found.update(cache.get_many(missing))
    return versions_from(found, names) or ""


def versions_from(found: Mapping[str, int], domains: Iterable[str]) -> str | None:
    """The versions string of ``domains`` from cache values already read (keyed as stored, by
    ``KEY_PREFIX`` + domain), None when one is missing: for a caller that reads them along with
    other keys in its own round trip (the GraphQL WSGI layer)."""
    parts = []
    for name in sorted(set(domains)):
        value = found.get(_key(name))
        if value is None:
            return None
        parts.append(f"{value:x}")
    return ".".join(parts)
