"""Units of the price board and of posts: everything is stored in the item's base unit.

Goods sold by weight are priced per 斤 (jin, 500 g) as the county's markets quote them; a price
per 公斤 is halved, a quantity in 公斤 doubled, a quantity in tonnes multiplied by 2000. Livestock
is priced and counted per head (头); a weight unit for a head item (or the reverse) is refused.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from incubator.prices.models import PriceUnit

JIN_PER = {"jin": Decimal(1), "kg": Decimal(2), "tonne": Decimal(2000)}
WEIGHT_UNITS = {"jin", "kg", "tonne"}
FEN = Decimal("0.01")


def unit_fits(item_unit: str, unit: str) -> bool:
    """Whether ``unit`` (a price unit or a quantity unit) can express an item sold in ``item_unit``."""
    if item_unit == PriceUnit.HEAD:
        return unit == PriceUnit.HEAD
    return unit in WEIGHT_UNITS


def price_to_base(price: Decimal, unit: str, item_unit: str) -> Decimal:
    """A price per ``unit`` as a price per the item's base unit, half-up to the fen."""
    if item_unit == PriceUnit.HEAD:
        return price.quantize(FEN, rounding=ROUND_HALF_UP)
    return (price / JIN_PER[unit]).quantize(FEN, rounding=ROUND_HALF_UP)


def price_from_base(price: Decimal, unit: str, item_unit: str) -> Decimal:
    if item_unit == PriceUnit.HEAD:
        return price
    return (price * JIN_PER[unit]).quantize(FEN, rounding=ROUND_HALF_UP)


def quantity_to_base(quantity: Decimal, unit: str, item_unit: str) -> Decimal:
    if item_unit == PriceUnit.HEAD:
        return quantity
    return quantity * JIN_PER[unit]


_PACK = re.compile(r"(\d+(?:\.\d+)?)\s*(斤|公斤|千克|kg|克|g)(?![a-z])", re.IGNORECASE)
_JIN_PER_PACK_UNIT = {
    "斤": Decimal(1),
    "公斤": Decimal(2),
    "千克": Decimal(2),
    "kg": Decimal(2),
    "克": Decimal("0.002"),
    "g": Decimal("0.002"),
}


def pack_jin(product_name: str) -> Decimal | None:
    """The weight in 斤 a pack's name states ("南果梨 5斤家庭装" → 5, "干榛蘑 250克" → 0.5), or None."""
    found = _PACK.search(product_name or "")
    if not found:
        return None
    weight = (
        Decimal(found.group(1))
        * _JIN_PER_PACK_UNIT[found.group(2).lower() if found.group(2).isascii() else found.group(2)]
    )
    return weight if weight > 0 else None
