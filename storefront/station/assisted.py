"""Assisted buying at the station (网络代购), phone first: the agent starts an order for a villager's
number, picks the goods, chooses pickup at the station or delivery to the village, texts the
villager a code and types the code the villager reads out (or records a counter signature); the
order is placed in the villager's name, cash on delivery.

The pages show the agent only what the villager needs: the number masked, the goods, the total and
the orders placed. They read through marketplace.assisted's selectors and write through its
services; every refusal comes back as a message on the same page with its code's text.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from logistics.geography.selectors import village_get, village_list
from marketplace.assisted.models import AssistedOrderStatus
from marketplace.assisted.selectors import (
    assisted_cart,
    assisted_goods,
    assisted_order_get,
    assisted_order_list_recent,
    assisted_stations_of,
    phone_masked,
)
from marketplace.assisted.services import (
    assisted_order_code_send,
    assisted_order_confirm,
    assisted_order_delivery_set,
    assisted_order_quantity_set,
    assisted_order_start,
)
from marketplace.catalog.selectors import product_variant_get
from marketplace.settlement.selectors import assist_fees_of_agent
from meidu.accounts.selectors import sms_outbox_latest
from meidu.core.errors import DomainError
from storefront.station.forms import (
    AssistedCodeForm,
    AssistedDeliveryForm,
    AssistedLineForm,
    AssistedSignatureForm,
    AssistedStartForm,
)

MAX_SEARCH = 40


def _refusals(request, exc: DomainError) -> None:
    for text in dict.fromkeys(error.message for error in exc.as_list()):
        messages.error(request, text)


def _mine(request, token):
    assisted = assisted_order_get(token, agent=request.user)
    if assisted is None:
        raise Http404("No such assisted order")
    return assisted


@login_required
@require_http_methods(["GET", "POST"])
def assisted_start(request):
    points = assisted_stations_of(request.user)
    if not points:
        return render(request, "station/assisted_no_station.html", status=403)
    form = AssistedStartForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        try:
            assisted = assisted_order_start(
                agent=request.user, station=form.cleaned_data["point"], phone=form.cleaned_data["phone"]
            )
        except DomainError as exc:
            form.add_error("phone", exc.message)
        else:
            return redirect("station:assisted_order", token=assisted.pk)
    earned, fees = assist_fees_of_agent(request.user)
    now = timezone.now()
    recent = []
    for assisted in assisted_order_list_recent(request.user):
        state = assisted.state_at(now)  # one past its expiry reads expired before the job marks it
        recent.append((assisted, phone_masked(assisted.phone), state, AssistedOrderStatus(state).label))
    return render(
        request,
        "station/assisted_start.html",
        {"form": form, "recent": recent, "earned": earned, "fees": fees},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def assisted_order(request, token):
    assisted = _mine(request, token)
    cart = assisted_cart(assisted)
    search = (request.GET.get("q") or "")[:MAX_SEARCH]
    open_cart = cart.info is not None
    in_cart = {line.variant.pk: line.line.quantity for line in cart.info.lines} if open_cart else {}
    return render(
        request,
        "station/assisted_order.html",
        {
            "assisted": assisted,
            "phone": phone_masked(assisted.phone),
            "cart": cart,
            "search": search,
            "goods": [(listing, in_cart.get(listing.variant.pk, 1)) for listing in assisted_goods(search)]
            if open_cart
            else [],
            "delivery_form": AssistedDeliveryForm(
                initial={"delivery": assisted.delivery or "station"}, villages=village_list()
            ),
            "code_form": AssistedCodeForm(),
            "signature_form": AssistedSignatureForm(),
            # the demo's console SMS backend only: the text the villager's phone would have received
            "demo_sms": sms_outbox_latest(assisted.phone) if open_cart else None,
        },
    )


def _back(assisted):
    return redirect("station:assisted_order", token=assisted.pk)


@login_required
@require_POST
def assisted_line(request, token):
    assisted = _mine(request, token)
    form = AssistedLineForm(request.POST)
    variant = product_variant_get(form.cleaned_data["variant"]) if form.is_valid() else None
    if variant is None:
        messages.error(request, _("Choose a quantity from 0 to 9999."))
        return _back(assisted)
    try:
        assisted_order_quantity_set(
            assisted, agent=request.user, variant=variant, quantity=form.cleaned_data["quantity"]
        )
    except DomainError as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Cart updated."))
    return _back(assisted)


@login_required
@require_POST
def assisted_delivery(request, token):
    assisted = _mine(request, token)
    form = AssistedDeliveryForm(request.POST, villages=village_list())
    if not form.is_valid():
        messages.error(request, _("Choose pickup at the station or a village."))
        return _back(assisted)
    data = form.cleaned_data
    try:
        assisted_order_delivery_set(
            assisted,
            agent=request.user,
            delivery=data["delivery"],
            village=village_get(data["village"]) if data.get("village") else None,
            recipient=data.get("recipient") or "",
            detail=data.get("detail") or "",
        )
    except DomainError as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Delivery saved."))
    return _back(assisted)


@login_required
@require_POST
def assisted_code(request, token):
    assisted = _mine(request, token)
    try:
        assisted_order_code_send(assisted, agent=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    except DomainError as exc:
        _refusals(request, exc)
    else:
        messages.success(
            request,
            _("A code was texted to %(phone)s. Ask the villager to read it out before %(when)s.")
            % {
                "phone": phone_masked(assisted.phone),
                "when": date_format(timezone.localtime(assisted.expires_at), "Y-m-d H:i"),
            },
        )
    return _back(assisted)


@login_required
@require_POST
def assisted_confirm(request, token):
    assisted = _mine(request, token)
    by_signature = request.POST.get("method") == "signature"
    form = AssistedSignatureForm(request.POST) if by_signature else AssistedCodeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Record the villager's signed name and tick the attestation.")
            if by_signature
            else _("Type the six-digit code the villager reads out."),
        )
        return _back(assisted)
    try:
        orders = assisted_order_confirm(
            assisted,
            agent=request.user,
            code=None if by_signature else form.cleaned_data["code"],
            signed_name=form.cleaned_data["signed_name"] if by_signature else None,
            attested=form.cleaned_data.get("attested") is True,
            ip_address=request.META.get("REMOTE_ADDR"),
        )
    except DomainError as exc:
        _refusals(request, exc)
    else:
        messages.success(
            request,
            _("Placed in the villager's name: order %(numbers)s, paid in cash on delivery.")
            % {"numbers": "、".join(str(order.number) for order in orders)},
        )
    return _back(assisted)
