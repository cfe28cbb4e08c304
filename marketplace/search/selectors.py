"""Reads of the product index: which documents wait for a rebuild, and search on a catalogue queryset."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from marketplace.search.models import ProductSearchDocument
from marketplace.search.spec import PRODUCTS
from meidu.core.search.analysis import ParsedQuery
from meidu.core.search.backend import SearchBackend, search_backend
from meidu.core.search.spec import ALL, FILL, STRICT, SUGGESTIONS_MAX, SearchPage

# The most waiting documents a query looks at to find fresh products by name (normally none wait).
PENDING_MAX = 500
# A strict result shorter than this is filled with relaxed matches (a first page's worth).
FILL_BELOW = 10


def search_documents_dirty(limit: int) -> dict[int, int]:
    """{product id: version} of up to ``limit`` documents waiting for a rebuild, by product id."""
    rows = ProductSearchDocument.objects.filter(dirty=True).order_by("pk").values_list("pk", "version")[:limit]
    return dict(rows)


def search_documents_versions(product_ids) -> dict[int, int]:
    """{product id: version} of these products' documents (0 for one not there yet)."""
    found = dict(ProductSearchDocument.objects.filter(pk__in=list(product_ids)).values_list("pk", "version"))
    return {pk: found.get(pk, 0) for pk in product_ids}


def search_documents_pending_ids() -> list[int]:
    """Products whose document waits for its rebuild (a partial index keeps this cheap)."""
    return list(ProductSearchDocument.objects.filter(dirty=True).values_list("pk", flat=True)[:PENDING_MAX])


def search_documents_count() -> tuple[int, int]:
    """(documents, of which waiting)."""
    return ProductSearchDocument.objects.count(), ProductSearchDocument.objects.filter(dirty=True).count()


def products_matching(
    queryset: QuerySet,
    query: ParsedQuery,
    *,
    include_ids: Sequence[int] = (),
    backend: SearchBackend | None = None,
) -> tuple[QuerySet, bool]:
    """``queryset`` narrowed to ``query`` with ``search_rank`` annotated, and whether a relaxed level
    was used. Every word must match (STRICT); when that finds fewer than a page (FILL_BELOW), products
    holding any word, synonym or sub-word of the query fill it, ranked by how much of the query they
    hold with the strict matches first (五常大米 → then other rice); when strict finds nothing, any
    word or character of the query's words (a typo: 南国梨 → 南果梨 first)."""
    backend = backend or search_backend()
    strict = backend.narrow(PRODUCTS, queryset, query, include_ids=include_ids)
    level = None if query.empty else _relaxed_level(query, strict[:FILL_BELOW].count())
    if level is None:
        return strict, False
    return backend.narrow(PRODUCTS, queryset, query, level=level, include_ids=include_ids), True


def _relaxed_level(query: ParsedQuery, strict_count: int) -> str | None:
    """The level that fills a strict result of ``strict_count`` matches, or None (see products_matching)."""
    if query.empty or strict_count >= FILL_BELOW:
        return None
    simple = len(query.terms) == 1 and not query.terms[0].chars and not query.terms[0].subwords
    if simple and len(query.terms[0].alternatives) == 1:
        return None  # nothing else to try: a plain word or pinyin matched what it matched
    return FILL if strict_count or not query.char_lexemes() else ALL


def products_page(
    query: ParsedQuery,
    *,
    channel_id: int,
    size: int,
    after: tuple[int, int] | None = None,
    descending: bool = True,
    include_ids: Sequence[int] = (),
    backend: SearchBackend | None = None,
) -> tuple[SearchPage, bool]:
    """One page of the products public in ``channel_id`` matching ``query`` and how many match in all,
    answered by the index alone (``backend.page``), and whether a relaxed level was used: the same
    levels as ``products_matching``, decided on the strict count that the first statement returns."""
    backend = backend or search_backend()

    def run(level: str) -> SearchPage:
        return backend.page(
            PRODUCTS,
            query,
            channel=channel_id,
            size=size,
            level=level,
            include_ids=include_ids,
            after=after,
            descending=descending,
        )

    strict = run(STRICT)
    level = _relaxed_level(query, strict.total)
    return (strict, False) if level is None else (run(level), True)


def product_suggestions(
    visible: QuerySet, text: str, *, limit: int = SUGGESTIONS_MAX, backend: SearchBackend | None = None
) -> list[str]:
    """Names to offer while typing ``text`` (a word's prefix, pinyin or initials), of ``visible`` products."""
    return (backend or search_backend()).suggest(PRODUCTS, text, visible, min(limit, SUGGESTIONS_MAX))
