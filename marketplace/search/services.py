"""Writes of the product index: dirty marks and visibility (in the caller's transaction), and document rebuilds.

Marking is an upsert of the product's document row with ``dirty = true`` and ``version + 1``; it is
called by the catalogue's services inside the transaction that changed the product, variant, shop or
category, so a change and its mark commit or roll back together. Nothing is analysed there: the
rebuild (``search_documents_write``) runs in the catalogue's Celery task, enqueued after commit and
swept by beat, never in a buyer's request. Visibility (``channels``, ``publish_due``: see models) is
different: it is recomputed by one SQL statement in the transaction that changed a listing or a shop,
so a search never shows a hidden product nor misses a published one while the rebuild waits; the
frequent terms' postings of the products whose visibility changed are rewritten in that transaction too.
Lock order: the document rows, by product id (one upsert statement), then their postings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from marketplace.search.models import ProductSearchDocument
from marketplace.search.spec import HIDDEN_SHOPS_SQL, PRODUCTS
from meidu.core.search.analysis import SearchDocument, analyze_document
from meidu.core.search.backend import SearchBackend, index_backends
from meidu.core.search.postings import postings_refresh

_MARK_SQL = (
    "INSERT INTO {table} (product_id, dirty, version) SELECT id, true, 1 FROM catalog_product WHERE {where}"
    " ON CONFLICT (product_id) DO UPDATE SET dirty = true, version = {table}.version + 1"
)


def _mark(where: str, params: list) -> int:
    table = ProductSearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SQL.format(table=table, where=where), params)
        marked = cursor.rowcount
    return marked


# A product's public channels now and its next scheduled publication, from its listings and its shop
# (published, visible in listings, shop active and not on holiday), for the products WHERE selects.
# Upserted so that a product without a document yet gets one (dirty: the rebuild writes its lexemes).
_VISIBILITY_SQL = """
INSERT INTO {table} (product_id, dirty, version, channels, scheduled_channels, scheduled_at, publish_due)
SELECT p.id, true, 1,
       COALESCE(array_agg(l.channel_id ORDER BY l.channel_id) FILTER (WHERE l.id IS NOT NULL AND NOT later), '{{}}'),
       COALESCE(array_agg(l.channel_id ORDER BY l.channel_id) FILTER (WHERE later), '{{}}'),
       COALESCE(array_agg(l.published_at ORDER BY l.channel_id) FILTER (WHERE later), '{{}}'),
       min(l.published_at) FILTER (WHERE later)
FROM catalog_product p
JOIN shops_shop s ON s.id = p.shop_id
LEFT JOIN catalog_productchannellisting l
  ON l.product_id = p.id AND l.is_published AND l.visible_in_listings
 AND s.status = 'active' AND NOT s.holiday_mode
CROSS JOIN LATERAL (SELECT COALESCE(l.published_at > statement_timestamp(), false) AS later) AS clock
WHERE {where}
GROUP BY p.id
ON CONFLICT (product_id) DO UPDATE SET channels = EXCLUDED.channels, scheduled_channels = EXCLUDED.scheduled_channels,
    scheduled_at = EXCLUDED.scheduled_at, publish_due = EXCLUDED.publish_due
WHERE ({table}.channels, {table}.scheduled_channels, {table}.scheduled_at)
      IS DISTINCT FROM (EXCLUDED.channels, EXCLUDED.scheduled_channels, EXCLUDED.scheduled_at)
RETURNING product_id
"""


# Of these products, those whose shop is closed now (their documents say public nowhere whatever their
# listings, so a listing's change does not show in the documents' channels).
_OF_CLOSED_SHOPS_SQL = f"SELECT p.id FROM catalog_product p WHERE p.id = ANY(%s) AND p.shop_id IN ({HIDDEN_SHOPS_SQL})"


def _visibility(where: str, params: list, *, listings: list[int] | None) -> list[int]:
    """Rewrite visibility. The postings hold where a product is listed, not its shop's state
    (meidu.core.search.postings), so they follow in the same transaction only when ``listings`` (the
    products whose listings may have changed, maybe none) is given: those whose documents' visibility
    changed, and those of them of a closed shop (whose documents cannot show it). ``None``: a shop-wide
    change, no posting written."""
    table = ProductSearchDocument._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_VISIBILITY_SQL.format(table=table, where=where), params)
        changed = [row[0] for row in cursor.fetchall()]
        if listings is not None:
            closed: list[int] = []
            if listings:
                cursor.execute(_OF_CLOSED_SHOPS_SQL, [listings])
                closed = [row[0] for row in cursor.fetchall()]
            postings_refresh(PRODUCTS, {*changed, *closed})
    return changed


def search_documents_visibility_refresh(product_ids: Iterable[int]) -> list[int]:
    """Recompute where these products are public (their listings changed); returns the products whose
    visibility changed."""
    ids = sorted({int(pk) for pk in product_ids})
    return _visibility("p.id = ANY(%s)", [ids], listings=ids) if ids else []


def search_documents_visibility_refresh_for_shop(shop_id: int) -> list[int]:
    """The shop opened, closed, or went on or off holiday: every product's document (its channels), and
    no posting (a query reads the shop's state: meidu.core.search.postings)."""
    return _visibility("p.shop_id = %s", [shop_id], listings=None)


def search_documents_visibility_refresh_due() -> list[int]:
    """Documents whose scheduled publication has come (the rebuild task runs this every minute)."""
    table = ProductSearchDocument._meta.db_table
    due = f"p.id IN (SELECT product_id FROM {table} WHERE publish_due <= statement_timestamp())"
    return _visibility(due, [], listings=[])


def search_documents_mark_dirty(product_ids: Iterable[int]) -> int:
    """Mark products' documents for rebuild (creates a missing document row)."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return 0
    return _mark("id = ANY(%s)", [ids])


def search_documents_mark_dirty_for_shop(shop_id: int) -> int:
    """A shop's name or place changed: every product of it."""
    return _mark("shop_id = %s", [shop_id])


def search_documents_mark_dirty_for_category(category_id: int) -> int:
    return _mark("category_id = %s", [category_id])


def search_documents_mark_all() -> int:
    """Every product (after the dictionary changed, or after a bulk import)."""
    return _mark("true", [])


def search_documents_write(
    documents: Sequence[SearchDocument],
    versions: dict[int, int] | None = None,
    *,
    backends: list[SearchBackend] | None = None,
) -> int:
    """Analyse and write documents to every index backend; a document whose version moved since
    ``versions`` was read stays dirty (PostgreSQL)."""
    analysed = [analyze_document(doc) for doc in documents]
    written = 0
    for backend in backends or index_backends():
        written = backend.index(PRODUCTS, analysed, versions)
    return written


def search_documents_delete(product_ids: Iterable[int], *, backends: list[SearchBackend] | None = None) -> None:
    ids = list(product_ids)
    for backend in backends or index_backends():
        backend.delete(PRODUCTS, ids)
