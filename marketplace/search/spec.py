"""The product index as the search backends see it."""

from __future__ import annotations

from marketplace.search.models import ProductSearchDocument, ProductSearchPosting, ProductSearchTerm, ProductSuggestion
from meidu.core.search.spec import IndexSpec

PRODUCTS = IndexSpec(
    name="products",
    document_model=ProductSearchDocument,
    suggestion_model=ProductSuggestion,
    relation="search_document",
    suggestion_object="product",
    posting_model=ProductSearchPosting,
    posting_term_model=ProductSearchTerm,
)
