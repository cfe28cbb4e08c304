"""Postings of frequent terms: a PostgreSQL index's answer to a one-word query that matches thousands.

Why: a plain search for a broad word (梨, 苹果, 玉米, li: 10,000+ of 100,000 products) through the
document table reads every match's heap row to rank it, check its channel and count it (12 ms of
counting, 6 of visibility, 2.5 of ts_rank for 梨). A posting row per (frequent term, channel, object)
holds the object's rank for that term, precomputed with the very expression the document path ranks
with (``ts_rank(vector, query) * RANK_SCALE`` cast to bigint, postgres.rank_expression at STRICT), so
the exact count is an index-only scan and the first page the first entries of a b-tree.

What a term is: the STRICT tsquery text of a one-term query (postgres.tsquery_text), kept in the
term table as ``key`` (and parsed once as ``query``). A query uses the postings only when its own
tsquery text equals a key, so a changed synonym list (a different tsquery for the same word) simply
finds no key and goes the document way until the next term rebuild; nothing can answer wrong.

Visibility: one row per channel where the object is listed now (``visible_from`` null) and one per
channel where a publication is scheduled (``visible_from`` = its time): a query counts the latter
from that time on (statement_timestamp(), like postgres.visible_in), so a publication shows up on
time without any write. The owner's state is not in the rows: each row carries its owner (a shop) and
a query leaves out the owners unavailable now (``owners_open``: a shop on holiday, closed or
suspended), read in the query's own snapshot. Why: a shop of 10,000 products going on holiday and
reopening deleted and re-inserted ~440,000 rows (~10 s in the seller's request); now it writes none,
and the answer is still the documents' at every instant (the shop's row and its documents' channels
commit together, and a statement sees both or neither).

When rows are written (always in the transaction that writes what they derive from):
* ``postings_refresh`` — an object's postings, rewritten from its lexemes and where it is listed
  (``PostingOwners.listed``): by PostgresBackend.index (the Celery rebuild and the reindex batches, same
  transaction as the lexemes) and by the domain's visibility refresh of objects whose listings changed
  (same transaction as the channels); not when only the owner's state changed;
* ``postings_terms_rebuild`` — the term set chosen again from the documents (``meidu search
  reindex``): every lexeme held by at least ``SEARCH_POSTINGS_MIN_MATCHES`` documents, the synonyms
  of those, and what a buyer types for them (pinyin, prefixes: term_candidates), whose one-term query
  matches that many; a term per transaction.
Lock order: an object's document row (its writer's upsert), then the postings table in row exclusive
mode (``postings_refresh``); a term's rebuild takes the postings table in share row exclusive mode
first, so the two wait for each other instead of interleaving (``_lock``).
Deleting an object deletes its postings (a cascading foreign key, and PostgresBackend.delete).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection, transaction

from meidu.core.search.analysis import parse_query
from meidu.core.search.spec import RANK_SCALE, STRICT, IndexSpec, PostingOwners, SearchPage
from meidu.core.search.term_candidates import term_candidates
from meidu.core.search.tsquery import tsquery_text

# How long a process trusts its copy of the term keys (a stale copy only sends a query the document
# way, or to a statement that finds no term and then goes the document way).
KEYS_TTL_SECONDS = 60.0

_keys_lock = threading.Lock()
_keys: dict[str, tuple[float, frozenset[str]]] = {}


def postings_enabled(spec: IndexSpec) -> bool:
    return spec.posting_model is not None and bool(getattr(settings, "SEARCH_POSTINGS", True))


def min_matches() -> int:
    return int(getattr(settings, "SEARCH_POSTINGS_MIN_MATCHES", 2000))


def _tables(spec: IndexSpec) -> dict[str, str]:
    assert spec.posting_model is not None and spec.posting_term_model is not None
    document = spec.document_model._meta
    obj = spec.posting_model._meta.get_field(spec.suggestion_object)
    return {
        "doc": document.db_table,
        "pk": str(document.pk.column if document.pk else "id"),
        "posting": spec.posting_model._meta.db_table,
        "term": spec.posting_term_model._meta.db_table,
        "obj": str(getattr(obj, "column", f"{spec.suggestion_object}_id")),
        "owner": _owners(spec).column,
    }


def _owners(spec: IndexSpec) -> PostingOwners:
    assert spec.posting_owners is not None, f"{spec.name}: postings need PostingOwners"
    return spec.posting_owners


def owners_open(spec: IndexSpec) -> str:
    """The condition a postings query adds so that no object of an owner unavailable now is counted
    (a hashed subplan over a small set; the owner comes from the index, so counts stay index-only)."""
    owners = _owners(spec)
    return f"{owners.column} NOT IN ({owners.hidden})"


def posting_keys(spec: IndexSpec) -> frozenset[str]:
    """The term keys (tsquery texts) that have postings, as this process last read them."""
    cached = _keys.get(spec.name)
    now = time.monotonic()
    if cached is not None and now - cached[0] < KEYS_TTL_SECONDS:
        return cached[1]
    with _keys_lock, connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {_tables(spec)['term']}")
        keys = frozenset(row[0] for row in cursor.fetchall())
        _keys[spec.name] = (now, keys)
    return keys


def posting_keys_forget(spec: IndexSpec) -> None:
    _keys.pop(spec.name, None)


# Where a document's object is listed, whatever its owner's state: (channel, visible_from, owner) rows
# of the domain's PostingOwners.listed over the document row ``d``.
_LISTED = "CROSS JOIN LATERAL ({listed}) AS public"
# The rank, written as postgres.rank_expression compiles it at STRICT (the scale a bound integer).
_RANK = "(ts_rank(d.vector, t.query) * %s)::bigint"


# An object's postings as its lexemes and listings say they should be (``want``; an object listed in no
# channel wants none and is not tested against the terms), written as a difference: the rows not wanted
# as they are (gone, or another rank, publication time or owner) are deleted, then the wanted rows not
# there inserted; rows that stay the same are not written. Why: the ``@@`` of every term costs ~0.15 ms
# a product, but writing its ~44 rows (heap, primary key and the rank b-tree, on scattered pages) ~2 ms,
# and most rewrites change few rows or none (a rebuild of unchanged lexemes, a listing hidden in one of
# two channels). Two statements, not an upsert: a plain insert costs half of ON CONFLICT's.
_WANT = """
WITH want AS MATERIALIZED (
  SELECT d.{pk} AS obj, t.id AS term_id, public.channel, {rank} AS rank, public.visible_from, public.owner
  FROM {doc} d JOIN {term} t ON d.vector @@ t.query {channels}
  WHERE d.{pk} = ANY(%s) AND EXISTS (SELECT 1 FROM ({listed}) AS listed){only}
)
"""
_DELETE_UNWANTED = """
DELETE FROM {posting} p WHERE p.{obj} = ANY(%s) AND NOT EXISTS (
  SELECT 1 FROM want w WHERE w.obj = p.{obj} AND w.term_id = p.term_id AND w.channel = p.channel
   AND w.rank = p.rank AND w.visible_from IS NOT DISTINCT FROM p.visible_from AND w.owner = p.{owner})
"""
_INSERT_MISSING = """
INSERT INTO {posting} ({obj}, term_id, channel, rank, visible_from, {owner})
SELECT w.obj, w.term_id, w.channel, w.rank, w.visible_from, w.owner FROM want w WHERE NOT EXISTS (
  SELECT 1 FROM {posting} p WHERE p.{obj} = w.obj AND p.term_id = w.term_id AND p.channel = w.channel)
"""


def postings_refresh(spec: IndexSpec, ids: Iterable[int]) -> int:
    """Bring the postings of these objects in line with their documents (lexemes and channels as they
    are in this transaction); returns how many rows were inserted."""
    ids = sorted({int(pk) for pk in ids})
    if spec.posting_model is None or not ids:
        return 0
    names = _tables(spec)
    # The delete needs the wanted rows only of objects that have rows (none after a holiday: a shop
    # reopening computes its ~4.8M term tests once, not twice).
    having_rows = f" AND EXISTS (SELECT 1 FROM {names['posting']} p WHERE p.{names['obj']} = d.{names['pk']})"
    listed = _owners(spec).listed
    with transaction.atomic(), connection.cursor() as cursor:
        channels = _LISTED.format(listed=listed)
        want = _WANT.format(channels=channels, rank=_RANK, listed=listed, only=having_rows, **names)
        cursor.execute(want + _DELETE_UNWANTED.format(**names), [RANK_SCALE, ids, ids])
        want = _WANT.format(channels=channels, rank=_RANK, listed=listed, only="", **names)
        cursor.execute(want + _INSERT_MISSING.format(**names), [RANK_SCALE, ids])
        return cursor.rowcount


def postings_delete(spec: IndexSpec, ids: Iterable[int]) -> None:
    ids = [int(pk) for pk in ids]
    if spec.posting_model is not None and ids:
        names = _tables(spec)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {names['posting']} WHERE {names['obj']} = ANY(%s)", [ids])


def postings_clear(spec: IndexSpec) -> None:
    """No terms, no postings: every query goes the document way (a reindex starts so, then rebuilds)."""
    if spec.posting_model is None:
        return
    names = _tables(spec)
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor, names)
        cursor.execute(f"DELETE FROM {names['posting']}")
        cursor.execute(f"DELETE FROM {names['term']}")
    posting_keys_forget(spec)


def _lock(cursor, names: dict[str, str]) -> None:
    """Held by a transaction that writes a term's postings from every document: an object's
    ``postings_refresh`` (row exclusive) waits for it, or it for that one, so the term's rows are read
    from lexemes and channels that nobody rewrites in between (else an object rebuilt meanwhile could
    keep postings of its old lexemes). Readers are not blocked."""
    cursor.execute(f"LOCK TABLE {names['posting']} IN SHARE ROW EXCLUSIVE MODE")


def frequent_term_candidates(spec: IndexSpec, threshold: int) -> list[str]:
    """Lexemes held by at least ``threshold`` documents (ts_stat: core PostgreSQL), their synonyms
    (苞米 asks for 玉米's documents), then what a buyer types for them (term_candidates: pinyin,
    prefixes of a CJK word, their synonyms), at most SEARCH_POSTINGS_MAX_CANDIDATES."""
    names = _tables(spec)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat(%s) WHERE ndoc >= %s ORDER BY ndoc DESC, word",
            [f"SELECT vector FROM {names['doc']} WHERE vector IS NOT NULL", threshold],
        )
        words = [row[0] for row in cursor.fetchall()]
    return term_candidates(words)


def term_key(text: str) -> str | None:
    """The term key of a query text: its STRICT tsquery text when it parses to one term, else None."""
    query = parse_query(text)
    if len(query.terms) != 1:
        return None
    return tsquery_text(query, STRICT) or None


def postings_terms_rebuild(spec: IndexSpec, threshold: int | None = None) -> dict[str, int]:
    """Choose the frequent terms again and write every posting of them, a term per transaction (a query
    sees a term with all of its postings or not at all: then the documents answer); returns {word:
    documents matched} of the terms kept."""
    if spec.posting_model is None:
        return {}
    threshold = min_matches() if threshold is None else threshold
    names = _tables(spec)
    chosen: dict[str, str] = {}
    keys: set[str] = set()
    for word in frequent_term_candidates(spec, threshold):
        key = term_key(word)
        if key and key not in keys:
            chosen[word] = key
            keys.add(key)
    kept: dict[str, int] = {}
    for word, key in chosen.items():  # a transaction a term: writers wait for one term at a time
        # Most typed forms match too few: counted first without the lock (writers go on), and only a
        # term that may be kept is counted again and written under it.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {names['doc']} WHERE vector @@ %s::tsquery", [key])
            if int(cursor.fetchone()[0]) < threshold:
                continue
        with transaction.atomic(), connection.cursor() as cursor:
            _lock(cursor, names)
            _term_drop(cursor, names, "key = %s", [key])
            cursor.execute(f"SELECT count(*) FROM {names['doc']} WHERE vector @@ %s::tsquery", [key])
            matches = int(cursor.fetchone()[0])
            if matches < threshold:
                continue
            cursor.execute(
                f"INSERT INTO {names['term']} (word, key, query, matches) VALUES (%s, %s, %s::tsquery, %s)"
                " RETURNING id",
                [word, key, key, matches],
            )
            term_id = cursor.fetchone()[0]
            listed = _LISTED.format(listed=_owners(spec).listed)
            cursor.execute(
                f"INSERT INTO {names['posting']}"
                f" ({names['obj']}, term_id, channel, rank, visible_from, {names['owner']})"
                f" SELECT d.{names['pk']}, t.id, public.channel, {_RANK}, public.visible_from, public.owner"
                f" FROM {names['doc']} d JOIN {names['term']} t ON t.id = %s {listed}"
                " WHERE d.vector @@ %s::tsquery",
                [RANK_SCALE, term_id, key],
            )
            kept[word] = matches
    with transaction.atomic(), connection.cursor() as cursor:  # terms no longer frequent
        _lock(cursor, names)
        _term_drop(cursor, names, "NOT (key = ANY(%s))", [[chosen[word] for word in kept]])
    posting_keys_forget(spec)
    return kept


def _term_drop(cursor, names: dict[str, str], where: str, params: list) -> None:
    cursor.execute(
        f"DELETE FROM {names['posting']} WHERE term_id IN (SELECT id FROM {names['term']} WHERE {where})", params
    )
    cursor.execute(f"DELETE FROM {names['term']} WHERE {where}", params)


def postings_page(
    spec: IndexSpec,
    key: str,
    *,
    channel: int,
    size: int,
    after: tuple[int, int] | None = None,
    descending: bool = True,
) -> SearchPage | None:
    """The page and exact count of a one-term STRICT query from its postings (one statement), or None
    when the term has no postings (any more): the caller then goes the document way. Same answer as
    PostgresBackend.page on the documents: rank order (``descending``) then id, after (rank, id)."""
    names = _tables(spec)
    direction, beyond = ("DESC", "<") if descending else ("ASC", ">")
    public = f"channel = %s AND (visible_from IS NULL OR visible_from <= statement_timestamp()) AND {owners_open(spec)}"
    keyset, keyset_params = "", list[int]()
    if after is not None:
        keyset = f" AND (rank {beyond} %s OR (rank = %s AND {names['obj']} > %s))"
        keyset_params = [int(after[0]), int(after[0]), int(after[1])]
    sql = (
        f"WITH term AS (SELECT id FROM {names['term']} WHERE key = %s)"
        f" SELECT NULL::bigint, NULL::bigint, (SELECT count(*) FROM {names['posting']}"
        f"   WHERE term_id = (SELECT id FROM term) AND {public}), EXISTS (SELECT 1 FROM term)"
        f" UNION ALL (SELECT {names['obj']}, rank, NULL, NULL FROM {names['posting']}"
        f"   WHERE term_id = (SELECT id FROM term) AND {public}{keyset}"
        f"   ORDER BY rank {direction}, {names['obj']} LIMIT %s)"
    )
    params: list[str | int] = [key, int(channel), int(channel), *keyset_params, int(size)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    head, hits = rows[0], rows[1:]
    if not head[3]:
        return None
    sign = -1 if descending else 1
    ordered = sorted(((int(pk), int(rank)) for pk, rank, _c, _e in hits), key=lambda h: (sign * h[1], h[0]))
    return SearchPage(hits=ordered, total=int(head[2]))


def term_matches(spec: IndexSpec) -> Sequence[tuple[str, int]]:
    """(word, documents matched) of the current terms, most first (for the command line and benchmarks)."""
    names = _tables(spec)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word, matches FROM {names['term']} ORDER BY matches DESC, word")
        return [(row[0], int(row[1])) for row in cursor.fetchall()]
