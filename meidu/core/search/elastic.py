"""The Elasticsearch backend, through elasticsearch-dsl, with stock features only.

No Chinese analyzer plugin is assumed: documents carry the lexemes analysed in Python as ``keyword``
arrays (``name_terms`` A, ``secondary_terms`` B, ``body_terms`` C, ``suggest_keys``), so the mapping
needs no analyzer at all and a term means the same on both backends. Queries are built here as plain
dicts (tested as such): each query term is a ``bool.should`` of ``term`` queries boosted by field
weight, all terms ``must``. Where a document is public (``channels``, and ``schedule``: publications set
for a later time, per channel, as nested objects) is part of the document, so a search page is one
request that ES filters, counts (``track_total_hits``) and pages (``search_after`` on score then ``pk``)
itself. Its RANK is the float32 score's bit pattern read as an integer: ordered like the score (scores
are never negative) and exact, so a cursor gives ES back the very score to search after.
Indexes are ``<prefix>-<index>-<timestamp>`` behind the alias ``<prefix>-<index>``; ``reindex`` fills a
new index and swaps the alias atomically (zero downtime).
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import BigIntegerField, F, QuerySet, Value

from meidu.core.search.analysis import PREFIX_MIN_CHARS, AnalyzedDocument, ParsedQuery, QueryTerm, suggestion_prefixes
from meidu.core.search.postgres import RankOf
from meidu.core.search.spec import FILL, RANK, STRICT, SUGGESTIONS_MAX, IndexSpec, SearchPage, SearchUnavailable

FIELD_BOOSTS = {"name_terms": 4.0, "secondary_terms": 2.0, "body_terms": 1.0}
# Hits per request when every match's id is read (narrow: the domain's own filters then apply to all).
ID_BATCH = 5000


def alias_name(spec_name: str) -> str:
    prefix = getattr(settings, "SEARCH_INDEX_PREFIX", "meidu")
    return f"{prefix}-{spec_name}"


def mappings() -> dict:
    """Keyword fields only: the lexemes are already analysed."""
    return {
        "dynamic": "false",
        "properties": {
            "name_terms": {"type": "keyword"},
            "secondary_terms": {"type": "keyword"},
            "body_terms": {"type": "keyword"},
            "suggest_keys": {"type": "keyword"},
            "label": {"type": "keyword", "index": False},
            "filters": {"type": "object", "dynamic": "true"},
            "pk": {"type": "long"},
            "channels": {"type": "integer"},
            "schedule": {"type": "nested", "properties": {"channel": {"type": "integer"}, "at": {"type": "date"}}},
        },
    }


def index_template(spec_name: str) -> dict:
    """The composable index template every generation of ``spec_name``'s index is created from."""
    alias = alias_name(spec_name)
    return {
        "index_patterns": [f"{alias}-*"],
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s"},
            "mappings": {
                **mappings(),
                "dynamic_templates": [
                    {
                        "filter_strings": {
                            "path_match": "filters.*",
                            "match_mapping_type": "string",
                            "mapping": {"type": "keyword"},
                        }
                    },
                ],
            },
        },
        "priority": 100,
        "_meta": {"description": f"Meidu search index {spec_name} (lexemes analysed in Python)"},
    }


def document_body(doc: AnalyzedDocument) -> dict:
    return {
        "name_terms": doc.lexemes.get("A", []),
        "secondary_terms": doc.lexemes.get("B", []),
        "body_terms": doc.lexemes.get("C", []),
        "suggest_keys": doc.suggest_keys,
        "label": doc.label,
        "filters": doc.filters,
        "pk": doc.id,
        "channels": list(doc.channels),
        "schedule": [{"channel": channel, "at": at} for channel, at in doc.scheduled],
    }


def rank_of_score(score: float) -> int:
    """RANK of an Elasticsearch score: its float32 bits as an integer (same order, exact round trip)."""
    return int(struct.unpack("<i", struct.pack("<f", max(float(score), 0.0)))[0])


def score_of_rank(rank: int) -> float:
    return float(struct.unpack("<f", struct.pack("<i", int(rank)))[0])


def visible_in(channel: int) -> dict:
    """Public in ``channel`` now: listed there, or scheduled there from a time that has come."""
    scheduled = {
        "nested": {
            "path": "schedule",
            "query": {
                "bool": {
                    "filter": [{"term": {"schedule.channel": channel}}, {"range": {"schedule.at": {"lte": "now"}}}]
                }
            },
        }
    }
    return {"bool": {"should": [{"term": {"channels": channel}}, scheduled], "minimum_should_match": 1}}


def _lexeme_clauses(lexeme: str, *, prefix: bool = False) -> list[dict]:
    kind = "prefix" if prefix else "term"
    return [{kind: {field: {"value": lexeme, "boost": boost}}} for field, boost in FIELD_BOOSTS.items()]


def term_clause(term: QueryTerm) -> dict:
    should: list[dict] = []
    for alt in term.alternatives:
        should.extend(_lexeme_clauses(alt))
        if term.prefix and alt == term.text and len(alt) >= PREFIX_MIN_CHARS:
            should.extend(_lexeme_clauses(alt, prefix=True))
    if term.chars:
        should.append({"bool": {"must": [{"bool": {"should": _lexeme_clauses(c)}} for c in term.chars]}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _any(lexemes) -> dict:
    return {"bool": {"should": [c for lex in lexemes for c in _lexeme_clauses(lex)], "minimum_should_match": 1}}


def strict_clause(query: ParsedQuery) -> dict:
    return {"bool": {"must": [term_clause(t) for t in query.terms]}}


def query_body(query: ParsedQuery, *, level: str = STRICT, size: int = ID_BATCH) -> dict:
    """The search request for ``query`` at ``level`` (as postgres.tsquery_text): STRICT every term
    must match; FILL / ALL any word / word or character must, scored by all the query's lexemes, with
    the strict match and the head (last) term as boosted shoulds (strict matches first)."""
    if level == STRICT:
        bool_query: dict = {"must": [strict_clause(query)]}
    else:
        lexemes = query.fill_lexemes() if level == FILL else query.all_lexemes()
        should: list[dict] = [
            _any(query.all_lexemes()),
            {"constant_score": {"filter": strict_clause(query), "boost": 1000}},
        ]
        if len(query.terms) > 1:
            should.append({"constant_score": {"filter": term_clause(query.terms[-1]), "boost": 100}})
        bool_query = {
            "filter": [{"bool": {"should": [strict_clause(query), _any(lexemes)], "minimum_should_match": 1}}],
            "should": should,
        }
    return {
        "query": {"bool": bool_query},
        "size": size,
        "_source": False,
        "track_total_hits": False,
        "track_scores": True,
        "sort": [{"_score": "desc"}, {"pk": "asc"}],
    }


def page_body(
    query: ParsedQuery,
    *,
    channel: int,
    size: int,
    level: str = STRICT,
    include_ids: Sequence[int] = (),
    after: tuple[int, int] | None = None,
    descending: bool = True,
) -> dict:
    """One page of a search (see ElasticsearchBackend.page): the level's query, or any of
    ``include_ids`` (scored 0), filtered to documents public in ``channel``; every match counted;
    sorted by score then pk, after the cursor's (score, pk)."""
    matched = query_body(query, level=level)["query"] if not query.empty else {"match_none": {}}
    if include_ids:
        listed = {"constant_score": {"filter": {"terms": {"pk": [int(pk) for pk in include_ids]}}, "boost": 0}}
        matched = {"bool": {"should": [matched, listed], "minimum_should_match": 1}}
    body: dict = {
        "query": {"bool": {"must": [matched], "filter": [visible_in(channel)]}},
        "size": size,
        "_source": False,
        "track_total_hits": True,
        "track_scores": True,
        "sort": [{"_score": "desc" if descending else "asc"}, {"pk": "asc"}],
    }
    if after is not None:
        body["search_after"] = [score_of_rank(after[0]), int(after[1])]
    return body


def suggest_body(text: str, limit: int = SUGGESTIONS_MAX) -> dict:
    prefixes = suggestion_prefixes(text)
    return {
        "query": {
            "bool": {
                "should": [{"prefix": {"suggest_keys": {"value": p}}} for p in prefixes],
                "minimum_should_match": 1,
            }
        },
        "size": limit * 3,
        "_source": ["label"],
    }


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, timeout: float = 2.0):
        self.url = url
        self.timeout = timeout
        self._client: Any = None

    @classmethod
    def from_settings(cls) -> ElasticsearchBackend:
        return cls(
            getattr(settings, "ELASTICSEARCH_URL", "") or "",
            float(getattr(settings, "SEARCH_ELASTICSEARCH_TIMEOUT", 2.0)),
        )

    def client(self) -> Any:
        if not self.url:
            raise SearchUnavailable("ELASTICSEARCH_URL is not set.")
        if self._client is None:
            from elasticsearch_dsl import connections

            self._client = connections.create_connection(
                alias=f"meidu-{self.url}", hosts=[self.url], request_timeout=self.timeout
            )
        return self._client

    def _call(self, fn: Callable[[], Any]) -> Any:
        from elasticsearch import ApiError, TransportError

        try:
            return fn()
        except (TransportError, ApiError, OSError) as exc:
            raise SearchUnavailable(f"Elasticsearch did not answer: {exc.__class__.__name__}") from exc

    def ensure_template(self, spec: IndexSpec) -> None:
        body = index_template(spec.name)
        self._call(lambda: self.client().indices.put_index_template(name=alias_name(spec.name), **body))

    def _new_index(self, spec: IndexSpec) -> str:
        self.ensure_template(spec)
        name = f"{alias_name(spec.name)}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 100000}"
        self._call(lambda: self.client().indices.create(index=name))
        return name

    def _bulk(self, index: str, docs: Sequence[AnalyzedDocument]) -> int:
        from elasticsearch.helpers import bulk

        actions = ({"_index": index, "_id": str(d.id), "_source": document_body(d)} for d in docs)
        written, _ = self._call(lambda: bulk(self.client(), actions, refresh=False))
        return int(written)

    def _alias_ready(self, spec: IndexSpec) -> str:
        alias = alias_name(spec.name)
        if not self._call(lambda: self.client().indices.exists_alias(name=alias)):
            index = self._new_index(spec)
            self._call(lambda: self.client().indices.put_alias(index=index, name=alias))
        return alias

    def index(self, spec: IndexSpec, docs: Sequence[AnalyzedDocument], versions: dict[int, int] | None = None) -> int:
        if not docs:
            return 0
        return self._bulk(self._alias_ready(spec), docs)

    def delete(self, spec: IndexSpec, ids: Iterable[int]) -> int:
        from elasticsearch.helpers import bulk

        alias = self._alias_ready(spec)
        actions = [{"_op_type": "delete", "_index": alias, "_id": str(i)} for i in ids]
        written, _ = self._call(lambda: bulk(self.client(), actions, raise_on_error=False))
        return int(written)

    def refresh(self, spec: IndexSpec) -> None:
        self._call(lambda: self.client().indices.refresh(index=alias_name(spec.name)))

    def _search(self, spec: IndexSpec, body: dict) -> Any:
        from elasticsearch_dsl import Search

        search = Search(using=self.client(), index=alias_name(spec.name)).update_from_dict(body)
        return self._call(search.execute)

    def hits(self, spec: IndexSpec, query: ParsedQuery, *, level: str = STRICT) -> list[tuple[int, int]]:
        """(id, RANK) of every match, best first: read in batches of ID_BATCH with ``search_after``,
        never cut at some first slice (the domain's filters, counts and facets see all of them)."""
        if query.empty:
            return []
        found: list[tuple[int, int]] = []
        body = query_body(query, level=level)
        while True:
            response = self._search(spec, body)
            batch = [(int(hit.meta.id), rank_of_score(hit.meta.sort[0])) for hit in response]
            found.extend(batch)
            if len(batch) < ID_BATCH:
                return found
            body = {**body, "search_after": list(response.hits[-1].meta.sort)}

    def narrow(
        self,
        spec: IndexSpec,
        queryset: QuerySet,
        query: ParsedQuery,
        *,
        level: str = STRICT,
        include_ids: Sequence[int] = (),
    ) -> QuerySet:
        hits = self.hits(spec, query, level=level)
        found = {pk for pk, _ in hits}
        hits += [(pk, 0) for pk in include_ids if pk not in found]
        if not hits:
            return queryset.none().annotate(**{RANK: Value(0, output_field=BigIntegerField())})
        # Ranks as two array parameters: every hit may be thousands (no CASE of one WHEN each).
        return queryset.filter(pk__in=[pk for pk, _ in hits]).annotate(**{RANK: RankOf(F("pk"), hits)})

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
        """One request: ES filters to ``channel``, counts every match and returns the page."""
        if query.empty and not include_ids:
            return SearchPage(hits=[], total=0)
        body = page_body(
            query,
            channel=channel,
            size=size,
            level=level,
            include_ids=include_ids,
            after=after,
            descending=descending,
        )
        response = self._search(spec, body)
        hits = [(int(hit.meta.id), rank_of_score(hit.meta.sort[0])) for hit in response]
        return SearchPage(hits=hits, total=int(response.hits.total.value))

    def suggest(self, spec: IndexSpec, text: str, visible: QuerySet, limit: int = SUGGESTIONS_MAX) -> list[str]:
        from elasticsearch_dsl import Search

        if not suggestion_prefixes(text):
            return []
        search = Search(using=self.client(), index=alias_name(spec.name)).update_from_dict(suggest_body(text, limit))
        response = self._call(search.execute)
        ids = [int(hit.meta.id) for hit in response]
        shown = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
        labels: dict[str, None] = {}
        for hit in response:
            if int(hit.meta.id) in shown:
                labels.setdefault(hit.label, None)
        return list(labels)[:limit]

    def reindex(
        self,
        spec: IndexSpec,
        batches: Iterable[tuple[Sequence[AnalyzedDocument], dict[int, int]]],
        progress: Callable[[int], Any] | None = None,
    ) -> int:
        """Fill a new index, then point the alias at it and drop the old ones in one alias update."""
        alias = alias_name(spec.name)
        index = self._new_index(spec)
        total = 0
        for batch, _versions in batches:
            total += self._bulk(index, batch)
            if progress is not None:
                progress(len(batch))
        self._call(lambda: self.client().indices.refresh(index=index))
        client = self.client()
        old = (
            list(self._call(lambda: client.indices.get_alias(name=alias)).keys())
            if self._call(lambda: client.indices.exists_alias(name=alias))
            else []
        )
        actions: list[dict] = [{"remove": {"index": name, "alias": alias}} for name in old]
        actions.append({"add": {"index": index, "alias": alias}})
        self._call(lambda: client.indices.update_aliases(actions=actions))
        for name in old:
            self._call(partial(client.indices.delete, index=name))
        return total
