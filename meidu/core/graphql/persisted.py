"""Automatic persisted queries, Apollo's protocol: a client sends ``extensions.persistedQuery``
``{version: 1, sha256Hash}`` without the document; an unknown hash is answered with the error
``PersistedQueryNotFound`` (``extensions.code`` PERSISTED_QUERY_NOT_FOUND), the client sends again
with the document, and the server keeps it under its hash. A GET of a short URL then names the
query, which a CDN and the response cache (``response_cache``) can key on.

Documents live in the Django cache (Redis when REDIS_URL is set, process memory otherwise); a
document longer than PERSISTED_QUERY_MAX_LENGTH is executed but not kept, so the cache stays
bounded by entry size, and every entry expires after PERSISTED_QUERY_TIMEOUT.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

KEY_PREFIX = "apq:"
_HASH = re.compile(r"^[0-9a-f]{64}$")


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run: its code (Apollo's where Apollo has one) and HTTP status."""

    def __init__(self, message: str, code: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def as_error(self) -> dict:
        # Apollo clients read extensions.code; our clients read extensions.exception.code.
        return {"message": self.message, "extensions": {"code": self.code, "exception": {"code": self.code}}}


def document_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def requested_hash(extensions) -> str | None:
    """The sha256Hash of ``extensions.persistedQuery``, None without one; refuses a bad shape."""
    if extensions is None:
        return None
    if not isinstance(extensions, dict):
        raise PersistedQueryError(_("`extensions` must be an object"), "INVALID_REQUEST")
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError(
            _("Only version 1 of persisted queries is supported"), "PERSISTED_QUERY_NOT_SUPPORTED"
        )
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not _HASH.match(sha.lower()):
        raise PersistedQueryError(
            _("`sha256Hash` must be the 64 hexadecimal digits of the query's SHA-256"), "PERSISTED_QUERY_INVALID_HASH"
        )
    return sha.lower()


def persisted_document(sha: str, query: str | None) -> str:
    """The document of a persisted-query request: the one sent (checked against its hash, then kept),
    or the one kept under the hash. Raises PersistedQueryError for a mismatch or an unknown hash."""
    key = KEY_PREFIX + sha
    if query is not None:
        if document_hash(query) != sha:
            raise PersistedQueryError(_("provided sha does not match query"), "PERSISTED_QUERY_HASH_MISMATCH")
        if len(query) <= settings.PERSISTED_QUERY_MAX_LENGTH:
            cache.set(key, query, timeout=settings.PERSISTED_QUERY_TIMEOUT)
        return query
    found = cache.get(key)
    if found is None:
        # Apollo's exact message: clients compare it (and the code) to decide to send the document.
        raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", status=200)
    return found
