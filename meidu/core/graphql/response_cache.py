"""The response cache of anonymous GraphQL reads: which documents may be cached, under which key,
and the headers of their answers.

A document is cacheable when it is a query whose every root field is listed in the schema's
``cacheable_roots`` (meidu/schema.py: root field name -> the data domains it shows), asked with no
user and no App token (the endpoint authenticates from ``Authorization`` alone; session cookies are
ignored there). Its domains are the union of its root fields' domains, plus STOCK only when it
selects a stock count (``quantityAvailable``...) or filters by stock (``inStock``), in the document
or in its variables: a sale that moves stock then leaves the cached catalogue pages alone.

The key of an answer is the document's SHA-256, the operation name, the variables as canonical JSON,
the language the schema resolves with and the scheme and host asked (media URLs are absolute),
followed by the current versions of its domains (meidu.core.cache_versions): a write bumps a
version, and the next read builds another key.
Changes that no write makes (a listing scheduled to become purchasable at a time, a checkout's
reservation running out) show once the entry expires, after RESPONSE_CACHE_TIMEOUT seconds
(RESPONSE_CACHE_STOCK_TIMEOUT for answers that show stock counts).

The entry holds the body and, once the WSGI layer (``fast_path``) has seen the answer through the
middleware, the final headers: with them, a later hit is answered before Django is entered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from graphql.language import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ObjectFieldNode,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    visit,
)

from meidu.core.cache_versions import STOCK

ENTRY_PREFIX = "gql-answer:"
META_PREFIX = "gql-domains:"

# Selected fields that show stock counts, and argument fields that filter by them.
STOCK_FIELDS = frozenset({"quantityAvailable", "stocks", "quantityAllocated"})
STOCK_ARGUMENTS = frozenset({"inStock"})


@dataclass(frozen=True)
class Entry:
    """A cached answer: its body, and the headers it left the middleware with (None until known)."""

    body: bytes
    headers: tuple[tuple[str, str], ...] | None = None


class _NamesVisitor(Visitor):
    def __init__(self):
        super().__init__()
        self.fields: set[str] = set()
        self.arguments: set[str] = set()

    def enter_field(self, node: FieldNode, *_args):
        self.fields.add(node.name.value)
        for argument in node.arguments or ():
            self.arguments.add(argument.name.value)

    def enter_object_field(self, node: ObjectFieldNode, *_args):
        self.arguments.add(node.name.value)


def _root_fields(selection_set, fragments) -> list[str] | None:
    names: list[str] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.append(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            inner = _root_fields(selection.selection_set, fragments)
            if inner is None:
                return None
            names.extend(inner)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None:
                return None
            inner = _root_fields(fragment.selection_set, fragments)
            if inner is None:
                return None
            names.extend(inner)
    return names


def document_domains(document, operation: OperationDefinitionNode, roots: Mapping[str, Iterable[str]]):
    """The domains a cacheable ``operation`` shows (a sorted tuple), or None when it may not be cached."""
    if operation.operation is not OperationType.QUERY:
        return None
    fragments = {d.name.value: d for d in document.definitions if not isinstance(d, OperationDefinitionNode)}
    names = _root_fields(operation.selection_set, fragments)
    if not names:
        return None
    domains: set[str] = set()
    for name in names:
        if name == "__typename":
            continue
        if name not in roots:
            return None
        domains.update(roots[name])
    visitor = _NamesVisitor()
    visit(operation, visitor)
    for fragment in fragments.values():  # a fragment not spread adds nothing but is cheap to count
        visit(fragment, visitor)
    if visitor.fields & STOCK_FIELDS or visitor.arguments & STOCK_ARGUMENTS:
        domains.add(STOCK)
    return tuple(sorted(domains))


def _keys_of(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            _keys_of(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _keys_of(inner, found)


def request_domains(domains: Iterable[str], variables: dict) -> tuple[str, ...]:
    """The document's domains, with STOCK when its variables filter by stock (``where: $where``)."""
    names: set[str] = set()
    _keys_of(variables, names)
    if names & STOCK_ARGUMENTS:
        return tuple(sorted({*domains, STOCK}))
    return tuple(domains)


def canonical_variables(variables: dict) -> str:
    return json.dumps(variables, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def meta_key(sha: str, operation_name: str | None) -> str:
    return f"{META_PREFIX}{sha}:{operation_name or ''}"


def entry_key(
    sha: str, operation_name: str | None, variables_json: str, language: str, origin: str, versions: str
) -> str:
    """``origin`` is the scheme and host the request came to: answers hold absolute media URLs."""
    parts = f"{sha}\0{operation_name or ''}\0{variables_json}\0{language}\0{origin}"
    return f"{ENTRY_PREFIX}{hashlib.sha256(parts.encode()).hexdigest()[:40]}:{versions}"


def etag_of(key: str) -> str:
    """The ETag of the answer stored under ``key``: the key names the data the answer shows."""
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return etag in tags or "*" in tags


def public_cache_control() -> str:
    return (
        f"public, max-age={settings.RESPONSE_CACHE_MAX_AGE}, "
        f"stale-while-revalidate={settings.RESPONSE_CACHE_STALE_WHILE_REVALIDATE}"
    )


PRIVATE_CACHE_CONTROL = "private, no-store"
# The answer depends on the credential, and on the language (the header, or Django's language cookie).
VARY = ("Authorization", "Accept-Language", "Cookie")


def remember_domains(sha: str, operation_name: str | None, domains: tuple[str, ...]) -> None:
    """Note a cacheable document's domains under its hash, for the WSGI layer that has no parser."""
    cache.set(meta_key(sha, operation_name), domains, timeout=settings.PERSISTED_QUERY_TIMEOUT)


def entry_get(key: str) -> Entry | None:
    found = cache.get(key)
    return found if isinstance(found, Entry) else None


def entry_timeout(domains: Iterable[str]) -> int:
    """Seconds an answer showing ``domains`` stays: shorter with stock counts (reservations expire
    by the clock, with no write to bump a version)."""
    if STOCK in domains:
        return min(settings.RESPONSE_CACHE_STOCK_TIMEOUT, settings.RESPONSE_CACHE_TIMEOUT)
    return settings.RESPONSE_CACHE_TIMEOUT


def entry_set(key: str, entry: Entry, timeout: int) -> None:
    if len(entry.body) <= settings.RESPONSE_CACHE_MAX_BYTES:
        cache.set(key, entry, timeout=timeout)
