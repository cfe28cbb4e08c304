"""Catalogue reads: what a caller may see in a channel, and the filters of the products query.

Anonymous callers and buyers see products whose channel listing is published (now or
earlier), of active shops not on holiday; ``for_listing`` also requires
visible_in_listings. Shop members also see their own shop's products; operators
(MANAGE_PRODUCTS) see everything. Price sorting and filters read the price range stored on the
channel listing (kept by the catalogue services), never the variants' prices.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.catalog.models import (
    Category,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
    listing_sort_price,
)
from marketplace.channels.models import Channel
from marketplace.search.selectors import (
    product_suggestions,
    products_matching,
    products_page,
    search_documents_pending_ids,
)
from marketplace.shops.models import ShopStatus
from marketplace.shops.selectors import shop_ids_of_member
from meidu.core.search.analysis import ParsedQuery, SearchDocument, parse_query
from meidu.core.search.postgres import RankOf, visible_in
from meidu.core.search.spec import RANK

# The product's listing in the request's channel, joined into product queries (at most one row:
# unique per product and channel). Public visibility filters on it, which makes it an inner join
# that PostgreSQL can drive from the listing's price index; the products page also selects it
# (select_related) to price each product without reading variants.
CHANNEL_LISTING = "channel_listing"


def with_channel_listing(qs: QuerySet, channel: Channel) -> QuerySet:
    """Join the product's listing in ``channel`` as CHANNEL_LISTING (filter, sort or select it)."""
    return qs.annotate(
        **{CHANNEL_LISTING: FilteredRelation("channel_listings", condition=Q(channel_listings__channel=channel))}
    )


def _published(for_listing: bool, now: datetime | None = None) -> Q:
    now = now or timezone.now()
    listed = Q(channel_listing__is_published=True) & (
        Q(channel_listing__published_at__isnull=True) | Q(channel_listing__published_at__lte=now)
    )
    if for_listing:
        listed &= Q(channel_listing__visible_in_listings=True)
    return listed


def products_visible(
    channel: Channel, *, sees_all: bool, user=None, for_listing: bool = True, now: datetime | None = None
) -> QuerySet:
    """Products the caller may see in ``channel``, with the channel's listing joined as
    ``channel_listing`` (see CHANNEL_LISTING). ``now``: the moment publication is judged at
    (the current time by default; a compiled query binds it)."""
    qs = with_channel_listing(Product.objects.all(), channel)
    if sees_all:
        return qs
    public = _published(for_listing, now) & Q(shop__status=ShopStatus.ACTIVE, shop__holiday_mode=False)
    own = shop_ids_of_member(user)
    return qs.filter(public | Q(shop_id__in=own)) if own else qs.filter(public)


def with_min_price(qs: QuerySet, channel: Channel | None = None) -> QuerySet:
    """Annotate ``min_price``, the stored minimum variant price to sort by (unpriced products
    sort as 0), read from the listing that ``products_visible`` joined for its channel. The
    expression is the one the listing price index is built on, so a price-sorted page is an
    index scan instead of a sort of every visible product."""
    return qs.annotate(min_price=listing_sort_price(f"{CHANNEL_LISTING}__min_price_amount"))


def with_price_filter(qs: QuerySet) -> QuerySet:
    """Alias ``listed_min_price`` (see ``price_lookup``) on a ``products_visible`` queryset: the
    stored minimum of its joined listing, NULL while unpriced so that it matches no price filter.
    Filtering the relation itself again would join the listing a second time."""
    return qs.alias(listed_min_price=F(f"{CHANNEL_LISTING}__min_price_amount"))


# The first photo's renditions and alt text, selected into a product page query (one index probe
# per product of the page) instead of prefetching media rows for the thumbnails.
THUMBNAIL = "thumbnail_renditions"
THUMBNAIL_ALT = "thumbnail_alt"


def with_thumbnail(qs: QuerySet) -> QuerySet:
    first = ProductMedia.objects.filter(product=OuterRef("pk")).order_by("sort_order", "id")
    return qs.annotate(
        **{
            THUMBNAIL: Subquery(first.values("renditions")[:1]),
            THUMBNAIL_ALT: Subquery(first.values("alt")[:1]),
        }
    )


def price_lookup(lookup: str = "") -> str:
    """The lookup for price filters on a ``with_price_filter`` queryset."""
    return "listed_min_price" + (f"__{lookup}" if lookup else "")


def available_filter(channel: Channel) -> Q:
    """Available for purchase now, with at least one priced variant in the channel (the stored
    minimum price is NULL until a variant has a price there)."""
    now = timezone.now()
    return Q(
        Exists(
            ProductChannelListing.objects.filter(
                product=OuterRef("pk"),
                channel=channel,
                available_for_purchase_at__lte=now,
                min_price_amount__isnull=False,
            )
        )
    )


def category_descendant_ids(category_ids: list[int]) -> list[int]:
    """The categories and all below them (the tree is shallow: a few levels)."""
    found = set(category_ids)
    frontier = set(category_ids)
    while frontier:
        frontier = set(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return sorted(found)


# Reads of the pages (storefront): the shop's product lists and product page, the seller centre's forms.


def with_page_relations(qs: QuerySet, channel: Channel) -> QuerySet:
    """Shop, category and type joined; photos, variants and this channel's variant prices batched."""
    prices = ProductVariantChannelListing.objects.filter(channel=channel)
    return qs.select_related("shop", "category", "product_type").prefetch_related(
        Prefetch("media", queryset=ProductMedia.objects.order_by("sort_order", "id")),
        Prefetch("variants", queryset=ProductVariant.objects.order_by("id")),
        Prefetch("variants__channel_listings", queryset=prices),
    )


def product_list_for_shop(shop, channel: Channel) -> QuerySet:
    """Every product of the shop (drafts too), newest first, with photos, prices and listing in ``channel``
    batched (the seller centre's product list)."""
    listings = ProductChannelListing.objects.filter(channel=channel)
    qs = Product.objects.filter(shop=shop).prefetch_related(Prefetch("channel_listings", queryset=listings))
    return with_page_relations(qs, channel).order_by("-created_at", "-id")


def product_get_with_shop(product_id) -> Product | None:
    """A product with its shop and type joined (the seller centre checks membership on it)."""
    return Product.objects.select_related("shop", "product_type").filter(pk=product_id).first()


def product_channel_listing_get(product: Product, channel: Channel) -> ProductChannelListing | None:
    return ProductChannelListing.objects.filter(product=product, channel=channel).first()


def product_variant_get_first(product: Product) -> ProductVariant | None:
    """The product's first variant (by id): the one the seller centre's one-variant form edits."""
    return ProductVariant.objects.filter(product=product).order_by("pk").first()


def product_variant_get(variant_id) -> ProductVariant | None:
    """A variant with its product, the product's shop and type joined (what adding to a cart needs)."""
    return ProductVariant.objects.select_related("product__shop", "product__product_type").filter(pk=variant_id).first()


def product_variant_list_for_shop(shop) -> list[ProductVariant]:
    """Every variant of the shop's products with its product, by product then variant."""
    return list(
        ProductVariant.objects.filter(product__shop=shop).select_related("product").order_by("product_id", "id")
    )


def product_variant_list_in_bulk(variant_ids) -> dict[int, ProductVariant]:
    """{id: variant} with products joined, in one query (none when no ids)."""
    variant_ids = set(variant_ids) - {None}
    return ProductVariant.objects.select_related("product").in_bulk(variant_ids) if variant_ids else {}


def product_variant_channel_listing_get(
    variant: ProductVariant, channel: Channel
) -> ProductVariantChannelListing | None:
    return ProductVariantChannelListing.objects.filter(variant=variant, channel=channel).first()


def product_type_list() -> QuerySet[ProductType]:
    return ProductType.objects.order_by("name")


def category_list() -> QuerySet[Category]:
    """Every category, in tree-level then name order."""
    return Category.objects.order_by("level", "name")


def category_list_top() -> list[Category]:
    return list(Category.objects.filter(parent__isnull=True).order_by("name"))


def category_list_children(category: Category) -> list[Category]:
    return list(Category.objects.filter(parent=category).order_by("name"))


def category_in_bulk(category_ids) -> dict[int, Category]:
    return Category.objects.in_bulk([pk for pk in category_ids if pk is not None])


def category_get_by_slug(slug: str) -> Category | None:
    return Category.objects.select_related("parent").filter(slug=slug).first()


def product_list_for_listing(
    channel: Channel,
    *,
    category: Category | None = None,
    shop=None,
    search: str = "",
    order_by=("-created_at", "-id"),
    by_price: bool = False,
) -> QuerySet:
    """What an anonymous buyer sees in ``channel`` (in a category and those below it, of a shop, matching a
    search), with the page's relations batched, in ``order_by`` (``by_price``: annotate the minimum price)."""
    if search:  # visibility from the search documents (products_listed_for_search)
        qs = products_listed_for_search(channel)
    else:
        qs = products_visible(channel, sees_all=False, user=None, for_listing=True)
    if category is not None:
        qs = qs.filter(category_id__in=category_descendant_ids([category.pk]))
    if shop is not None:
        qs = qs.filter(shop=shop)
    if search:
        qs = products_search(qs, search)[0]
    if by_price:
        qs = with_min_price(qs, channel)
    return with_page_relations(qs, channel).order_by(*order_by)


def product_get_for_page(channel: Channel, slug: str, *, user, sees_all: bool, prefetch=()) -> Product | None:
    """The product a visitor may open (``products_visible``) with the page's relations, its village of origin
    and attributes, and the caller's extra ``prefetch`` lookups; None if there is none."""
    qs = products_visible(channel, sees_all=sees_all, user=user, for_listing=False)
    qs = (
        with_page_relations(qs, channel)
        .select_related("origin_village__town")
        .prefetch_related(
            "attribute_values__attribute",
            "attribute_values__choice",
            *prefetch,
        )
    )
    return qs.filter(slug=slug).first()


def product_is_public(channel: Channel, product: Product) -> bool:
    """Whether buyers (anonymous visitors) see this product in ``channel``."""
    return products_visible(channel, sees_all=False, user=None, for_listing=False).filter(pk=product.pk).exists()


def product_media_list(product: Product) -> list[ProductMedia]:
    """The product's photos in their order."""
    return list(ProductMedia.objects.filter(product=product).order_by("sort_order", "id"))


# Search (marketplace.search holds the index; the catalogue knows what a product's document says).


def product_search_documents(product_ids) -> list[SearchDocument]:
    """The search documents of these products: name (A); shop, category and its parent, village and
    town of origin (B); description, variant names and SKUs (C); where they are public, as their
    PostgreSQL documents hold it (kept in the transaction of each listing change; Elasticsearch's copy)."""
    products = (
        Product.objects.filter(pk__in=list(product_ids))
        .select_related("shop__village__town", "category__parent", "origin_village__town", "search_document")
        .prefetch_related(Prefetch("variants", queryset=ProductVariant.objects.order_by("id")))
    )
    documents = []
    for product in products:
        secondary = [product.shop.name]
        if product.category is not None:
            secondary.append(product.category.name)
            if product.category.parent is not None:
                secondary.append(product.category.parent.name)
        village = product.origin_village or product.shop.village
        if village is not None:
            secondary += [village.name, village.town.name]
        variants = list(product.variants.all())
        visibility = getattr(product, "search_document", None)
        body = " ".join(
            [product.description[:2000], product.seo_title, *(v.name for v in variants), *(v.sku for v in variants)]
        )
        documents.append(
            SearchDocument(
                id=product.pk,
                name=product.name,
                secondary=secondary,
                body=body,
                label=product.name,
                filters={
                    "shop_id": product.shop_id,
                    "category_id": product.category_id,
                    "shop_kind": product.shop.kind,
                },
                channels=list(visibility.channels) if visibility else [],
                scheduled=list(
                    zip(
                        visibility.scheduled_channels if visibility else [],
                        [at.isoformat() for at in (visibility.scheduled_at if visibility else [])],
                        strict=True,
                    )
                ),
            )
        )
    return documents


def product_ids_after(after: int, limit: int) -> list[int]:
    """Product ids above ``after``, ascending (a reindex walks the table in such slices)."""
    return list(Product.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:limit])


def in_stock_filter() -> Q:
    """At least one variant with units on hand beyond those allocated, or not tracking inventory
    (reservations of open checkouts are left aside: a facet, not a promise)."""
    return Q(
        Exists(
            ProductVariant.objects.filter(product=OuterRef("pk")).filter(
                Q(track_inventory=False) | Q(stocks__quantity__gt=F("stocks__quantity_allocated"))
            )
        )
    )


def origin_town_filter(town_code: str) -> Q:
    """Grown in the town (the product's village of origin, else its shop's village)."""
    return Q(origin_village__town__code=town_code) | Q(origin_village__isnull=True, shop__village__town__code=town_code)


def _pending_by_name(queryset: QuerySet, query: ParsedQuery) -> list[int]:
    """Products of ``queryset`` whose document waits for its rebuild, found by name meanwhile."""
    pending = search_documents_pending_ids()
    if not pending or not query.text:
        return []
    named = queryset.filter(pk__in=pending, name__icontains=query.text.replace(" ", ""))
    return list(named.values_list("pk", flat=True))


def products_search(queryset: QuerySet, text: str) -> tuple[QuerySet, bool, ParsedQuery]:
    """``queryset`` narrowed to a buyer's words (see marketplace.search.selectors.products_matching),
    ranked as ``search_rank``; products whose document waits for its rebuild are found by name meanwhile."""
    query = parse_query(text)
    matched, relaxed = products_matching(queryset, query, include_ids=_pending_by_name(queryset, query))
    return matched, relaxed, query


def products_listed_for_search(channel: Channel) -> QuerySet:
    """What an anonymous buyer's search may find in ``channel``, read from the search documents (their
    ``channels``, rewritten with every listing and shop change: see marketplace.search.models) instead
    of joining listings and shops for every match: the same products as ``products_visible(channel,
    sees_all=False, for_listing=True)``. The channel's listing is joined as CHANNEL_LISTING for prices."""
    return with_channel_listing(Product.objects.filter(visible_in(channel.pk, "search_document__")), channel)


def products_search_page(
    channel: Channel,
    text: str,
    *,
    size: int,
    after: tuple[int, int] | None = None,
    descending: bool = True,
) -> tuple[QuerySet, int]:
    """A plain search by an anonymous buyer (no other filter, in rank order), answered by the index
    alone: (the page's products — at most ``size``, after the keyset (RANK, id) ``after`` — annotated
    with ``search_rank``, the channel's listing joinable as CHANNEL_LISTING; how many match in all).
    Same products, order and count as ``products_search(products_listed_for_search(channel), text)``."""
    query = parse_query(text)
    include = _pending_by_name(products_listed_for_search(channel), query)
    page, _relaxed = products_page(
        query, channel_id=channel.pk, size=size, after=after, descending=descending, include_ids=include
    )
    ids = [pk for pk, _rank in page.hits]
    products = with_channel_listing(Product.objects.filter(pk__in=ids), channel)
    return products.annotate(**{RANK: RankOf(F("pk"), page.hits)}), page.total


PRICE_BUCKETS = (Decimal("10"), Decimal("30"), Decimal("60"), Decimal("100"), Decimal("200"))
FACET_TOP = 12


def product_facets(queryset: QuerySet) -> dict:
    """Facet counts over a products queryset (already narrowed by search and filters): categories,
    price ranges (on the channel listing's minimum), towns of origin, shop kinds, in stock, rating."""
    base = queryset.order_by()
    categories = list(
        base.filter(category__isnull=False)
        .values("category_id", "category__name", "category__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "category__name")[:FACET_TOP]
    )
    town = Coalesce(F("origin_village__town__code"), F("shop__village__town__code"))
    town_name = Coalesce(F("origin_village__town__name"), F("shop__village__town__name"))
    towns = list(
        base.annotate(town_code=town, town_name=town_name)
        .filter(town_code__isnull=False)
        .values("town_code", "town_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "town_code")[:FACET_TOP]
    )
    kinds = list(base.values("shop__kind").annotate(count=Count("pk")).order_by("-count", "shop__kind"))
    edges = (None, *PRICE_BUCKETS, None)
    aggregates = {}
    for i in range(len(edges) - 1):
        low, high = edges[i], edges[i + 1]
        cond = Q(**{f"{CHANNEL_LISTING}__min_price_amount__isnull": False})
        if low is not None:
            cond &= Q(**{f"{CHANNEL_LISTING}__min_price_amount__gte": low})
        if high is not None:
            cond &= Q(**{f"{CHANNEL_LISTING}__min_price_amount__lt": high})
        aggregates[f"price_{i}"] = Count("pk", filter=cond)
    aggregates["in_stock"] = Count("pk", filter=in_stock_filter())
    for stars in (4, 3):
        aggregates[f"rating_{stars}"] = Count("pk", filter=Q(rating__gte=stars))
    counts = base.aggregate(**aggregates)
    return {
        "categories": categories,
        "prices": [{"gte": edges[i], "lt": edges[i + 1], "count": counts[f"price_{i}"]} for i in range(len(edges) - 1)],
        "towns": towns,
        "shop_kinds": [{"kind": row["shop__kind"], "count": row["count"]} for row in kinds],
        "in_stock": counts["in_stock"],
        "ratings": [{"gte": stars, "count": counts[f"rating_{stars}"]} for stars in (4, 3)],
    }


def product_suggestions_for(channel: Channel, text: str) -> list[str]:
    """Search-box suggestions: names of products an anonymous buyer may see in ``channel`` (read from
    their search documents: no join to listings and shops)."""
    return product_suggestions(products_listed_for_search(channel), text)


SEARCH_SORTS = {
    "rank": None,
    "price": ("min_price", "id"),
    "-price": ("-min_price", "-id"),
    "new": ("-created_at", "-id"),
    "rating": ("-rating_sort", "-id"),
}


def product_search_for_page(
    channel: Channel,
    text: str,
    *,
    category: Category | None = None,
    price_bucket: int | None = None,
    town: str = "",
    shop_kind: str = "",
    in_stock: bool = False,
    min_rating: int | None = None,
    sort: str = "rank",
) -> tuple[QuerySet, QuerySet, bool, ParsedQuery]:
    """The search results page: (page queryset in ``sort`` order with its relations batched, the
    matched queryset to count facets on, whether a relaxed match was used, the parsed query)."""
    matched, relaxed, query = products_search(products_listed_for_search(channel), text)
    if category is not None:
        matched = matched.filter(category_id__in=category_descendant_ids([category.pk]))
    if price_bucket is not None and 0 <= price_bucket <= len(PRICE_BUCKETS):
        edges = (None, *PRICE_BUCKETS, None)
        low, high = edges[price_bucket], edges[price_bucket + 1]
        price = f"{CHANNEL_LISTING}__min_price_amount"
        matched = matched.filter(**{f"{price}__isnull": False})
        if low is not None:
            matched = matched.filter(**{f"{price}__gte": low})
        if high is not None:
            matched = matched.filter(**{f"{price}__lt": high})
    if town:
        matched = matched.filter(origin_town_filter(town))
    if shop_kind:
        matched = matched.filter(shop__kind=shop_kind)
    if in_stock:
        matched = matched.filter(in_stock_filter())
    if min_rating:
        matched = matched.filter(rating__gte=min_rating)
    page = with_min_price(matched, channel) if sort in ("price", "-price") else matched
    if sort == "rating":
        page = page.annotate(rating_sort=Coalesce("rating", Value(0), output_field=DecimalField()))
    order = SEARCH_SORTS.get(sort) or ("-search_rank", "id")
    return with_page_relations(page, channel).order_by(*order), matched, relaxed, query


def search_related_terms(channel: Channel, text: str, limit: int = 8) -> list[str]:
    """What a "no results" page offers: names found by ever shorter prefixes of the query (a word
    with a typo at its end still finds its start), then by each of its words alone."""
    query = parse_query(text)
    seen: dict[str, None] = {}
    folded = query.text.replace(" ", "")
    for end in range(len(folded) - 1, max(0, len(folded) - 5), -1):  # at most four shorter prefixes
        for name in product_suggestions_for(channel, folded[:end]):
            seen.setdefault(name, None)
        if len(seen) >= limit:
            break
    for term in query.terms:
        for name in product_suggestions_for(channel, term.text):
            seen.setdefault(name, None)
    return list(seen)[:limit]
