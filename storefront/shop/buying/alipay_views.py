"""Paying with Alipay on the pages: the buyer is sent to Alipay and comes back to ask us.

``place`` opens the transaction (an Alipay trade: wap pay on a phone, page pay on a desk screen,
chosen by the user agent) and sends the buyer to ``alipay_page``, which shows the amount and
opens Alipay's signed pay URL (a link, so the page's form-action policy never has to trust
Alipay). Alipay sends the browser back to ``alipay_return`` with ``out_trade_no`` and signed
parameters we do not rely on: we ask Alipay (alipay.trade.query through transactionProcess) and
place the orders only once it says the trade is paid. A closed trade sends the buyer back to the
checkout; one not paid yet, back to the Alipay page. When the browser never comes back, Alipay's
notification records the payment all the same and the abandoned-funds sweep gives it back if no
order follows.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.payment_check import checkout_payable_covered
from marketplace.checkout.selectors import checkout_info
from marketplace.orders.selectors import orders_of_checkout
from marketplace.payments.gateways.alipay import ALIPAY
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.models import TransactionItem
from marketplace.payments.selectors import (
    transaction_event_list_of_types,
    transaction_get_by_token,
    transaction_list_for_gateway,
)
from marketplace.payments.services import transaction_process
from meidu.core.errors import DomainError
from storefront.shop.buying.cart import cart_get
from storefront.shop.buying.errors import error_message
from storefront.shop.listing import DEFAULT_CHANNEL, channel_from_request

PAID = {T.CHARGE_SUCCESS}
CLOSED = {T.CHARGE_FAILURE}


def alipay_url(channel, item: TransactionItem | None = None, name: str = "shop:alipay") -> str:
    url = reverse(name, args=[item.token]) if item is not None else reverse(name)
    return url if channel.slug == DEFAULT_CHANNEL else f"{url}?channel={channel.slug}"


def pay_url(item: TransactionItem) -> str:
    """Alipay's signed pay URL, as the gateway returned it when the trade was started."""
    for event in transaction_event_list_of_types(item, [T.CHARGE_ACTION_REQUIRED]):
        url = ((event.data or {}).get("alipay") or {}).get("payUrl")
        if url:
            return url
    return ""


def alipay_payment_waiting(checkout_token, amount) -> TransactionItem | None:
    """An Alipay trade of this checkout still waiting for the buyer, for this amount: a second
    "place order" goes back to it instead of opening another trade."""
    for item in transaction_list_for_gateway(checkout_token, ALIPAY):
        if item.charge_pending_amount == amount and pay_url(item):
            return item
    return None


def _item_of_return(request, checkout) -> TransactionItem | None:
    """The trade Alipay's return names (out_trade_no is the item token's hex), else the cart's newest
    waiting trade; either way one of the buyer's own cart."""
    claimed = request.GET.get("out_trade_no", "")
    if claimed:
        try:
            item = transaction_get_by_token(uuid.UUID(hex=claimed[:32]), gateway=ALIPAY) if len(claimed) == 32 else None
        except ValueError:
            item = None
    else:
        item = next(iter(transaction_list_for_gateway(checkout.pk, ALIPAY)), None)
    return item if item is not None and item.checkout_token == checkout.pk else None


def _alipay_view(view):
    """A logged-in GET page about one Alipay trade of the buyer's cart: ``view(request, channel, checkout,
    item)``. Once the checkout has become the buyer's orders it shows them; another's trade is a 404."""

    @login_required
    @require_safe
    @wraps(view)
    def wrapper(request, token=None):
        channel = channel_from_request(request)
        checkout = cart_get(request.user, channel)
        if token is not None:
            item = transaction_get_by_token(token, gateway=ALIPAY)
        elif checkout is not None:
            item = _item_of_return(request, checkout)
        else:
            claimed = request.GET.get("out_trade_no", "")
            try:
                item = transaction_get_by_token(uuid.UUID(hex=claimed), gateway=ALIPAY) if len(claimed) == 32 else None
            except ValueError:
                item = None
        if item is None:
            raise Http404("No such payment")
        if any(order.user_id == request.user.pk for order in orders_of_checkout(item.checkout_token)):
            return redirect("shop:placed", token=item.checkout_token)
        if checkout is None or checkout.pk != item.checkout_token:
            raise Http404("No such payment")
        return view(request, channel, checkout, item)

    return wrapper


def _with_trade(url: str, item: TransactionItem) -> str:
    return f"{url}{'&' if '?' in url else '?'}out_trade_no={item.token.hex}"


def _is_paid(checkout) -> bool:
    return checkout_payable_covered(checkout_info(checkout, with_shipping_methods=False))


def _complete(request, channel, checkout):
    from storefront.shop.buying.checkout_views import checkout_url

    try:
        result = checkout_complete(checkout.pk, user=request.user)
    except DomainError as exc:
        # Stock gone after paying: checkout_complete has already given the money back.
        for text in dict.fromkeys(error_message(error) for error in exc.as_list()):
            messages.error(request, text)
        return redirect(checkout_url(channel))
    return redirect("shop:placed", token=result.orders[0].checkout_token)


@_alipay_view
def alipay_page(request, channel, checkout, item):
    """The amount and the way to Alipay for one trade of the buyer's cart."""
    if _is_paid(checkout):
        return _complete(request, channel, checkout)
    url = pay_url(item)
    if not url or item.charge_pending_amount <= 0:
        raise Http404("This payment is not waiting for Alipay")
    mode = next(
        (
            (event.data or {}).get("alipay", {}).get("mode")
            for event in transaction_event_list_of_types(item, [T.CHARGE_ACTION_REQUIRED])
        ),
        "page",
    )
    return render(
        request,
        "shop/buying/pay_alipay.html",
        {
            "channel": channel,
            "item": item,
            "amount": item.charge_pending_amount,
            "pay_url": url,
            "on_phone": mode == "wap",
            "check_url": _with_trade(alipay_url(channel, None, "shop:alipay_return"), item),
        },
    )


@_alipay_view
def alipay_return(request, channel, checkout, item):
    """Where Alipay sends the browser back: ask Alipay what happened and act on it."""
    from storefront.shop.buying.checkout_views import checkout_url

    try:
        outcome = transaction_process(item, user=request.user)
    except DomainError as exc:
        messages.error(
            request, _("Alipay could not be asked about the payment: %(reason)s") % {"reason": error_message(exc)}
        )
        return redirect(alipay_url(channel, item))
    kind = outcome.event.type if outcome.event is not None else None
    if kind in PAID or _is_paid(checkout):
        return _complete(request, channel, checkout)
    if kind in CLOSED:
        messages.error(
            request, _("The Alipay payment was closed without paying. Choose another way to pay or try again.")
        )
        return redirect(checkout_url(channel))
    messages.info(request, _("Alipay has not received the payment yet."))
    return redirect(alipay_url(channel, item))
