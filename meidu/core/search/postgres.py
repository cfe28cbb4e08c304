"""The PostgreSQL backend: core full-text search on lexemes analysed in Python.

Documents are written with ``array_to_tsvector`` (the lexemes exactly as analysed, so PostgreSQL's
text parser, which may not know CJK under the server's locale, never splits them) and ``setweight``
per field. Queries are tsquery literals built here from the parsed terms (each lexeme quoted, so no
user syntax reaches ``::tsquery``), matched with ``@@`` on the GIN index and ranked by ``ts_rank``.
Suggestions are a b-tree prefix range (collation C: key >= 'ngl' AND key < 'ngm') on their own table.
No contrib extension is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.postgres.search import SearchQueryField
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Now

from meidu.core.search.analysis import WEIGHTS, AnalyzedDocument, ParsedQuery, suggestion_prefixes
from meidu.core.search.postings import (
    posting_keys,
    postings_clear,
    postings_delete,
    postings_enabled,
    postings_page,
    postings_refresh,
    postings_terms_rebuild,
)
from meidu.core.search.spec import (
    HEAD,
    RANK,
    RANK_SCALE,
    RANKING,
    STRICT,
    SUGGESTIONS_MAX,
    IndexSpec,
    SearchPage,
)
from meidu.core.search.tsquery import quote_lexeme, term_tsquery, tsquery_text

__all__ = ["PostgresBackend", "quote_lexeme", "term_tsquery", "tsquery_text", "tsvector_literal", "visible_in"]

# Candidates read for suggestions before de-duplicating labels (a b-tree range, so cheap).
SUGGESTION_CANDIDATES = 60


def tsvector_literal(lexemes: dict[str, list[str]]) -> str:
    """A tsvector typed in: every lexeme quoted, with a position and its field's weight (A name, B
    shop/category/origin, C description). Positions carry the weights ts_rank reads; PostgreSQL's text
    parser is never involved."""
    parts = []
    position = 0
    for weight in WEIGHTS:
        for lexeme in lexemes.get(weight, []):
            position = min(position + 1, MAX_POSITION)
            parts.append(f"{quote_lexeme(lexeme)}:{position}{weight}")
    return " ".join(parts)


class TsMatch(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class TsRank(Func):
    function = "ts_rank"
    output_field = FloatField()


class ScheduledIn(Func):
    """Whether a document's publication scheduled in a channel has come: some i with
    ``scheduled_channels[i] = channel`` and ``scheduled_at[i]`` past (ChannelVisibilityBase). The statement's
    time, not the transaction's: a listing published "now" in a long transaction is public at once."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        channels, times, channel = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            f"EXISTS (SELECT 1 FROM unnest({channels[0]}, {times[0]}) AS scheduled(channel, at)"
            f" WHERE scheduled.channel = {channel[0]} AND scheduled.at <= statement_timestamp())"
        )
        return sql, (*channels[1], *times[1], *channel[1])


class RankOf(Func):
    """The RANK of a row from a page of hits already ranked by the index: ``ranks[position of pk in
    ids]`` as two array parameters (a CASE of one WHEN per hit costs more to build than the query)."""

    output_field = BigIntegerField()

    def __init__(self, pk, hits: Sequence[tuple[int, int]]):
        super().__init__(pk)
        self.ids = [int(pk) for pk, _rank in hits]
        self.ranks = [int(rank) for _pk, rank in hits]

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        pk_sql, pk_params = compiler.compile(self.get_source_expressions()[0])
        sql = f"(%s::bigint[])[array_position(%s::bigint[], ({pk_sql})::bigint)]"
        return sql, (self.ranks, self.ids, *pk_params)


def visible_in(channel_id: int, relation: str = "") -> Q:
    """Documents public in ``channel_id`` now (ChannelVisibilityBase): listed there, or scheduled there
    from a time that has come (``publish_due``, their earliest, guards the per-channel check).
    ``relation``: the path from the queried model to its document (``search_document__``), or none."""
    return Q(**{f"{relation}channels__contains": [channel_id]}) | (
        Q(**{f"{relation}publish_due__lte": Now()})
        & Q(
            ScheduledIn(
                F(f"{relation}scheduled_channels"),
                F(f"{relation}scheduled_at"),
                Value(int(channel_id)),
            )
        )
    )


def tsquery_value(text: str) -> Cast:
    return Cast(Value(text), output_field=SearchQueryField())


MAX_POSITION = 16383
# Added to a relaxed result's relevance (ts_rank stays well below these).
STRICT_BONUS = 100.0
HEAD_BONUS = 10.0


def prefix_end(prefix: str) -> str:
    """The first string after every string starting with ``prefix`` (in code point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def rank_expression(vector: F, query: ParsedQuery, level: str, text: str) -> Any:
    """RANK of a document (an integer, higher is better): ts_rank of the level's tsquery; a relaxed
    level puts strict matches first, then those holding the head term, then by how much of the query
    a document holds."""
    if not text:
        return Value(0, output_field=BigIntegerField())
    if level == STRICT:
        return Cast(TsRank(vector, tsquery_value(text)) * RANK_SCALE, output_field=BigIntegerField())

    def bonus(part: str, points: float) -> Case:
        matched = TsMatch(vector, tsquery_value(tsquery_text(query, part)))
        return Case(When(matched, then=Value(points)), default=Value(0.0), output_field=FloatField())

    relevance = TsRank(vector, tsquery_value(tsquery_text(query, RANKING)))
    return Cast(
        (relevance + bonus(STRICT, STRICT_BONUS) + (bonus(HEAD, HEAD_BONUS) if len(query.terms) > 1 else 0))
        * RANK_SCALE,
        output_field=BigIntegerField(),
    )


class PostgresBackend:
    name = "postgres"

    def index(self, spec: IndexSpec, docs: Sequence[AnalyzedDocument], versions: dict[int, int] | None = None) -> int:
        """Upsert documents and their suggestion keys. A document stays dirty when its ``version``
        moved since the caller read it (``versions``: id → version read), so a change that raced the
        rebuild is rebuilt again."""
        if not docs:
            return 0
        versions = versions or {}
        model = spec.document_model
        table = model._meta.db_table
        pk = model._meta.pk.column
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({pk}, vector, dirty, version, indexed_at)"
                " VALUES (%s, %s::tsvector, false, %s, now())"
                f" ON CONFLICT ({pk}) DO UPDATE SET vector = EXCLUDED.vector, indexed_at = now(),"
                f" dirty = ({table}.version <> %s)",
                [
                    [doc.id, tsvector_literal(doc.lexemes), versions.get(doc.id, 0), versions.get(doc.id, 0)]
                    for doc in docs
                ],
            )
            suggestion = spec.suggestion_model
            ids = [d.id for d in docs]
            suggestion._default_manager.filter(**{f"{spec.suggestion_object}_id__in": ids}).delete()
            suggestion._default_manager.bulk_create(
                [
                    suggestion(**{f"{spec.suggestion_object}_id": d.id, "key": key, "label": d.label[:200]})
                    for d in docs
                    for key in d.suggest_keys
                ],
                batch_size=2000,
            )
            # The frequent terms' postings of these documents, from the lexemes just written (same
            # transaction: a query never sees new lexemes with old postings).
            postings_refresh(spec, ids)
        return len(docs)

    def delete(self, spec: IndexSpec, ids: Iterable[int]) -> int:
        ids = list(ids)
        postings_delete(spec, ids)
        spec.suggestion_model._default_manager.filter(**{f"{spec.suggestion_object}_id__in": ids}).delete()
        deleted, _ = spec.document_model._default_manager.filter(pk__in=ids).delete()
        return deleted

    def narrow(
        self,
        spec: IndexSpec,
        queryset: QuerySet,
        query: ParsedQuery,
        *,
        level: str = STRICT,
        include_ids: Sequence[int] = (),
    ) -> QuerySet:
        text = tsquery_text(query, level)
        if not text and not include_ids:
            return queryset.none().annotate(**{RANK: Value(0, output_field=BigIntegerField())})
        vector = F(f"{spec.relation}__vector")
        rank = rank_expression(vector, query, level, text)
        if not text:
            return queryset.filter(pk__in=list(include_ids)).annotate(**{RANK: rank})
        if not include_ids:
            # Every document matching the tsquery (the GIN index finds them), joined one to one: the
            # domain's filters, counts and facets see all of them, and the page is ranked in SQL.
            return queryset.filter(TsMatch(vector, tsquery_value(text))).annotate(**{RANK: rank})
        # Objects the domain matched itself (their document waits for its rebuild; ranked 0 meanwhile)
        # or matching documents, these as one hashed subquery so the OR never becomes a per-row match.
        matching = spec.document_model._default_manager.filter(TsMatch(F("vector"), tsquery_value(text)))
        matched = Q(pk__in=list(include_ids)) | Q(pk__in=matching.values("pk"))
        ranked = Case(When(pk__in=list(include_ids), then=Value(0)), default=rank, output_field=BigIntegerField())
        return queryset.filter(matched).annotate(**{RANK: ranked})

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
        """One page of the documents public in ``channel`` that match ``query`` at ``level`` (or are in
        ``include_ids``, ranked 0), in RANK order (``descending``: best first) then by id, after the
        keyset ``after`` = (rank, id); and how many match in all. One statement on the document table
        alone: the GIN index finds the matches, visibility is a column of the same rows, and the count
        is a window over the same scan as the ranking, so neither joins anything."""
        text = tsquery_text(query, level)
        include = [int(pk) for pk in include_ids]
        if not text and not include:
            return SearchPage(hits=[], total=0)
        if level == STRICT and not include and postings_enabled(spec) and text in posting_keys(spec):
            # One frequent term (梨, 玉米, li): its postings give the same page and count (postings.py).
            found = postings_page(spec, text, channel=channel, size=size, after=after, descending=descending)
            if found is not None:
                return found
        matched = Q(TsMatch(F("vector"), tsquery_value(text))) if text else Q(pk__in=include)
        rank = rank_expression(F("vector"), query, level, text)
        if include and text:
            matched |= Q(pk__in=include)
            rank = Case(When(pk__in=include, then=Value(0)), default=rank, output_field=BigIntegerField())
        docs = (
            spec.document_model._default_manager.filter(visible_in(channel))
            .filter(matched)
            .annotate(doc_id=F("pk"), doc_rank=rank)
            .values_list("doc_id", "doc_rank")
            .order_by()
        )
        inner, params = docs.query.sql_with_params()
        direction, beyond = ("DESC", "<") if descending else ("ASC", ">")
        # OFFSET 0 keeps the ranking in the scan (the window then buffers two integers a match, not
        # their vectors); the count is a window over the same scan, taken before the keyset.
        sql = (
            "SELECT doc_id, doc_rank, doc_total FROM (SELECT doc_id, doc_rank, count(*) OVER () AS doc_total"
            f" FROM ({inner} OFFSET 0) AS ranked) AS matches"
        )
        params = list(params)
        if after is not None:
            sql += f" WHERE doc_rank {beyond} %s OR (doc_rank = %s AND doc_id > %s)"
            params += [int(after[0]), int(after[0]), int(after[1])]
        sql += f" ORDER BY doc_rank {direction}, doc_id LIMIT %s"
        params.append(int(size))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if rows:
            total = int(rows[0][2])
        elif after is not None:  # past the last page: count alone
            total = docs.count()
        else:
            total = 0
        return SearchPage(hits=[(int(pk), int(r)) for pk, r, _ in rows], total=total)

    def suggest(self, spec: IndexSpec, text: str, visible: QuerySet, limit: int = SUGGESTIONS_MAX) -> list[str]:
        """Candidates by key prefix first (a b-tree range, no join), then only those of visible objects:
        two small queries instead of one join the planner may turn into a scan."""
        rows: list[tuple[int, str]] = []
        for prefix in suggestion_prefixes(text):
            rows.extend(
                spec.suggestion_model._default_manager.filter(key__gte=prefix, key__lt=prefix_end(prefix))
                .order_by("key")
                .values_list(f"{spec.suggestion_object}_id", "label")[:SUGGESTION_CANDIDATES]
            )
            if len({label for _, label in rows}) >= limit * 2:
                break
        if not rows:
            return []
        shown = set(visible.filter(pk__in={pk for pk, _ in rows}).values_list("pk", flat=True))
        labels: dict[str, None] = {}
        for pk, label in rows:
            if pk in shown:
                labels.setdefault(label, None)
        return list(labels)[:limit]

    def reindex(
        self,
        spec: IndexSpec,
        batches: Iterable[tuple[Sequence[AnalyzedDocument], dict[int, int]]],
        progress: Callable[[int], Any] | None = None,
    ) -> int:
        """Rewrite every document in place (batches: documents with the versions read before them),
        then choose the frequent terms again from the new lexemes and write their postings. The old
        postings go first (queries go the document way meanwhile) so no batch writes postings twice."""
        postings_clear(spec)
        total = 0
        for batch, versions in batches:
            total += self.index(spec, batch, versions)
            if progress is not None:
                progress(len(batch))
        postings_terms_rebuild(spec)
        return total
