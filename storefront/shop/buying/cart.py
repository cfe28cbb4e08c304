"""The buyer's cart: their newest open checkout of a channel (Saleor's "checkout" is the cart).

Buying needs a signed-in buyer, so orders always land in "my orders" and quantity limits
per customer apply; the checkout is found by user and channel, not kept in the session.
"""

from __future__ import annotations

from marketplace.checkout.models import Checkout
from marketplace.checkout.selectors import checkout_get_for_user, checkout_line_quantity_rows_for_user
from marketplace.checkout.services import checkout_create, checkout_lines_add


def cart_get(user, channel) -> Checkout | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return checkout_get_for_user(user, channel)


def cart_add(user, channel, variant, quantity: int, reseller=None) -> Checkout:
    """Add to the buyer's cart of ``channel``, opening one on the first item (services raise DomainError).
    ``reseller``: the distributor's shop the buyer adds it through (its price; issue 16)."""
    checkout = cart_get(user, channel)
    if checkout is None:
        return checkout_create(channel=channel, user=user, lines=[(variant, quantity)], reseller=reseller)
    return checkout_lines_add(checkout, [(variant, quantity)], reseller=reseller)


def cart_counts(user) -> dict[str, int]:
    """Items in each channel's cart (for the cart tabs)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    counts: dict[str, int] = {}
    newest: dict[str, object] = {}
    for token, slug, quantity in checkout_line_quantity_rows_for_user(user):
        if newest.setdefault(slug, token) == token:
            counts[slug] = counts.get(slug, 0) + (quantity or 0)
    return counts
