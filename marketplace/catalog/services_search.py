"""The catalogue's side of search: mark products stale in the transaction that changed them, and
rebuild their documents in batches (Celery task ``product_search_rebuild_dirty``, after commit and
every minute from beat, also in the demo's scheduler), or all of them (`meidu search reindex`).

Where a product is public (its document's ``channels`` and ``publish_due``) is not left to the rebuild:
``product_search_visibility`` / ``shop_search_visibility`` rewrite it in the transaction that changed a
listing or a shop's status, and the rebuild re-reads it too (bulk seeding writes listings directly).

Lock order: the products' search document rows, by product id (marking is one upsert).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction

from marketplace.catalog.selectors import product_ids_after, product_search_documents
from marketplace.search.selectors import search_documents_dirty, search_documents_versions
from marketplace.search.services import (
    search_documents_mark_all,
    search_documents_mark_dirty,
    search_documents_mark_dirty_for_category,
    search_documents_mark_dirty_for_shop,
    search_documents_visibility_refresh,
    search_documents_visibility_refresh_due,
    search_documents_visibility_refresh_for_shop,
    search_documents_write,
)
from marketplace.search.spec import PRODUCTS
from meidu.core.cache_versions import CATALOG, bump
from meidu.core.search.analysis import analyze_document
from meidu.core.search.backend import backend_by_name, index_backends

REBUILD_BATCH = 500


def _rebuild_after_commit() -> None:
    """With a broker, a worker rebuilds soon after the commit. Without one (the embedded demo, tests)
    tasks would run inline in the request that made the change, so the beat job (every minute, in the
    demo's scheduler too) picks the marks up instead; meanwhile the product is found by its name."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    from marketplace.catalog.tasks import product_search_rebuild_dirty  # the task calls back in: via the broker

    transaction.on_commit(lambda: product_search_rebuild_dirty.delay(), robust=True)


def product_search_stale(product_ids: Iterable[int]) -> int:
    """Products changed (name, description, category, origin, variants): rebuild their documents soon."""
    marked = search_documents_mark_dirty(product_ids)
    if marked:
        _rebuild_after_commit()
    return marked


def shop_search_stale(shop_id: int) -> int:
    """A shop's name or place changed (shops.hooks.shop_changed, wired in meidu/wiring)."""
    marked = search_documents_mark_dirty_for_shop(shop_id)
    if marked:
        _rebuild_after_commit()
    return marked


def product_search_visibility(product_ids: Iterable[int]) -> list[int]:
    """The products' channel listings changed (published, publication time, visible in listings,
    added or removed): where they are public, rewritten now (no rebuild needed)."""
    changed = search_documents_visibility_refresh(product_ids)
    if changed and _elasticsearch_indexed():
        product_search_stale(changed)  # Elasticsearch's copy of the visibility comes with the rebuild
    return changed


def shop_search_visibility(shop_id: int) -> None:
    """A shop opened, closed or went on or off holiday (shops.hooks.shop_visibility_changed)."""
    changed = search_documents_visibility_refresh_for_shop(shop_id)
    if changed and _elasticsearch_indexed():
        product_search_stale(changed)


def _elasticsearch_indexed() -> bool:
    return any(backend.name == "elasticsearch" for backend in index_backends())


def category_search_stale(category_id: int) -> int:
    marked = search_documents_mark_dirty_for_category(category_id)
    if marked:
        _rebuild_after_commit()
    return marked


def product_search_rebuild_dirty(*, batch_size: int = REBUILD_BATCH, max_batches: int = 20) -> int:
    """Rebuild waiting documents, a batch at a time; returns how many were written. A product
    changed again meanwhile stays waiting (its version moved) and is taken by the next batch."""
    due = search_documents_visibility_refresh_due()  # scheduled publications that have come
    if due and _elasticsearch_indexed():
        search_documents_mark_dirty(due)
    written = 0
    for _ in range(max_batches):
        versions = search_documents_dirty(batch_size)
        if not versions:
            break
        search_documents_visibility_refresh(versions)
        documents = product_search_documents(versions)
        written += search_documents_write(documents, versions)
        gone = set(versions) - {d.id for d in documents}
        if gone:  # deleted meanwhile: their rows went with them (cascade); nothing to keep dirty
            written += 0
        if len(versions) < batch_size:
            break
    if written:
        bump(CATALOG)  # search answers (products(search:)) cached before the rebuild are read afresh
    return written


def _batches(batch_size: int) -> Iterator[tuple[list, dict[int, int]]]:
    after = 0
    while True:
        ids = product_ids_after(after, batch_size)
        if not ids:
            return
        after = ids[-1]
        search_documents_visibility_refresh(ids)
        versions = search_documents_versions(ids)
        yield [analyze_document(doc) for doc in product_search_documents(ids)], versions


def product_search_reindex(
    backend_name: str | None = None, *, batch_size: int = 1000, progress: Callable[[int], Any] | None = None
) -> int:
    """Rebuild every product's document in one backend (``postgres``/``elasticsearch``) or in every
    index backend; returns how many documents were written (per backend, the last one's count)."""
    backends = [backend_by_name(backend_name)] if backend_name else index_backends()
    total = 0
    for backend in backends:
        total = backend.reindex(PRODUCTS, _batches(batch_size), progress)
    bump(CATALOG)
    return total


def product_search_mark_all() -> int:
    """Mark every product's document (e.g. after an operator extended the dictionary)."""
    marked = search_documents_mark_all()
    if marked:
        _rebuild_after_commit()
    return marked
