"""The product index's PostgreSQL tables (meidu.core.search.models explains the columns)."""

from __future__ import annotations

from django.db import models

from meidu.core.search.models import SearchDocumentBase, SuggestionBase, document_indexes, suggestion_indexes


class ProductSearchDocument(SearchDocumentBase):
    product = models.OneToOneField(
        "catalog.Product", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )

    class Meta:
        indexes = document_indexes("product_search_doc")


class ProductSuggestion(SuggestionBase):
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = suggestion_indexes("product_suggest")
