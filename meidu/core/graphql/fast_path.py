"""A WSGI layer that answers cached anonymous GraphQL reads before Django is entered.

The response cache (``response_cache``) already spares a hit the execution, but the way there
(Django's request object, eleven middlewares, the view's parse and checks) costs more than a millisecond
of CPU, which caps a 2-core machine at a few hundred answers a second. Here a hit costs two cache
round trips and no Django: for a POST (JSON) or GET to /graphql/ with no ``Authorization`` header
(no user, no App: the endpoint ignores session cookies), the document's hash (sent as an Apollo
persisted query, or the SHA-256 of the document sent) names the document's domains, noted by the
view when it first cached an answer of that document; one MGET reads them with the versions of the
domains met so far; a GET reads the answer. The answer is replayed with the headers the middleware
gave it the first time (security headers included), ETag and Cache-Control refreshed;
``If-None-Match`` with the current tag gets 304 without reading the answer.

Anything else (a user, a mutation, an unknown document, an answer not stored yet, a bad request)
goes through Django unchanged, and the answers Django stores on the way out are completed here
with their final headers, so that the next identical read is served here.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import parse_qs

from django.conf import settings
from django.core.cache import cache
from django.http.cookie import parse_cookie
from django.utils import translation

from meidu.core.cache_versions import KEY_PREFIX as VERSION_PREFIX
from meidu.core.cache_versions import versions_from
from meidu.core.graphql import response_cache
from meidu.core.graphql.persisted import document_hash
from meidu.core.recent import Recent

logger = logging.getLogger("meidu.graphql")

MAX_BODY = 64 * 1024
# Headers of a stored answer that are the server's or this request's, not the answer's.
_NOT_REPLAYED = frozenset({"set-cookie", "content-length", "date", "server", "etag", "cache-control", "connection"})


class _Request:
    """What Django's language choice reads from a request (LocaleMiddleware, no i18n URL prefix)."""

    def __init__(self, cookie_language: str | None, accept_language: str):
        self.COOKIES = {settings.LANGUAGE_COOKIE_NAME: cookie_language} if cookie_language else {}
        self.META = {"HTTP_ACCEPT_LANGUAGE": accept_language}
        self.path_info = "/"


@lru_cache(maxsize=512)
def _language(cookie_language: str | None, accept_language: str) -> str:
    return translation.get_language_from_request(_Request(cookie_language, accept_language))  # type: ignore[arg-type]


def request_language(environ) -> str:
    """The language LocaleMiddleware would choose. Cookies are read by Django's own parser: the standard
    library's gives up on a header with one malformed cookie, and the language would differ from Django's."""
    cookie_language = None
    cookies = environ.get("HTTP_COOKIE", "")
    if settings.LANGUAGE_COOKIE_NAME in cookies:
        cookie_language = parse_cookie(cookies).get(settings.LANGUAGE_COOKIE_NAME)
    return _language(cookie_language, environ.get("HTTP_ACCEPT_LANGUAGE", ""))


def request_origin(environ) -> str:
    """Scheme and host as Django's request.scheme and get_host() work them out (before host validation:
    only hosts Django accepted have answers stored under them)."""
    scheme = environ.get("wsgi.url_scheme", "http")
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            scheme = "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in environ:
        host = environ["HTTP_HOST"]
    else:
        host = environ["SERVER_NAME"]
        port = str(environ["SERVER_PORT"])
        if port != ("443" if scheme == "https" else "80"):
            host = f"{host}:{port}"
    return f"{scheme}://{host}"


def _operation(method: str, environ) -> tuple[str, str | None, dict] | None:
    """(document hash, operation name, variables) of a query this layer may answer, else None."""
    if method == "GET":
        params = parse_qs(environ.get("QUERY_STRING", ""))
        one = {name: values[0] for name, values in params.items() if len(values) == 1}
        try:
            extensions = json.loads(one["extensions"]) if "extensions" in one else None
            variables = json.loads(one["variables"]) if one.get("variables") else {}
        except ValueError:
            return None
        query, operation_name = one.get("query"), one.get("operationName") or None
    else:
        try:
            data = json.loads(environ["meidu.body"])
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        query, operation_name = data.get("query"), data.get("operationName")
        extensions, variables = data.get("extensions"), data.get("variables") or {}
    if not isinstance(variables, dict) or (operation_name is not None and not isinstance(operation_name, str)):
        return None
    sha = None
    if isinstance(extensions, dict) and isinstance(extensions.get("persistedQuery"), dict):
        sha = extensions["persistedQuery"].get("sha256Hash")
        if not isinstance(sha, str) or extensions["persistedQuery"].get("version") != 1:
            return None
    elif extensions is not None:
        return None
    if isinstance(query, str):
        if sha is not None and sha != document_hash(query):
            return None  # Django refuses the mismatch
        sha = document_hash(query)
    elif query is not None or sha is None:
        return None
    return sha, operation_name, variables


class CachedGraphQLReads:
    """Wraps the Django WSGI application; see the module's docstring.

    Each process also keeps the answers it served last (RESPONSE_CACHE_LOCAL_ENTRIES) and the domains of
    the documents it met: an answer's key carries the current versions, which are still read from the
    shared cache on every request, so a copy here is exactly as fresh as the shared one, and a hit costs
    one round trip (the versions) instead of two."""

    def __init__(self, application: Callable, path: str = "/graphql/"):
        self.application = application
        self.path = path
        self.domains_seen: set[str] = set()
        self.recent_answers = Recent(settings.RESPONSE_CACHE_LOCAL_ENTRIES)
        self.recent_domains = Recent(4 * settings.RESPONSE_CACHE_LOCAL_ENTRIES)

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") != self.path
            or not settings.RESPONSE_CACHE_ENABLED
            or environ.get("HTTP_AUTHORIZATION", "").strip()
        ):
            return self.application(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "POST":
            if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
                return self.application(environ, start_response)
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return self.application(environ, start_response)
            if not 0 < length <= MAX_BODY:
                return self.application(environ, start_response)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)  # Django reads it again when it answers
            environ["meidu.body"] = body
        elif method != "GET":
            return self.application(environ, start_response)
        try:
            answered = self._answer(method, environ, start_response)
        except Exception:  # a cache that is down: Django answers (and meets the same trouble)
            logger.warning("The GraphQL cache layer could not answer", exc_info=True)
            answered = None
        if answered is not None:
            return answered
        return self._through(environ, start_response)

    def _answer(self, method: str, environ, start_response) -> list[bytes] | None:
        operation = _operation(method, environ)
        if operation is None:
            return None
        sha, operation_name, variables = operation
        meta = response_cache.meta_key(sha, operation_name)
        domains = self.recent_domains.get(meta)
        if domains is None:
            found = cache.get_many([meta, *(VERSION_PREFIX + name for name in self.domains_seen)])
            domains = found.get(meta)
            if domains is None:
                return None
            self.recent_domains.put(meta, domains, settings.PERSISTED_QUERY_TIMEOUT)
            domains = response_cache.request_domains(domains, variables)
        else:
            domains = response_cache.request_domains(domains, variables)
            found = cache.get_many([VERSION_PREFIX + name for name in domains]) if domains else {}
        unseen = [name for name in domains if name not in self.domains_seen]
        if unseen:
            self.domains_seen.update(unseen)
            found.update(cache.get_many([VERSION_PREFIX + name for name in unseen]))
        versions = versions_from(found, domains)
        if versions is None:
            return None  # a version not started yet: Django starts it
        key = response_cache.entry_key(
            sha,
            operation_name,
            response_cache.canonical_variables(variables),
            request_language(environ),
            request_origin(environ),
            versions,
        )
        etag = response_cache.etag_of(key)
        fresh = [
            ("ETag", etag),
            ("Cache-Control", response_cache.public_cache_control()),
            ("Vary", ", ".join(response_cache.VARY)),
        ]
        if response_cache.etag_matches(environ.get("HTTP_IF_NONE_MATCH", ""), etag):
            start_response("304 Not Modified", fresh)
            return []
        entry = self.recent_answers.get(key)
        if entry is None:
            entry = response_cache.entry_get(key)
            if entry is None or entry.headers is None:
                return None
            self.recent_answers.put(key, entry, response_cache.entry_timeout(domains))
        headers = [*entry.headers, *fresh, ("Content-Length", str(len(entry.body)))]
        start_response("200 OK", headers)
        return [entry.body]

    def _through(self, environ, start_response) -> Iterable[bytes]:
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.application(environ, capture)
        stored = getattr(result, "meidu_cache_entry", None)
        if stored and seen.get("status", "").startswith("200"):
            key, timeout = stored
            headers = tuple(
                (name, value)
                for name, value in seen["headers"]
                if name.lower() not in _NOT_REPLAYED and name.lower() != "vary"
            )
            response_cache.entry_set(key, response_cache.Entry(result.content, headers), timeout)
        return result
