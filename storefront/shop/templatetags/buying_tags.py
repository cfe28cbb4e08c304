"""Template filters of the buying pages: money, line quantities with their unit, order status."""

from django import template

from storefront.shop import pricing
from storefront.shop.buying import presenters

register = template.Library()


@register.filter
def money(amount, currency="CNY") -> str:
    """{{ order.total_amount|money }}: "¥12.50"."""
    if amount is None or amount == "":
        return ""
    return pricing.money_text(amount, currency or "CNY")


@register.filter
def line_unit_price(line_info) -> str:
    """A checkout line's price per piece, per 斤 or per kg."""
    if line_info.unit_price is None:
        return ""
    return pricing.unit_price_text(line_info.unit_price, line_info.variant_listing.currency, line_info.variant.product)


@register.filter
def order_status(order) -> str:
    return presenters.status_text(order)


@register.filter
def status_tone(order) -> str:
    return presenters.STATUS_TONE.get(order.status, "waiting")


@register.filter
def shows_pickup_code(order) -> bool:
    return presenters.shows_pickup_code(order)


@register.filter
def unit_name(code: str) -> str:
    """A weight unit code as a word: "jin" -> 斤, "kg" -> 公斤."""
    return pricing.weight_unit_name(code)


@register.filter
def minus(amount, other):
    """{{ info.subtotal|minus:info.after_harvest }}: the part of a total paid now (Decimal arithmetic)."""
    return amount - other
