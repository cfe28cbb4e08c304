"""What the buyer pages read: the channel of a request and product querysets shaped for a page.

Listings show exactly what an anonymous buyer may see (``products_visible`` without a user),
so a seller browsing the market does not find their drafts mixed in; the product page also
lets members preview their own products. Every queryset batches its relations, so a page
costs the same number of queries whatever its length.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import Category
from marketplace.catalog.selectors import (
    category_list_children,
    category_list_top,
    product_get_for_page,
    product_is_public,
    product_list_for_listing,
)
from marketplace.channels.models import Channel
from marketplace.channels.selectors import channel_get
from marketplace.checkout.availability import stocks_sellable_prefetch
from marketplace.shops.selectors import shop_is_member
from meidu.core.errors import DomainError

DEFAULT_CHANNEL = "rural"
# The two storefronts buyers switch between; labels here because channel names are data (Chinese only).
CHANNEL_TABS = [("rural", _("Village produce")), ("retail", _("County stores"))]
SORTS = {"new": ("-created_at", "-id"), "price": ("min_price", "id"), "-price": ("-min_price", "-id")}
PAGE_SIZE = 20


def channel_from_request(request) -> Channel:
    slug = request.GET.get("channel") or DEFAULT_CHANNEL
    try:
        return channel_get(slug)
    except DomainError:
        raise Http404("No such channel") from None


def product_listing(
    channel: Channel, *, category: Category | None = None, shop=None, search: str = "", sort: str = "new"
) -> QuerySet:
    return product_list_for_listing(
        channel,
        category=category,
        shop=shop,
        search=search,
        order_by=SORTS.get(sort, SORTS["new"]),
        by_price=sort in ("price", "-price"),
    )


def product_for_page(channel: Channel, slug: str, user) -> tuple:
    """(product, public): the product a visitor may open, and whether buyers see it too."""
    sees_all = user.has_perm("catalog.manage_products")
    product = product_get_for_page(
        channel, slug, user=user, sees_all=sees_all, prefetch=[stocks_sellable_prefetch("variants__stocks")]
    )
    if product is None:
        raise Http404("No such product")
    if not sees_all and not shop_is_member(user, product.shop_id):
        return product, True
    return product, product_is_public(channel, product)


def category_nav(category: Category | None) -> list[Category]:
    """Chips under the search box: the top categories, or the children of the open one."""
    if category is not None:
        children = category_list_children(category)
        if children:
            return children
    return category_list_top()
