"""Writes of the product index: dirty marks (in the caller's transaction) and document rebuilds.

Marking is an upsert of the product's document row with ``dirty = true`` and ``version + 1``; it is
called by the catalogue's services inside the transaction that changed the product, variant, shop or
category, so a change and its mark commit or roll back together. Nothing is analysed there: the
rebuild (``search_documents_write``) runs in the catalogue's Celery task, enqueued after commit and
swept by beat, never in a buyer's request. Lock order: the document rows, by product id (one upsert statement).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from marketplace.search.models import ProductSearchDocument
from marketplace.search.spec import PRODUCTS
from meidu.core.search.analysis import SearchDocument, analyze_document
from meidu.core.search.backend import SearchBackend, index_backends

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
