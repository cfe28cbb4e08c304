"""The product index's PostgreSQL tables (meidu.core.search.models explains the columns).

Besides its lexemes a product's document holds where a buyer may find it (ChannelVisibilityBase), so
that a search counts, ranks and pages from this table alone: the channels whose listing is published,
visible in listings and whose shop is active and not on holiday, and the publications scheduled for
later. ``services.search_documents_visibility_refresh`` rewrites them in the transaction of every change
to a listing or to a shop's status; the rebuild task re-reads them too.

The frequent terms' postings (ProductSearchTerm, ProductSearchPosting) answer a one-word search that
matches thousands of products from a b-tree (meidu.core.search.postings says why and when they are
written).
"""

from __future__ import annotations

from django.db import models

from meidu.core.search.models import (
    ChannelVisibilityBase,
    PostingTermBase,
    SearchDocumentBase,
    SuggestionBase,
    document_indexes,
    posting_indexes,
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


class ProductSearchTerm(PostingTermBase):
    """A frequent one-word query whose postings are kept (meidu.core.search.postings)."""


class ProductSearchPosting(models.Model):
    """A product's rank for a frequent term in a channel where it is listed (from ``visible_from``
    when that is set), and its shop: a query leaves out the shops closed now (on holiday, suspended),
    so a shop's holiday writes no posting. Rewritten with the product's document or listings: see
    meidu.core.search.postings."""

    pk = models.CompositePrimaryKey("product_id", "term_id", "channel")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+", db_index=False)
    term = models.ForeignKey(ProductSearchTerm, on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.IntegerField()
    rank = models.BigIntegerField()
    visible_from = models.DateTimeField(null=True, blank=True)
    # The product's shop, no foreign key (a shop's products go with it; the check would cost every insert).
    shop_id = models.BigIntegerField()

    class Meta:
        indexes = posting_indexes("product_search_post", "product", "shop_id")
