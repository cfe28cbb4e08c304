"""Buyer pages (public): the catalogue of a channel, a category, a product and a shop.

Anonymous visitors share one rendering of each (storefront/shell/page_cache.py), invalidated by the
versions of what they show: products, prices and pre-sales (CATALOG), stock (STOCK: the product
page says what is left), shops (SHOPS) and channels (CHANNELS). A distributor's picks and resale
prices are no part of those versions, so the pages showing them are never shared.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from incubator.distribution.selectors import distribution_pick_list_live, resale_pick_for_product
from marketplace.catalog.attributes import display_value
from marketplace.catalog.selectors import category_get_by_slug
from marketplace.shops.models import ShopKind, ShopStatus
from marketplace.shops.selectors import shop_get_by_slug, shop_is_member
from meidu.core.cache_versions import CATALOG, CHANNELS, SHOPS, STOCK
from meidu.core.search.spec import SearchUnavailable
from storefront.shell.page_cache import cached_page, not_shared
from storefront.shop.buying.presale import presale_offers
from storefront.shop.listing import (
    CHANNEL_TABS,
    PAGE_SIZE,
    SORTS,
    category_nav,
    channel_from_request,
    product_for_page,
    product_listing,
)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@cached_page(CATALOG, SHOPS, CHANNELS)
@require_safe
def catalogue(request, slug=None):
    """Products of a channel, optionally in one category (and those below it) or matching a search."""
    channel = channel_from_request(request)
    category = category_get_by_slug(slug) if slug else None
    if slug and category is None:
        raise Http404("No such category")
    search = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "new"
    try:
        products = product_listing(channel, category=category, search=search, sort=sort)
    except SearchUnavailable:  # Elasticsearch down: the catalogue still shows, without the search
        messages.error(request, _("Search is unavailable at the moment. Please try again shortly."))
        products = product_listing(channel, category=category, sort=sort)
    return render(
        request,
        "shop/catalogue.html",
        {
            "channel": channel,
            "channel_tabs": CHANNEL_TABS,
            "category": category,
            "categories": category_nav(category),
            "search": search,
            "sort": sort,
            "page": _page(request, products),
        },
    )


@cached_page(CATALOG, STOCK, SHOPS, CHANNELS)
@require_safe
def product_detail(request, slug):
    channel = channel_from_request(request)
    product, public = product_for_page(channel, slug, request.user)
    attributes = [(value.attribute, display_value(value)[1]) for value in product.attribute_values.all()]
    variants = list(product.variants.all())
    # Came through a distributor's shop or link (?via=<its slug>): its price, and the cart line is its.
    resale = resale_pick_for_product(request.GET.get("via", ""), product.pk) if request.GET.get("via") else None
    if resale is not None:
        variants = [variant for variant in variants if variant.pk == resale.offer.variant_id]
    response = render(
        request,
        "shop/product.html",
        {
            "channel": channel,
            "product": product,
            "public": public,
            "attributes": attributes,
            "photos": list(product.media.all()),
            "variants": variants,
            "presales": presale_offers(product, variants, channel) if resale is None else [],
            "resale": resale,
        },
    )
    return not_shared(response) if resale is not None else response


@cached_page(CATALOG, SHOPS, CHANNELS)
@require_safe
def shop_detail(request, slug):
    """An active shop and its visible products; other shops exist only for their own members."""
    shop = shop_get_by_slug(slug)
    if shop is None or (shop.status != ShopStatus.ACTIVE and not shop_is_member(request.user, shop.pk)):
        raise Http404("No such shop")
    channel = channel_from_request(request)
    if shop.kind == ShopKind.DISTRIBUTOR:  # a distributor's microshop shows its live picks (issue 16)
        return not_shared(
            render(
                request,
                "shop/shop.html",
                {
                    "channel": channel,
                    "channel_tabs": CHANNEL_TABS,
                    "shop": shop,
                    "picks": distribution_pick_list_live(shop.pk)[:100],
                },
            )
        )
    products = product_listing(channel, shop=shop)
    return render(
        request,
        "shop/shop.html",
        {
            "channel": channel,
            "channel_tabs": CHANNEL_TABS,
            "shop": shop,
            "page": _page(request, products),
        },
    )
