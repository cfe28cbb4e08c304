"""Which distributor shop a centre page is about: one the signed-in user works for, of kind distributor.
A user without one is shown how to open one (the existing shop flow, kind distributor)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from marketplace.shops.models import ShopKind
from marketplace.shops.selectors import shop_list_for_member


def distributor_shops(user):
    return shop_list_for_member(user).filter(kind=ShopKind.DISTRIBUTOR)


def current_distributor_shop(request):
    """The distributor shop named by ``shop`` (query or form), else the user's first; None without one."""
    shops = distributor_shops(request.user)
    slug = request.POST.get("shop") or request.GET.get("shop")
    if not slug:
        return shops.first()
    shop = shops.filter(slug=slug).first()
    if shop is None:
        raise Http404("No such shop")
    return shop


def centre_url(name: str, shop, *args) -> str:
    return f"{reverse(name, args=args)}?{urlencode({'shop': shop.slug})}"


def with_distributor_shop(view):
    """Sign-in required; the view receives the current distributor shop (or the page to open one)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        shop = current_distributor_shop(request)
        if shop is None:
            return render(request, "distributor/no_shop.html", status=200)
        return view(request, shop, *args, **kwargs)

    return wrapper
