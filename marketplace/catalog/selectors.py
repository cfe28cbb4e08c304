"""Catalogue reads: what a caller may see in a channel, and the filters of the products query.

Anonymous callers and buyers see products whose channel listing is published (now or
earlier), of active shops not on holiday; ``for_listing`` also requires
visible_in_listings. Shop members also see their own shop's products; operators
(MANAGE_PRODUCTS) see everything.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.catalog.models import Category, Product, ProductChannelListing, ProductVariant, ProductVariantChannelListing
from marketplace.channels.models import Channel
from marketplace.shops.models import ShopStatus
from marketplace.shops.selectors import shop_ids_of_member


def _published(channel: Channel, for_listing: bool):
    now = timezone.now()
    listings = ProductChannelListing.objects.filter(
        product=OuterRef("pk"), channel=channel, is_published=True
    ).filter(Q(published_at__isnull=True) | Q(published_at__lte=now))
    if for_listing:
        listings = listings.filter(visible_in_listings=True)
    return Exists(listings)


def products_visible(channel: Channel, *, sees_all: bool, user=None, for_listing: bool = True) -> QuerySet:
    qs = Product.objects.all()
    if sees_all:
        return qs
    public = _published(channel, for_listing) & Q(shop__status=ShopStatus.ACTIVE, shop__holiday_mode=False)
    own = shop_ids_of_member(user)
    return qs.filter(public | Q(shop_id__in=own)) if own else qs.filter(public)


def min_price_subquery(channel: Channel):
    return Subquery(
        ProductVariantChannelListing.objects.filter(variant__product=OuterRef("pk"), channel=channel)
        .values("variant__product")
        .annotate(low=Min("price_amount"))
        .values("low")[:1]
    )


def with_min_price(qs: QuerySet, channel: Channel) -> QuerySet:
    """Annotate ``min_price`` (products without a price sort as 0) for sorting and price filters."""
    return qs.annotate(min_price=Coalesce(min_price_subquery(channel), Value(Decimal("0"))))


def available_filter(channel: Channel) -> Q:
    """Available for purchase now, with at least one priced variant in the channel."""
    now = timezone.now()
    purchasable = Exists(
        ProductChannelListing.objects.filter(product=OuterRef("pk"), channel=channel, available_for_purchase_at__lte=now)
    )
    priced = Exists(ProductVariantChannelListing.objects.filter(variant__product=OuterRef("pk"), channel=channel))
    return Q(purchasable) & Q(priced)


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
