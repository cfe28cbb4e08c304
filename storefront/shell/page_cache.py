"""The public pages' HTTP cache: one rendering of a page serves every anonymous visitor.

A page decorated with ``@cached_page(CATALOG, STOCK, ...)`` is stored (Django's cache: Redis when
configured, process memory otherwise) under a key made of the scheme, host, path and query, the
language the visitor reads, today's date and the versions of the domains it shows
(``meidu.core.cache_versions``). A write to one of those domains bumps its version, so the next
read builds another key and renders afresh: invalidation is exact and no key is ever deleted.

Who gets the shared copy: a GET or HEAD without a session cookie and without a pending message
(Django's ``messages`` cookie). A signed-in visitor, or anyone whose session may personalise the
page (a cart, a referral, a flash message), gets a fresh rendering with ``private, no-store``.

What a shared copy may not carry is anything of one visitor's. The only per-visitor text in these
pages' HTML is the CSRF token of their forms (language switch, add to cart); the pages use no CSP
nonce (meidu.core.csp), and cart counts and role links are shown to signed-in users only. A page
rendered for the cache therefore has its forms without a token (the ``page_cache`` context
processor), and ``storefront/js/csrf-token.js`` fetches the visitor's own token from ``/csrf/``
when they submit one. A rendering that still asked for a token (``get_token``: a Set-Cookie for
this visitor), set a cookie, changed the session or queued a message is served to its visitor only
and never stored.

Headers: ``ETag`` (a hash of the body) with ``If-None-Match`` answered by 304;
``Cache-Control: public, max-age=..., stale-while-revalidate=...`` on shared copies (settings
PAGE_CACHE_MAX_AGE and PAGE_CACHE_STALE_WHILE_REVALIDATE) and ``private, no-store`` otherwise;
``Vary: Cookie, Accept-Language`` on both, since the answer depends on them. ``X-Page-Cache`` says
``hit``, ``miss`` or ``bypass`` for the benchmarks and an operator's curl.

A page is stored for PAGE_CACHE_TIMEOUT seconds at most: what a page shows because of the clock
alone (a campaign that ends, a trading session that opens) is refreshed within that time; today's
date is part of the key, so the day's boards turn over at midnight.

The cache runs when the versions are shared by every worker (``RESPONSE_CACHE_ENABLED``: Redis, or
a single process); otherwise the decorated views only get their headers.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from meidu.core import cache_versions
from meidu.core.replicas.context import primary_reads

# "page2": entries gained ``stored_at``; a worker of the previous release reads only its own "page:" keys.
KEY_PREFIX = "page2:"
VARY = ("Cookie", "Accept-Language")
STATUS_HEADER = "X-Page-Cache"
# Attribute a view sets on its response to keep it out of the shared cache (its content depends on
# data no domain version covers).
NOT_SHARED = "page_cache_not_shared"
# Attribute of a shared answer (hit or miss): (its key, its domains), read by the WSGI layer.
SHARED_PAGE = "page_cache_shared"


def enabled() -> bool:
    return bool(settings.RESPONSE_CACHE_ENABLED and settings.PAGE_CACHE_ENABLED)


def is_shared_request(request) -> bool:
    """A request every anonymous visitor could have made: safe method, no session, no message."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


class PageEntry(NamedTuple):
    """A stored rendering; ``stored_at`` (epoch seconds) lets a process's copy (page_fast_path) expire
    when the shared one does."""

    content: bytes
    content_type: str
    etag: str
    stored_at: float


def address_digest(request) -> str:
    """The address part of a page's key: scheme, host, path and query."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def today() -> str:
    return timezone.localdate().isoformat()


def key_of(digest: str, language: str, day: str, versions: str) -> str:
    """The one place a page's key is spelt: the view and the WSGI layer (page_fast_path) both build it here."""
    return f"{KEY_PREFIX}{digest}:{language}:{day}:{versions}"


def page_key(request, domains: tuple[str, ...]) -> str:
    """The cache key of ``request``'s page: address, language, day and domain versions."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return key_of(address_digest(request), language, today(), cache_versions.versions(domains))


def entry_get(key: str) -> PageEntry | None:
    """The rendering stored under ``key``, if any."""
    found = cache.get(key)
    if not isinstance(found, tuple) or len(found) != len(PageEntry._fields):
        return None
    return PageEntry(*found)


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _storable(request, response) -> bool:
    """A rendering that holds nothing of this visitor's (see the module docstring)."""
    if response.status_code != 200 or response.streaming or getattr(response, NOT_SHARED, False):
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    return not getattr(get_messages(request), "added_new", False)  # a message queued for this visitor


def _shared_headers(response, etag: str) -> None:
    response["ETag"] = etag
    response["Cache-Control"] = (
        f"public, max-age={settings.PAGE_CACHE_MAX_AGE}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}"
    )
    patch_vary_headers(response, VARY)


def _private(response, status: str):
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, VARY)
    response[STATUS_HEADER] = status
    return response


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Does the visitor's ``If-None-Match`` name ``etag`` (then the answer is 304)?"""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def _not_modified(request, etag: str) -> bool:
    return etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), etag)


def _answer(request, content: bytes, content_type: str, etag: str, status: str):
    if _not_modified(request, etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=content_type)
    _shared_headers(response, etag)
    response[STATUS_HEADER] = status
    return response


def _mark(response, key: str, domains: tuple[str, ...]):
    """Tell the WSGI layer (page_fast_path) which stored page this answer is, and what it shows."""
    setattr(response, SHARED_PAGE, (key, tuple(domains)))
    return response


def _render(view, request, args, kwargs):
    """The view's answer; a 404 as its page here, so that it too says it may not be stored (a shared
    cache would otherwise keep a 404 by heuristics, hiding a product once it is published)."""
    try:
        return view(request, *args, **kwargs)
    except Http404 as exc:
        return response_for_exception(request, exc)


def cached_page(*domains: str):
    """Serve the decorated page view from the shared page cache, keyed by the versions of ``domains``."""
    if not domains:
        raise ValueError("cached_page needs the domains the page shows")

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_shared_request(request):
                return _private(_render(view, request, args, kwargs), "bypass")
            if not enabled():
                return _private(_render(view, request, args, kwargs), "off")
            key = page_key(request, domains)
            entry = entry_get(key)
            if entry is not None:
                return _mark(_answer(request, entry.content, entry.content_type, entry.etag, "hit"), key, domains)
            request.page_cache = True  # the context processor leaves CSRF tokens out of the forms
            # A rendering for everyone reads the primary: a replica up to REPLICA_MAX_LAG_SECONDS behind
            # could show data older than the versions in its key, kept until the entry expires.
            with primary_reads():
                response = _render(view, request, args, kwargs)
            if not _storable(request, response):
                return _private(response, "bypass")
            content = response.content
            etag = _etag(content)
            if len(content) <= settings.RESPONSE_CACHE_MAX_BYTES:
                stored = PageEntry(content, response["Content-Type"], etag, time.time())
                cache.set(key, tuple(stored), settings.PAGE_CACHE_TIMEOUT)
            if _not_modified(request, etag):
                return _mark(_answer(request, content, response["Content-Type"], etag, "miss"), key, domains)
            _shared_headers(response, etag)
            response[STATUS_HEADER] = "miss"
            return _mark(response, key, domains)

        return wrapped

    return decorate


def not_shared(response):
    """Mark a page view's response as this visitor's only (never stored in the shared cache)."""
    setattr(response, NOT_SHARED, True)
    return response
