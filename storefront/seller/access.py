"""Which shop a seller page is about: one the signed-in user is a member of, or a 404.

A 404 rather than a 403, so that a stranger cannot learn which shops or products exist.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from marketplace.catalog.models import Product
from marketplace.catalog.selectors import product_get_with_shop
from marketplace.orders.selectors import order_id_get_for_shops, order_with_lines
from marketplace.shops.models import Shop
from marketplace.shops.selectors import shop_get_by_slug, shop_ids_of_member, shop_is_member, shop_list_for_member


def member_shops(user) -> list[Shop]:
    return list(shop_list_for_member(user))


def current_shop(request) -> Shop | None:
    """The shop named by ``shop`` (query or form), else the user's first shop; None if they have none."""
    slug = request.POST.get("shop") or request.GET.get("shop")
    if not slug:
        return shop_list_for_member(request.user).first()
    shop = shop_get_by_slug(slug)
    if shop is None or not shop_is_member(request.user, shop.pk):
        raise Http404("No such shop")
    return shop


def member_product(request, product_id: int) -> Product:
    product = product_get_with_shop(product_id)
    if product is None or not shop_is_member(request.user, product.shop_id):
        raise Http404("No such product")
    return product


def shop_url(name: str, shop: Shop, *args) -> str:
    """A seller-centre URL that keeps the shop being worked on (sellers may run several)."""
    return f"{reverse(name, args=args)}?{urlencode({'shop': shop.slug})}"


def with_shop(view):
    """Sign-in required; the view receives the current shop; a user without one is sent to open one."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        shop = current_shop(request)
        if shop is None:
            return redirect("seller:open")
        return view(request, shop, *args, **kwargs)

    return wrapper


def member_order(request, number: int):
    """An order of a shop the user works for, with lines, fulfilments and events; else a 404."""
    found = order_id_get_for_shops(number, shop_ids_of_member(request.user))
    order = order_with_lines(found) if found else None
    if order is None:
        raise Http404("No such order")
    return order
