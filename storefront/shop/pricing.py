"""Prices as buyers read them: yuan, and per 斤 or per kg for produce sold by weight.

A by-weight product's variant price is the price of one unit (catalog: ``weight_grams``
is per unit then), so the unit must be printed next to it or the number misleads.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from marketplace.catalog.models import SoldBy, WeightUnit
from meidu.core.money import quantize


def money_text(amount: Decimal, currency: str = "CNY") -> str:
    amount = quantize(amount, currency)
    return f"¥{amount}" if currency == "CNY" else f"{amount} {currency}"


def unit_price_text(amount: Decimal, currency: str, product) -> str:
    price = money_text(amount, currency)
    if product.product_type.sold_by != SoldBy.WEIGHT:
        return price
    if product.weight_unit == WeightUnit.KG:
        return _("%(price)s per kg") % {"price": price}
    return _("%(price)s per jin") % {"price": price}


def channel_listings(product, channel) -> list:
    """The product's variant prices in ``channel``, from the prefetched relations (no query)."""
    return [
        listing
        for variant in product.variants.all()
        for listing in variant.channel_listings.all()
        if listing.channel_id == channel.pk
    ]


def product_price_text(product, channel) -> str:
    """The lowest price with its unit; "from" when the variants differ; empty when unpriced."""
    listings = channel_listings(product, channel)
    if not listings:
        return ""
    low = min(listings, key=lambda listing: listing.price_amount)
    text = unit_price_text(low.price_amount, low.currency, product)
    if any(listing.price_amount != low.price_amount for listing in listings):
        return _("from %(price)s") % {"price": text}
    return text


def weight_unit_name(code: str) -> str:
    """A weight unit code as a word: "jin" -> 斤, "kg" -> 公斤."""
    return {"jin": pgettext("weight unit", "jin"), "kg": pgettext("weight unit", "kg")}.get(code or "", code or "")
