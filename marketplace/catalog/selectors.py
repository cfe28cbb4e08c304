"""Catalogue reads: what a caller may see in a channel, and the filters of the products query.

Anonymous callers and buyers see products whose channel listing is published (now or
earlier), of active shops not on holiday; ``for_listing`` also requires
visible_in_listings. Shop members also see their own shop's products; operators
(MANAGE_PRODUCTS) see everything. Price sorting and filters read the price range stored on the
channel listing (kept by the catalogue services), never the variants' prices.
"""

from __future__ import annotations

from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery
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
from marketplace.shops.models import ShopStatus
from marketplace.shops.selectors import shop_ids_of_member

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


def _published(for_listing: bool) -> Q:
    now = timezone.now()
    listed = Q(channel_listing__is_published=True) & (
        Q(channel_listing__published_at__isnull=True) | Q(channel_listing__published_at__lte=now)
    )
    if for_listing:
        listed &= Q(channel_listing__visible_in_listings=True)
    return listed


def products_visible(channel: Channel, *, sees_all: bool, user=None, for_listing: bool = True) -> QuerySet:
    """Products the caller may see in ``channel``, with the channel's listing joined as
    ``channel_listing`` (see CHANNEL_LISTING)."""
    qs = with_channel_listing(Product.objects.all(), channel)
    if sees_all:
        return qs
    public = _published(for_listing) & Q(shop__status=ShopStatus.ACTIVE, shop__holiday_mode=False)
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


def search_filter(text: str) -> Q:
    """Substring match on name, description and SKU; Chinese needs no word boundaries here.
    The search issue replaces this with ranked full-text search."""
    text = text.strip()
    if not text:
        return Q()
    sku_match = Exists(ProductVariant.objects.filter(product=OuterRef("pk"), sku__iexact=text))
    return Q(name__icontains=text) | Q(description__icontains=text) | Q(sku_match)


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
    qs = products_visible(channel, sees_all=False, user=None, for_listing=True)
    if category is not None:
        qs = qs.filter(category_id__in=category_descendant_ids([category.pk]))
    if shop is not None:
        qs = qs.filter(shop=shop)
    if search:
        qs = qs.filter(search_filter(search))
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
