"""Paying by card on the pages: Stripe's Payment Element takes the card, Meidu Market never sees it.

``place`` opens the transaction (a PaymentIntent) and, when Stripe needs the buyer's browser,
sends the buyer to ``card_page``. There Stripe.js confirms the PaymentIntent (3-D Secure
included) and sends the browser back to ``card_return``, where we ask Stripe for the outcome
(transactionProcess, never the browser's word) and complete the checkout once it is paid. A
declined card sends the buyer back to the checkout with Stripe's reason; a payment Stripe is
still processing waits on a page that looks again every few seconds. When the browser never
comes back, the webhook records the outcome all the same and the abandoned-funds sweep gives
the money back if no order follows.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.payment_check import checkout_payable_covered
from marketplace.checkout.selectors import checkout_info
from marketplace.orders.selectors import orders_of_checkout
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.models import TransactionItem
from marketplace.payments.selectors import (
    transaction_event_list_of_types,
    transaction_get_by_token,
    transaction_list_for_gateway,
)
from marketplace.payments.services import transaction_process
from meidu.core.csp import csp_policy
from meidu.core.errors import DomainError
from storefront.shop.buying.cart import cart_get
from storefront.shop.buying.errors import error_message
from storefront.shop.listing import DEFAULT_CHANNEL, channel_from_request

STRIPE = "meidu.payments.stripe"
NEEDS_THE_BUYER = {T.CHARGE_ACTION_REQUIRED, T.AUTHORIZATION_ACTION_REQUIRED}
PAID = {T.CHARGE_SUCCESS, T.AUTHORIZATION_SUCCESS}
DECLINED = {T.CHARGE_FAILURE, T.AUTHORIZATION_FAILURE}
STILL_PROCESSING_SECONDS = 3


def card_url(channel, item: TransactionItem, name: str = "shop:card") -> str:
    url = reverse(name, args=[item.token])
    return url if channel.slug == DEFAULT_CHANNEL else f"{url}?channel={channel.slug}"


def card_payment_waiting(checkout_token, amount) -> TransactionItem | None:
    """A card payment of this checkout still waiting for the buyer, for this amount: a second
    "place order" goes back to it instead of opening another PaymentIntent."""
    for item in transaction_list_for_gateway(checkout_token, STRIPE):
        if item.charge_pending_amount + item.authorize_pending_amount == amount and _client_secret(item):
            return item
    return None


def _client_secret(item: TransactionItem) -> str:
    """The PaymentIntent's client secret, as the gateway returned it with the action-required event."""
    for event in transaction_event_list_of_types(item, NEEDS_THE_BUYER):
        secret = ((event.data or {}).get("paymentIntent") or {}).get("stripeClientSecret")
        if secret:
            return secret
    return ""


def _card_payment_view(view):
    """A logged-in GET page about one card payment of the buyer's own cart: ``view(request, channel,
    checkout, item)``. Once the checkout has become the buyer's orders (the back button, Stripe's
    redirect arriving twice) it shows them instead; another buyer's payment is a 404."""

    @login_required
    @require_safe
    @wraps(view)
    def wrapper(request, token):
        channel = channel_from_request(request)
        item = transaction_get_by_token(token, gateway=STRIPE)
        if item is None:
            raise Http404("No such payment")
        if any(order.user_id == request.user.pk for order in orders_of_checkout(item.checkout_token)):
            return redirect("shop:placed", token=item.checkout_token)
        checkout = cart_get(request.user, channel)
        if checkout is None or checkout.pk != item.checkout_token:
            raise Http404("No such payment")
        return view(request, channel, checkout, item)

    return wrapper


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


def _is_paid(checkout) -> bool:
    return checkout_payable_covered(checkout_info(checkout, with_shipping_methods=False))


@csp_policy("stripe")
@_card_payment_view
def card_page(request, channel, checkout, item):
    """Stripe's card form for one PaymentIntent of the buyer's cart."""
    if _is_paid(checkout):
        return _complete(request, channel, checkout)
    secret = _client_secret(item)
    if not secret or not settings.STRIPE_PUBLISHABLE_KEY:
        raise Http404("This payment needs no card form")
    return render(
        request,
        "shop/buying/pay_card.html",
        {
            "channel": channel,
            "item": item,
            "amount": item.charge_pending_amount + item.authorize_pending_amount,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "client_secret": secret,
            "return_url": request.build_absolute_uri(card_url(channel, item, "shop:card_return")),
            "stripe_locale": "zh" if (get_language() or "").startswith("zh") else "en",
        },
    )


@_card_payment_view
def card_return(request, channel, checkout, item):
    """Where Stripe sends the browser back: ask Stripe what happened and act on it."""
    from storefront.shop.buying.checkout_views import checkout_url

    claimed = request.GET.get("payment_intent")
    if claimed and claimed != item.psp_reference:
        raise Http404("This payment belongs to another checkout")
    try:
        outcome = transaction_process(item, user=request.user)
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(card_url(channel, item))
    kind = outcome.event.type if outcome.event is not None else None
    if kind in PAID or _is_paid(checkout):
        return _complete(request, channel, checkout)
    if kind in DECLINED:
        messages.error(
            request,
            _("The card was not accepted: %(reason)s Choose another way to pay or try again.")
            % {"reason": outcome.event.message or _("no reason given.")},
        )
        return redirect(checkout_url(channel))
    if kind in NEEDS_THE_BUYER and not outcome.still_pending:
        messages.info(request, _("The card payment is not finished yet."))
        return redirect(card_url(channel, item))
    return render(
        request,
        "shop/buying/pay_card_waiting.html",
        {
            "channel": channel,
            "seconds": STILL_PROCESSING_SECONDS,
            "again": card_url(channel, item, "shop:card_return"),
        },
    )
