"""The cart: add from a product page, change quantities, remove; grouped by shop."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from marketplace.catalog.selectors import product_variant_get
from marketplace.checkout.selectors import checkout_info, checkout_line_get
from marketplace.checkout.services import checkout_lines_delete, checkout_lines_update
from marketplace.shops.selectors import shop_get_by_slug
from meidu.core.errors import DomainError
from storefront.distributor.views.referral import referral_claim
from storefront.shop.buying.cart import cart_add, cart_counts, cart_get
from storefront.shop.buying.errors import flash_domain_errors
from storefront.shop.buying.forms import AddToCartForm, QuantityForm
from storefront.shop.listing import CHANNEL_TABS, DEFAULT_CHANNEL, channel_from_request


def cart_url(channel) -> str:
    url = reverse("shop:cart")
    return url if channel.slug == DEFAULT_CHANNEL else f"{url}?{urlencode({'channel': channel.slug})}"


def _product_url(variant, channel) -> str:
    url = reverse("shop:product", args=[variant.product.slug])
    return url if channel.slug == DEFAULT_CHANNEL else f"{url}?{urlencode({'channel': channel.slug})}"


@require_safe
def cart_page(request):
    channel = channel_from_request(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    checkout = cart_get(request.user, channel)
    info = checkout_info(checkout) if checkout is not None else None
    return render(
        request,
        "shop/buying/cart.html",
        {
            "channel": channel,
            "channel_tabs": CHANNEL_TABS,
            "counts": cart_counts(request.user),
            "checkout": checkout,
            "info": info,
        },
    )


@require_POST
def add(request):
    channel = channel_from_request(request)
    form = AddToCartForm(request.POST)
    variant = None
    if form.is_valid():
        variant = product_variant_get(form.cleaned_data["variant"])
    elif str(request.POST.get("variant", "")).isdigit():
        variant = product_variant_get(request.POST["variant"])
    if variant is None:
        raise Http404("No such item")
    reseller = None
    back = _product_url(variant, channel)
    if request.POST.get("reseller"):  # bought through a distributor's shop (issue 16)
        reseller = shop_get_by_slug(str(request.POST["reseller"])[:120])
        if reseller is None:
            raise Http404("No such shop")
        back = f"{reverse('shop:product', args=[variant.product.slug])}?{urlencode({'via': reseller.slug})}"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    referral_claim(request)
    if not form.is_valid():
        messages.error(request, _("Enter a quantity of at least 1."))
        return redirect(back)
    try:
        cart_add(request.user, channel, variant, form.cleaned_data["quantity"], reseller=reseller)
    except DomainError as exc:
        flash_domain_errors(request, exc)
        return redirect(back)
    messages.success(request, _("Added “%(name)s” to your cart.") % {"name": variant.product.name})
    return redirect(back)


def _line_action(request, act):
    channel = channel_from_request(request)
    if not request.user.is_authenticated:
        return redirect_to_login(cart_url(channel))
    checkout = cart_get(request.user, channel)
    data = request.POST.copy()
    step = data.get("step", "")
    if step in ("-1", "1") and str(data.get("quantity", "")).isdigit():
        data["quantity"] = str(max(0, int(data["quantity"]) + int(step)))
    form = QuantityForm(data)
    if checkout is None or not form.is_valid():
        messages.error(request, _("Enter a quantity of at least 1."))
        return redirect(cart_url(channel))
    line = checkout_line_get(checkout, form.cleaned_data["line"])
    if line is None:
        raise Http404("No such line")
    try:
        act(checkout, line, form.cleaned_data["quantity"])
    except DomainError as exc:
        flash_domain_errors(request, exc)
    return redirect(cart_url(channel))


@require_POST
def update(request):
    def act(checkout, line, quantity):
        if quantity is None:
            messages.error(request, _("Enter a quantity of at least 1."))
            return
        checkout_lines_update(checkout, [(line.variant, quantity)])
        if quantity == 0:
            messages.success(request, _("Removed “%(name)s”.") % {"name": line.variant.product.name})
        else:
            messages.success(request, _("Quantity of “%(name)s” changed.") % {"name": line.variant.product.name})

    return _line_action(request, act)


@require_POST
def remove(request):
    def act(checkout, line, _quantity):
        checkout_lines_delete(checkout, [line.pk])
        messages.success(request, _("Removed “%(name)s”.") % {"name": line.variant.product.name})

    return _line_action(request, act)
