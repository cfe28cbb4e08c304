"""The checkout page: address, a delivery choice per shop, payment, and placing the order.

The page posts twice at most: the address (village delivery prices depend on it), then
delivery choices, payment and "place order" together. A changed delivery that changes the
total is saved and shown again before anything is charged. Every refusal of a service comes
back as a message on the same page with the buyer's input kept.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.payment_check import checkout_card_action, checkout_payable_covered
from marketplace.checkout.selectors import checkout_has_lines, checkout_info
from marketplace.checkout.services import checkout_delivery_method_update, checkout_shipping_address_update
from marketplace.orders.selectors import orders_of_checkout
from marketplace.payments.gateways.alipay import ALIPAY, mode_for_user_agent
from marketplace.payments.models import TransactionAction, TransactionEventType
from marketplace.payments.services import transaction_initialize
from meidu.accounts.selectors import user_default_shipping_address
from meidu.core.errors import DomainError
from storefront.shop.buying.alipay_views import alipay_payment_waiting, alipay_url
from storefront.shop.buying.card_views import NEEDS_THE_BUYER, STRIPE, card_payment_waiting, card_url
from storefront.shop.buying.cart import cart_get
from storefront.shop.buying.cart_views import cart_url
from storefront.shop.buying.errors import ADDRESS_FIELDS, add_domain_errors, error_message
from storefront.shop.buying.forms import AddressForm, PlaceOrderForm
from storefront.shop.buying.presenters import delivery_options, delivery_target, delivery_value, page_gateways
from storefront.shop.buying.wechatpay_views import (
    WECHATPAY,
    wechatpay_data,
    wechatpay_mode,
    wechatpay_url,
    wechatpay_waiting,
)
from storefront.shop.listing import DEFAULT_CHANNEL, channel_from_request

# Card-like gateways charge at once; cash on delivery and bank transfer pick their own flow.
ACTIONS = {"meidu.payments.offline": TransactionAction.CHARGE, WECHATPAY: TransactionAction.CHARGE}
FAILED = {TransactionEventType.CHARGE_FAILURE, TransactionEventType.AUTHORIZATION_FAILURE}


def checkout_url(channel) -> str:
    url = reverse("shop:checkout")
    return url if channel.slug == DEFAULT_CHANNEL else f"{url}?{urlencode({'channel': channel.slug})}"


def _cart_or_redirect(request, channel):
    checkout = cart_get(request.user, channel)
    if checkout is None or not checkout_has_lines(checkout):
        messages.info(request, _("Your cart is empty."))
        return None, redirect(cart_url(channel))
    return checkout, None


def _groups_with_options(info):
    address = info.checkout.shipping_address
    rows = []
    for group in info.groups:
        options = delivery_options(group, address) if group.is_shipping_required else []
        rows.append({"group": group, "options": options, "chosen": delivery_value(group)})
    return rows


def _place_form(info, rows, gateways, data=None, *, refresh=False):
    """The delivery-and-payment form; ``refresh`` keeps the buyer's choices from ``data`` but gives
    a new payment attempt key and the current total (after a refusal or a changed total)."""
    option_choices = {
        row["group"].shop.pk: [(option.value, option.title) for option in row["options"]]
        for row in rows
        if row["group"].is_shipping_required
    }
    initial = {"token": info.checkout.pk, "attempt": uuid.uuid4().hex, "expected_total": info.total}
    for row in rows:
        if row["chosen"] and any(option.value == row["chosen"] for option in row["options"]):
            initial[f"delivery_{row['group'].shop.pk}"] = row["chosen"]
    if len(gateways) == 1:
        initial["payment"] = gateways[0][0]
    if data is not None and refresh:
        data = data.copy()
        data.update({"attempt": initial["attempt"], "expected_total": str(info.total)})
    return PlaceOrderForm(
        data,
        initial=initial,
        delivery_options=option_choices,
        gateways=[(gateway_id, name) for gateway_id, name, _help in gateways],
    )


def _render(request, channel, checkout, *, address_form=None, place_form=None, info=None, status=200):
    info = info or checkout_info(checkout)
    rows = _groups_with_options(info)
    gateways = page_gateways(info)
    address = checkout.shipping_address
    if address_form is None:
        last = user_default_shipping_address(request.user) if address is None else None
        address_form = AddressForm(
            initial=AddressForm.initial_from(address or last, None if (address or last) else request.user)
        )
    place_form = place_form or _place_form(info, rows, gateways)
    for row in rows:
        row["field"] = place_form[f"delivery_{row['group'].shop.pk}"] if row["group"].is_shipping_required else None
    return render(
        request,
        "shop/buying/checkout.html",
        {
            "channel": channel,
            "checkout": checkout,
            "info": info,
            "rows": rows,
            "address": address,
            "address_form": address_form,
            "edit_address": address is None or address_form.is_bound,
            "form": place_form,
            "gateways": gateways,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkout_page(request):
    """GET shows the page; POST saves the delivery address."""
    channel = channel_from_request(request)
    checkout, away = _cart_or_redirect(request, channel)
    if away:
        return away
    if request.method == "GET":
        return _render(request, channel, checkout)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            checkout_shipping_address_update(checkout, form.address_data())
        except DomainError as exc:
            add_domain_errors(form, exc, ADDRESS_FIELDS)
        else:
            messages.success(request, _("Address saved. Now choose the delivery and payment."))
            return redirect(checkout_url(channel))
    return _render(request, channel, checkout, address_form=form)


def _apply_deliveries(checkout, info, choices: dict[int, str]) -> bool:
    """Save the changed choices; True when something changed."""
    changed = False
    for group in info.groups:
        value = choices.get(group.shop.pk)
        if not value or value == delivery_value(group):
            continue
        target = delivery_target(value)
        if target is None:
            raise DomainError(_("Unknown delivery method"), "delivery_method_not_applicable", field="deliveryMethodId")
        checkout_delivery_method_update(checkout, shop=group.shop, **target)
        changed = True
    return changed


def _action(gateway_id: str, info) -> str | None:
    return checkout_card_action(info) if gateway_id == STRIPE else ACTIONS.get(gateway_id)


def _pay(request, checkout, info, gateway_id: str, attempt: str):
    """Start the payment unless the checkout is already covered (a retry after a refusal); the
    transaction item when the buyer's browser must finish it (a card form), else None."""
    if checkout_payable_covered(info):
        return None
    if gateway_id == STRIPE:
        waiting = card_payment_waiting(checkout.pk, info.due_now)
        if waiting is not None:
            return waiting
    data = None
    if gateway_id == ALIPAY:
        waiting = alipay_payment_waiting(checkout.pk, info.due_now)
        if waiting is not None:
            return waiting
        channel = channel_from_request(request)
        data = {
            "mode": mode_for_user_agent(request.headers.get("User-Agent", "")),
            "returnUrl": request.build_absolute_uri(alipay_url(channel, None, "shop:alipay_return")),
            "quitUrl": request.build_absolute_uri(checkout_url(channel)),
        }
    if gateway_id == WECHATPAY:
        mode = wechatpay_mode(request)
        waiting = wechatpay_waiting(checkout.pk, info.due_now, mode)
        if waiting is not None:
            return waiting
        data = wechatpay_data(request, mode)
    outcome = transaction_initialize(
        checkout_token=checkout.pk,
        gateway_id=gateway_id,
        action=_action(gateway_id, info),
        data=data,
        idempotency_key=f"web:{attempt}",
        user=request.user,
    )
    if outcome.event is not None and outcome.event.type in FAILED:
        raise DomainError(_("The payment was declined"), "payment_declined", field="payment")
    if outcome.event is not None and outcome.event.type in NEEDS_THE_BUYER:
        return outcome.item
    return None


@login_required
@require_POST
def place(request):
    channel = channel_from_request(request)
    token = request.POST.get("token", "")
    checkout = cart_get(request.user, channel)
    if checkout is None or str(checkout.pk) != token:
        # A second tap after the order went through, or a cart that changed in another tab.
        try:
            placed = [order for order in orders_of_checkout(uuid.UUID(token)) if order.user_id == request.user.pk]
        except ValueError:
            placed = []
        if placed:
            return redirect("shop:placed", token=placed[0].checkout_token)
        messages.error(request, _("Your cart changed in the meantime. Check it and place the order again."))
        return redirect(checkout_url(channel))
    info = checkout_info(checkout)
    rows = _groups_with_options(info)
    gateways = page_gateways(info)
    form = _place_form(info, rows, gateways, request.POST)
    if request.POST.get("action") == "update":
        form.fields["payment"].required = False
    if not form.is_valid():
        return _render(request, channel, checkout, place_form=form, info=info, status=400)
    try:
        changed = _apply_deliveries(checkout, info, form.delivery_choices())
        if changed:
            info = checkout_info(checkout)
        expected = form.cleaned_data.get("expected_total")
        if request.POST.get("action") == "update" or (expected is not None and expected != info.total):
            if request.POST.get("action") != "update":
                messages.info(request, _("The total changed: check it, then place the order."))
            return _render(
                request,
                channel,
                checkout,
                info=info,
                place_form=_place_form(info, rows, gateways, request.POST, refresh=True),
            )
        waiting = _pay(request, checkout, info, form.cleaned_data["payment"], form.cleaned_data["attempt"])
        if waiting is not None and waiting.gateway == WECHATPAY:
            return redirect(wechatpay_url(channel, waiting))
        if waiting is not None:
            return redirect(alipay_url(channel, waiting) if waiting.gateway == ALIPAY else card_url(channel, waiting))
        result = checkout_complete(checkout.pk, user=request.user)
    except DomainError as exc:
        for text in dict.fromkeys(error_message(error) for error in exc.as_list()):
            messages.error(request, text)
        info = checkout_info(checkout)
        return _render(
            request,
            channel,
            checkout,
            info=info,
            status=400,
            place_form=_place_form(info, _groups_with_options(info), gateways, request.POST, refresh=True),
        )
    return redirect("shop:placed", token=result.orders[0].checkout_token)
