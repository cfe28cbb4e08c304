"""A WSGI layer that answers the page cache's hits before Django is entered (as the GraphQL one does,
meidu.core.graphql.fast_path).

A hit of ``page_cache`` costs no SQL, but the way to it (Django's request, thirteen middlewares, the
URL resolver) costs about 2 ms of CPU. Here the same hit costs one round trip to the shared cache:

* only for a request the page cache would answer from its shared copy: GET or HEAD, cache on, no
  session or message cookie (``page_cache.is_shared_request`` on Django's own ``WSGIRequest`` of the
  environ, so cookies, host, scheme and path are read by Django's code);
* the key is built by ``page_cache.key_of`` from the same parts the view uses: the address digest,
  the language LocaleMiddleware would choose (``get_language_from_request``: cookie, then
  Accept-Language), today's date and the versions of the page's domains;
* the domains of an address, and the headers Django's middleware gave a hit of it, are learnt from
  Django: when Django answers a page-cache hit (200, or 304 to If-None-Match) the layer checks that the
  view's key is the one it would build, and stores a ``Replay`` under the address and language: the
  domains and, per status, the final headers with ETag, Content-Type and Content-Length left to fill
  from the entry. A hit here therefore carries exactly the headers (security headers, CSP, Vary,
  Content-Language, X-Page-Cache: hit) Django would have sent, and the same body;
* each process keeps the replays and the entries it served last (``Recent``): the entry's key carries
  the current versions, read from the shared cache on every request, so a hit costs that one MGET.

Anything else goes to Django unchanged: a signed-in visitor, a page not stored yet or with new
versions (the miss renders it), a status whose headers are not known yet, a bad host, i18n URL
prefixes, any error of the cache.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache as memoize

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.urls import get_urlconf
from django.utils import translation

from meidu.core.cache_versions import KEY_PREFIX as VERSION_PREFIX
from meidu.core.cache_versions import versions_from
from meidu.core.recent import Recent
from storefront.shell import page_cache

logger = logging.getLogger("meidu.pages")

REPLAY_PREFIX = "page-replay:"
# Settings that shape a page's headers: a machine configured otherwise learns its own replays. A release
# whose code changes the headers is seen within PAGE_CACHE_TIMEOUT, the lifetime of a replay (as what
# a page shows because of the clock alone).
HEADER_SETTINGS = (
    "MIDDLEWARE",
    "CSP_IMG_SRC",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "PAGE_CACHE_MAX_AGE",
    "PAGE_CACHE_STALE_WHILE_REVALIDATE",
    # and those that make the middleware answer otherwise (a redirect) before the view
    "SECURE_SSL_REDIRECT",
    "SECURE_SSL_HOST",
    "SECURE_REDIRECT_EXEMPT",
    "PREPEND_WWW",
)
SAFE_METHODS = ("GET", "HEAD")
# Filled from the entry on each answer; the server adds Date and Server itself.
FILLED = frozenset({"etag", "content-type", "content-length"})
NOT_KEPT = frozenset({"date", "server"})


@dataclass(frozen=True)
class Replay:
    """What a hit of one address in one language is answered with, learnt from Django's hits: the page's
    domains, and per status line its headers in order (value None: filled from the entry)."""

    domains: tuple[str, ...]
    headers: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]  # (status line, headers)

    def for_status(self, status: str):
        return next((headers for line, headers in self.headers if line == status), None)

    def with_status(self, status: str, headers) -> Replay:
        others = tuple((line, known) for line, known in self.headers if line != status)
        return Replay(self.domains, (*others, (status, headers)))


@memoize
def _prefixed_urls() -> bool:
    """Language prefixes in URLs make LocaleMiddleware read the path: this layer then stands aside."""
    return is_language_prefix_patterns_used(get_urlconf() or settings.ROOT_URLCONF)[0]


def _refused_agent(request) -> bool:
    """CommonMiddleware refuses these user agents (DISALLOWED_USER_AGENTS): Django answers them."""
    agent = request.META.get("HTTP_USER_AGENT")
    return bool(agent) and any(pattern.search(agent) for pattern in settings.DISALLOWED_USER_AGENTS)


def _skipped_prefixes() -> tuple[str, ...]:
    return ("/graphql/", settings.STATIC_URL or "/static/", settings.MEDIA_URL or "/media/")


def place_of(request) -> tuple[str, str]:
    """(address digest, language) of a shared request, as the view and LocaleMiddleware work them out."""
    return page_cache.address_digest(request), translation.get_language_from_request(request)


def _settings_fingerprint() -> str:
    shown = repr([(name, getattr(settings, name, None)) for name in HEADER_SETTINGS])
    return hashlib.sha256(shown.encode()).hexdigest()[:12]


def replay_key(digest: str, language: str) -> str:
    return f"{REPLAY_PREFIX}{_settings_fingerprint()}:{digest}:{language}"


class CachedPages:
    """Wraps the Django WSGI application; see the module's docstring."""

    def __init__(self, application: Callable):
        self.application = application
        self.domains_seen: set[str] = set()
        self.recent_entries = Recent(settings.RESPONSE_CACHE_LOCAL_ENTRIES)
        self.recent_replays = Recent(4 * settings.RESPONSE_CACHE_LOCAL_ENTRIES)

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") not in SAFE_METHODS
            or not settings.PAGE_FAST_PATH
            or not page_cache.enabled()
            or environ.get("PATH_INFO", "").startswith(_skipped_prefixes())
        ):
            return self.application(environ, start_response)
        try:
            # a copy: WSGIRequest rewrites PATH_INFO decoded, and Django decodes the environ again
            request = WSGIRequest(dict(environ))
            if not page_cache.is_shared_request(request) or _prefixed_urls() or _refused_agent(request):
                return self.application(environ, start_response)
            place = place_of(request)  # get_host() refuses a host Django refuses: Django answers it
        except Exception:
            return self.application(environ, start_response)
        try:
            answered = self._answer(request, place, start_response)
        except Exception:  # a cache that is down: Django answers (and meets the same trouble)
            logger.warning("The page cache layer could not answer", exc_info=True)
            answered = None
        if answered is not None:
            return answered
        return self._through(environ, start_response, place)

    def _answer(self, request, place: tuple[str, str], start_response) -> list[bytes] | None:
        key_of_replay = replay_key(*place)
        replay = self.recent_replays.get(key_of_replay)
        if replay is None:
            found = cache.get_many([key_of_replay, *(VERSION_PREFIX + name for name in self.domains_seen)])
            replay = found.get(key_of_replay)
            if not isinstance(replay, Replay):
                return None
            self.recent_replays.put(key_of_replay, replay, settings.PAGE_CACHE_TIMEOUT)
        else:
            found = cache.get_many([VERSION_PREFIX + name for name in replay.domains])
        unseen = [name for name in replay.domains if name not in self.domains_seen]
        if unseen:
            self.domains_seen.update(unseen)
            found.update(cache.get_many([VERSION_PREFIX + name for name in unseen]))
        versions = versions_from(found, replay.domains)
        if versions is None:
            return None  # a version not started yet: the view starts it
        key = page_cache.key_of(*place, page_cache.today(), versions)
        entry = self.recent_entries.get(key)
        if entry is None:
            entry = page_cache.entry_get(key)
            if entry is None:
                return None  # not rendered since the last write: the view renders it
            self.recent_entries.put(key, entry, entry.stored_at + settings.PAGE_CACHE_TIMEOUT - time.time())
        not_modified = page_cache.etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), entry.etag)
        status = "304 Not Modified" if not_modified else "200 OK"
        template = replay.for_status(status)
        if template is None:
            self.recent_replays.pop(key_of_replay)  # read it again once Django taught the shared cache
            return None
        body = b"" if not_modified else entry.content
        filled = {"etag": entry.etag, "content-type": entry.content_type, "content-length": str(len(body))}
        start_response(status, [(name, filled[name.lower()] if value is None else value) for name, value in template])
        return [body]

    def _through(self, environ, start_response, place: tuple[str, str]) -> Iterable[bytes]:
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.application(environ, capture)
        try:
            self._learn(result, seen, place)
        except Exception:
            logger.warning("The page cache layer could not learn a page's headers", exc_info=True)
        return result

    def _learn(self, result, seen: dict, place: tuple[str, str]) -> None:
        """Keep the headers of a page-cache hit Django answered, when its key is the one built here."""
        shared = getattr(result, page_cache.SHARED_PAGE, None)
        status = seen.get("status", "")
        if shared is None or status not in ("200 OK", "304 Not Modified"):
            return
        key, domains = shared
        headers = seen["headers"]
        names = {name.lower(): value for name, value in headers}
        if names.get(page_cache.STATUS_HEADER.lower()) != "hit" or "set-cookie" in names:
            return
        if key != page_cache.key_of(*place, page_cache.today(), key.rsplit(":", 1)[-1]):
            return  # the view saw another address, language or day than this layer: never answer for it
        body_length = str(len(result.content))
        template = []
        for name, value in headers:
            lower = name.lower()
            if lower in NOT_KEPT:
                continue
            if lower in FILLED:
                expected = {"etag": result.get("ETag"), "content-type": result.get("Content-Type")}
                expected["content-length"] = body_length
                if value != expected[lower]:
                    return  # a header this layer could not reproduce: leave the page to Django
                template.append((name, None))
            else:
                template.append((name, value))
        if status == "200 OK" and not {"etag", "content-type", "content-length"} <= names.keys():
            return
        key_of_replay = replay_key(*place)
        known = cache.get(key_of_replay)
        if not isinstance(known, Replay) or known.domains != tuple(domains):
            known = Replay(tuple(domains), ())
        cache.set(key_of_replay, known.with_status(status, tuple(template)), settings.PAGE_CACHE_TIMEOUT)
