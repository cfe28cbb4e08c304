"""The seller's dashboard and its small actions: submit for review, holiday mode, shop settings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from marketplace.shops.models import ShopStatus
from marketplace.shops.selectors import shop_checklist
from marketplace.shops.services import shop_holiday_set, shop_transition, shop_update
from meidu.core.errors import DomainError
from storefront.seller.access import member_shops, shop_url, with_shop
from storefront.seller.errors import error_message
from storefront.seller.forms import ShopSettingsForm
from storefront.seller.presenters import checklist_rows, latest_notices
from storefront.shell.views.auth import client_ip

SUBMITTABLE = {ShopStatus.APPLIED, ShopStatus.REJECTED}
BEFORE_OPENING = SUBMITTABLE | {ShopStatus.IN_REVIEW}


@require_safe
@with_shop
def dashboard(request, shop):
    checklist = checklist_rows(shop_checklist(shop), shop)
    settings_form = ShopSettingsForm(
        initial={
            "description": shop.description,
            "offers_delivery": shop.offers_delivery,
            "accept_terms": shop.terms_accepted_at is not None,
        }
    )
    return render(
        request,
        "seller/dashboard.html",
        {
            "shop": shop,
            "shops": member_shops(request.user),
            "checklist": checklist,
            "notices": latest_notices(shop),
            "can_submit": shop.status in SUBMITTABLE,
            "show_checklist": shop.status in BEFORE_OPENING,
            "settings_form": settings_form,
        },
    )


def _back(shop):
    return redirect(shop_url("seller:dashboard", shop))


@require_POST
@with_shop
def submit(request, shop):
    try:
        shop_transition(shop, "submit", actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Submitted for review. The result will show here."))
    return _back(shop)


@require_POST
@with_shop
def holiday(request, shop):
    on = request.POST.get("on") == "1"
    shop_holiday_set(shop, on, actor=request.user)
    messages.success(
        request,
        _("Holiday mode is on: buyers cannot see your products.")
        if on
        else _("Welcome back: buyers can see your products again."),
    )
    return _back(shop)


@require_POST
@with_shop
def shop_settings(request, shop):
    form = ShopSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        shop_update(
            shop,
            actor=request.user,
            description=data["description"],
            offers_delivery=data["offers_delivery"],
            accept_terms=data["accept_terms"],
        )
        messages.success(request, _("Shop settings saved."))
    return redirect(shop_url("seller:dashboard", shop) + "#settings")
