"""A buyer arriving by a distributor's share link (issue 16): the click is counted, a signed-in buyer is bound
to the distributor (last click wins, within the protection rules), an anonymous one is remembered in the
session until they sign in and add to the cart; then on to the distributor's shop or the picked product."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from incubator.referrals.selectors import referral_link_get_by_code
from incubator.referrals.services import referral_click
from storefront.distributor.qr import qr_png as make_png

SESSION_KEY = "referral_code"


def _target(link) -> str:
    shop = link.distributor_shop
    if link.pick_id is not None:
        product = link.pick.offer.variant.product
        return f"{reverse('shop:product', args=[product.slug])}?{urlencode({'via': shop.slug})}"
    if shop.status != "active":  # a suspended distributor's shop link: the buyer still shops, nobody credited
        return reverse("shop:catalogue")
    return reverse("shop:shop", args=[shop.slug])


@require_safe
def landing(request, code):
    link = referral_link_get_by_code(code)
    if link is None:
        raise Http404("No such link")
    if request.user.is_authenticated:
        referral_click(link, buyer=request.user)
    else:
        referral_click(link, buyer=None)
        request.session[SESSION_KEY] = link.code
    return redirect(_target(link))


@require_safe
@cache_control(max_age=3600, public=True)
def qr_png(request, code):
    link = referral_link_get_by_code(code)
    if link is None:
        raise Http404("No such link")
    response = HttpResponse(
        make_png(request.build_absolute_uri(reverse("referral_landing", args=[link.code]))), content_type="image/png"
    )
    response["Content-Disposition"] = f'inline; filename="meidu-{link.code}.png"'
    return response


def referral_claim(request) -> None:
    """A buyer who came by a link before signing in is bound now (called when they add to the cart)."""
    code = request.session.pop(SESSION_KEY, None)
    if code and request.user.is_authenticated:
        link = referral_link_get_by_code(code)
        if link is not None:
            referral_click(link, buyer=request.user, count=False)
