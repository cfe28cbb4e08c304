"""Paying with WeChat Pay on the pages: the checkout picks how by the buyer's browser.

* inside WeChat's own browser (``MicroMessenger`` in the user agent) with the buyer's openid known:
  JSAPI, WeChat's pay sheet over our page (storefront/js/pay-wechat.js calls WeixinJSBridge);
* in another phone browser: H5, WeChat's cashier page, which sends the browser back to ``return``;
* on a desk screen (and in WeChat without an openid): Native, a QR code the buyer scans with the phone.

Wherever the buyer comes back from, ``wechatpay_return`` asks WeChat Pay itself (the query order
API, through transactionProcess), never the browser's word, and places the orders once it is
paid. The notification records the payment all the same when the buyer never comes back.
"""

from __future__ import annotations

import io
import re
from functools import wraps
from urllib.parse import urlencode

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from marketplace.orders.selectors import orders_of_checkout
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.models import TransactionItem
from marketplace.payments.selectors import (
    transaction_event_list_of_types,
    transaction_get_by_token,
    transaction_list_for_gateway,
)
from marketplace.payments.services import transaction_process
from meidu.core.errors import DomainError
from storefront.shop.buying.card_views import DECLINED, PAID, STILL_PROCESSING_SECONDS, _complete, _is_paid, card_url
from storefront.shop.buying.cart import cart_get
from storefront.shop.buying.errors import error_message
from storefront.shop.listing import channel_from_request

WECHATPAY = "meidu.payments.wechatpay"
NEEDS_THE_BUYER = {T.CHARGE_ACTION_REQUIRED}
QR_LOOKS_AGAIN_SECONDS = 5
PHONE = re.compile(r"Mobile|Android|iPhone|iPad|HarmonyOS", re.IGNORECASE)


def wechatpay_mode(request) -> str:
    """jsapi inside WeChat (when the buyer's openid is known), h5 on a phone, native on a desk screen."""
    agent = request.headers.get("User-Agent", "")
    if "MicroMessenger" in agent:
        return "jsapi" if request.session.get("wechat_openid") else "native"
    return "h5" if PHONE.search(agent) else "native"


def wechatpay_data(request, mode: str) -> dict:
    data: dict = {"mode": mode, "description": _("Meidu Market order")}
    if mode == "h5":
        data["clientIp"] = request.META.get("REMOTE_ADDR", "")
    if mode == "jsapi":
        data["openid"] = request.session.get("wechat_openid", "")
    return data


def wechatpay_details(item: TransactionItem) -> dict:
    """What the gateway handed back for the buyer (a QR link, a cashier link or the JSAPI parameters)."""
    for event in transaction_event_list_of_types(item, NEEDS_THE_BUYER):
        details = (event.data or {}).get("wechatpay")
        if details:
            return details
    return {}


def wechatpay_waiting(checkout_token, amount, mode: str) -> TransactionItem | None:
    """A WeChat payment of this checkout, this amount and this way of paying still waiting: a second
    "place order" goes back to it instead of opening another WeChat Pay order."""
    for item in transaction_list_for_gateway(checkout_token, WECHATPAY):
        if item.charge_pending_amount == amount and wechatpay_details(item).get("mode") == mode:
            return item
    return None


def wechatpay_url(channel, item: TransactionItem, name: str = "shop:wechatpay") -> str:
    return card_url(channel, item, name)


def _wechatpay_view(view):
    """A logged-in GET page about one WeChat payment of the buyer's own cart (as the card pages)."""

    @login_required
    @require_safe
    @wraps(view)
    def wrapper(request, token):
        channel = channel_from_request(request)
        item = transaction_get_by_token(token, gateway=WECHATPAY)
        if item is None:
            raise Http404("No such payment")
        if any(order.user_id == request.user.pk for order in orders_of_checkout(item.checkout_token)):
            return redirect("shop:placed", token=item.checkout_token)
        checkout = cart_get(request.user, channel)
        if checkout is None or checkout.pk != item.checkout_token:
            raise Http404("No such payment")
        return view(request, channel, checkout, item)

    return wrapper


@_wechatpay_view
def wechatpay_page(request, channel, checkout, item):
    """Send the buyer to pay: WeChat's cashier (H5), the pay sheet (JSAPI) or a QR code (Native)."""
    if _is_paid(checkout):
        return _complete(request, channel, checkout)
    details = wechatpay_details(item)
    return_url = request.build_absolute_uri(wechatpay_url(channel, item, "shop:wechatpay_return"))
    if details.get("mode") == "h5" and details.get("h5Url"):
        # A page that moves on by itself rather than a redirect: the place-order form's redirects may
        # not leave the site (CSP form-action), and WeChat's cashier checks the page it came from.
        return render(
            request,
            "shop/buying/pay_wechat_h5.html",
            {
                "channel": channel,
                "item": item,
                "amount": item.charge_pending_amount,
                "cashier_url": f"{details['h5Url']}&{urlencode({'redirect_url': return_url})}",
                "return_url": return_url,
            },
        )
    if not details:
        raise Http404("This payment needs nothing from the buyer")
    settled = _settled(request, channel, checkout, item)  # the QR page looks again by itself until paid
    if settled is not None:
        return settled
    return render(
        request,
        "shop/buying/pay_wechat.html",
        {
            "channel": channel,
            "item": item,
            "amount": item.charge_pending_amount,
            "mode": details.get("mode"),
            "jsapi": details.get("jsapi") or {},
            "qr_url": wechatpay_url(channel, item, "shop:wechatpay_qr"),
            "return_url": return_url,
            "seconds": QR_LOOKS_AGAIN_SECONDS,
        },
    )


@_wechatpay_view
def wechatpay_qr(request, channel, checkout, item):
    """The Native payment's code_url as a PNG QR code (made here: the link never leaves for a QR service)."""
    code_url = wechatpay_details(item).get("codeUrl")
    if not code_url:
        raise Http404("No QR code for this payment")
    image = qrcode.make(code_url, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _settled(request, channel, checkout, item):
    """Ask WeChat Pay (transactionProcess: the query order API) and act on a final answer; None while
    the buyer has not paid yet."""
    from storefront.shop.buying.checkout_views import checkout_url

    try:
        outcome = transaction_process(item, user=request.user)
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(checkout_url(channel))
    kind = outcome.event.type if outcome.event is not None else None
    if kind in PAID or _is_paid(checkout):
        return _complete(request, channel, checkout)
    if kind in DECLINED:
        messages.error(request, _("WeChat Pay did not take the payment. Choose another way to pay or try again."))
        return redirect(checkout_url(channel))
    return None


@_wechatpay_view
def wechatpay_return(request, channel, checkout, item):
    """Where the buyer comes back from WeChat's cashier: ask WeChat Pay what happened and act on it."""
    settled = _settled(request, channel, checkout, item)
    if settled is not None:
        return settled
    return render(
        request,
        "shop/buying/pay_wechat_waiting.html",
        {
            "channel": channel,
            "seconds": STILL_PROCESSING_SECONDS,
            "again": wechatpay_url(channel, item, "shop:wechatpay_return"),
            "back": wechatpay_url(channel, item),
        },
    )
