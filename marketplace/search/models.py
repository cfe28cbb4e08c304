"""The product index's PostgreSQL tables (meidu.core.search.models explains the columns).

Besides its lexemes a product's document holds where a buyer may find it (ChannelVisibilityBase), so
that a search counts, ranks and pages from this table alone: the channels whose listing is published,
visible in listings and whose shop is active and not on holiday, and the publications scheduled for
later. ``services.search_documents_visibility_refresh`` rewrites them in the transaction of every change
to a listing or to a shop's status; the rebuild task re-reads them too.
"""

from __future__ import annotations

from django.db import models

from meidu.core.search.models import (
    ChannelVisibilityBase,
    SearchDocumentBase,
    SuggestionBase,
    document_indexes,
    suggestion_indexes,
    visibility_indexes,
)


class ProductSearchDocument(SearchDocumentBase, ChannelVisibilityBase):
    product = models.OneToOneField(
        "catalog.Product", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )

    class Meta:
        indexes = [*document_indexes("product_search_doc"), *visibility_indexes("product_search_doc")]


class ProductSuggestion(SuggestionBase):
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = suggestion_indexes("product_suggest")
