"""The product index as the search backends see it."""

from __future__ import annotations

from marketplace.search.models import ProductSearchDocument, ProductSearchPosting, ProductSearchTerm, ProductSuggestion
from meidu.core.search.spec import IndexSpec, PostingOwners

# Where a product is listed whatever its shop's state (published, visible in listings; later: its
# time), and its shop; the shops closed now are left out by each postings query. Same rule as
# services._VISIBILITY_SQL without the shop's state (a listing is unique per product and channel).
LISTED_SQL = (
    "SELECT l.channel_id AS channel,"
    " CASE WHEN l.published_at > statement_timestamp() THEN l.published_at END AS visible_from,"
    " p.shop_id AS owner"
    " FROM catalog_productchannellisting l JOIN catalog_product p ON p.id = l.product_id"
    " WHERE l.product_id = d.product_id AND l.is_published AND l.visible_in_listings"
)
# A shop not active (applied, suspended, closed ...) or on holiday: the negation of the shop's part of
# services._VISIBILITY_SQL.
HIDDEN_SHOPS_SQL = "SELECT s.id FROM shops_shop s WHERE s.status <> 'active' OR s.holiday_mode"

PRODUCTS = IndexSpec(
    name="products",
    document_model=ProductSearchDocument,
    suggestion_model=ProductSuggestion,
    relation="search_document",
    suggestion_object="product",
    posting_model=ProductSearchPosting,
    posting_term_model=ProductSearchTerm,
    posting_owners=PostingOwners(listed=LISTED_SQL, hidden=HIDDEN_SHOPS_SQL, column="shop_id"),
)
