"""The one search interface the domains call, and the choice of backend.

Every index is described by an ``IndexSpec`` (its name, its PostgreSQL document and suggestion
tables, and the relation from the domain's model to its document). A backend can

* ``index(spec, docs)`` / ``delete(spec, ids)`` — write analysed documents;
* ``narrow(spec, queryset, query)`` — restrict a domain queryset to the objects matching a parsed
  query and annotate ``search_rank`` (higher is better). The domain's own filters, visibility,
  facets, sorting and keyset pagination stay on that queryset, so ``where``/``filter`` combine with
  search the same way on both backends;
* ``page(spec, query, channel=, size=, ...)`` — one page of the documents public in a channel (the
  document holds its channels: ChannelVisibilityBase) in rank order after a keyset cursor, and the exact
  count of every match, from the index alone: what a plain search (no other filter) is answered with;
* ``suggest(spec, text, visible, limit)`` — labels for the search box, from a query of their own;
* ``reindex(spec, batches)`` — rebuild the whole index (Elasticsearch: a new index behind the alias).

PostgreSQL documents are always kept (they are the index of record and the fallback); Elasticsearch
is used for queries when ``SEARCH_BACKEND`` says so, or when it is unset and ``ELASTICSEARCH_URL`` is.
An Elasticsearch outage raises ``SearchUnavailable`` (the API and pages map it to a code), or falls
back to PostgreSQL when ``SEARCH_FALLBACK_TO_POSTGRES`` is on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet

from meidu.core.search.analysis import AnalyzedDocument, ParsedQuery
from meidu.core.search.elastic import ElasticsearchBackend
from meidu.core.search.postgres import PostgresBackend
from meidu.core.search.spec import STRICT, SUGGESTIONS_MAX, IndexSpec, SearchPage, SearchUnavailable

logger = logging.getLogger("meidu.search")


class SearchBackend(Protocol):
    name: str

    def index(self, spec: IndexSpec, docs: Sequence[AnalyzedDocument], versions: dict[int, int] | None = None) -> int:
        """Write ``docs``; returns how many were written."""
        ...

    def delete(self, spec: IndexSpec, ids: Iterable[int]) -> int: ...

    def narrow(
        self,
        spec: IndexSpec,
        queryset: QuerySet,
        query: ParsedQuery,
        *,
        level: str = STRICT,
        include_ids: Sequence[int] = (),
    ) -> QuerySet:
        """``queryset`` restricted to matches of ``query`` at ``level`` (spec.STRICT, FILL, CHARS) and to
        ``include_ids`` (objects the domain matched itself, e.g. while their document waits for its
        rebuild), annotated with RANK (an integer, higher is better)."""
        ...

    def page(
        self,
        spec: IndexSpec,
        query: ParsedQuery,
        *,
        channel: int,
        size: int,
        level: str = STRICT,
        include_ids: Sequence[int] = (),
        after: tuple[int, int] | None = None,
        descending: bool = True,
    ) -> SearchPage:
        """Up to ``size`` (id, RANK) of the documents public in ``channel`` matching ``query`` at ``level``
        (or in ``include_ids``, ranked 0), ordered by RANK (``descending``) then id, after the keyset
        ``after`` = (RANK, id); with the number of every match."""
        ...

    def suggest(self, spec: IndexSpec, text: str, visible: QuerySet, limit: int = SUGGESTIONS_MAX) -> list[str]: ...

    def reindex(
        self,
        spec: IndexSpec,
        batches: Iterable[tuple[Sequence[AnalyzedDocument], dict[int, int]]],
        progress: Callable[[int], Any] | None = None,
    ) -> int: ...


def configured_backend_name() -> str:
    name = getattr(settings, "SEARCH_BACKEND", "") or ""
    if name:
        return name
    return "elasticsearch" if getattr(settings, "ELASTICSEARCH_URL", "") else "postgres"


def backend_by_name(name: str) -> SearchBackend:
    if name == "postgres":
        return PostgresBackend()
    if name == "elasticsearch":
        return ElasticsearchBackend.from_settings()
    raise ValueError(f"Unknown search backend {name!r} (postgres or elasticsearch).")


class FallbackBackend:
    """Queries Elasticsearch; on an outage answers from PostgreSQL (SEARCH_FALLBACK_TO_POSTGRES)."""

    def __init__(self, primary: SearchBackend, fallback: SearchBackend):
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def index(self, spec, docs, versions=None):
        return self.primary.index(spec, docs, versions)

    def delete(self, spec, ids):
        return self.primary.delete(spec, ids)

    def reindex(self, spec, batches, progress=None):
        return self.primary.reindex(spec, batches, progress)

    def narrow(self, spec, queryset, query, *, level=STRICT, include_ids=()):
        try:
            return self.primary.narrow(spec, queryset, query, level=level, include_ids=include_ids)
        except SearchUnavailable:
            logger.warning("search backend %s unavailable: answering from %s", self.primary.name, self.fallback.name)
            return self.fallback.narrow(spec, queryset, query, level=level, include_ids=include_ids)

    def page(self, spec, query, **kwargs):
        try:
            return self.primary.page(spec, query, **kwargs)
        except SearchUnavailable:
            logger.warning("search backend %s unavailable: answering from %s", self.primary.name, self.fallback.name)
            return self.fallback.page(spec, query, **kwargs)

    def suggest(self, spec, text, visible, limit=SUGGESTIONS_MAX):
        try:
            return self.primary.suggest(spec, text, visible, limit)
        except SearchUnavailable:
            return self.fallback.suggest(spec, text, visible, limit)


def search_backend(name: str | None = None) -> SearchBackend:
    """The backend that answers queries (``name`` overrides the settings)."""
    name = name or configured_backend_name()
    backend = backend_by_name(name)
    if name != "postgres" and getattr(settings, "SEARCH_FALLBACK_TO_POSTGRES", False):
        return FallbackBackend(backend, backend_by_name("postgres"))
    return backend


def index_backends() -> list[SearchBackend]:
    """Every backend a changed document is written to: PostgreSQL always, Elasticsearch when configured."""
    backends = [backend_by_name("postgres")]
    if configured_backend_name() == "elasticsearch":
        backends.append(backend_by_name("elasticsearch"))
    return backends
