"""Which zone serves an address, and what a parcel costs there."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from marketplace.shipping.models import SELLER_DELIVERY_DAYS, DeliveryZone, ShippingKind, ShippingMethod
from meidu.core.money import DEFAULT_CURRENCY
from meidu.core.sql.compiled import CompiledQuery, run_compiled_up_to


@dataclass(frozen=True)
class ShippingQuote:
    method: ShippingMethod
    zone: DeliveryZone | None  # None for the seller's own delivery
    price: Decimal
    currency: str

    @property
    def days_min(self) -> int:
        return self.zone.days_min if self.zone else SELLER_DELIVERY_DAYS[0]

    @property
    def days_max(self) -> int:
        return self.zone.days_max if self.zone else SELLER_DELIVERY_DAYS[1]


_zone_of_town = CompiledQuery(
    lambda kind, town_id: DeliveryZone.objects.filter(kind=kind, towns__id=town_id).order_by("pk")[:1],
    kind=str,
    town_id=int,
)
_zones_of_kind = CompiledQuery(lambda kind: DeliveryZone.objects.filter(kind=kind).order_by("pk"), kind=str)


def zone_for_address(kind: str, address) -> DeliveryZone | None:
    if address is None:
        return None
    if kind == ShippingKind.COUNTY_DELIVERY:
        if address.village_id is None:
            return None
        return next(iter(_zone_of_town(kind=kind, town_id=address.village.town_id)), None)
    return next((zone for zone in _zones_of_kind(kind=kind) if address.country_area in zone.provinces), None)


def zone_fee(zone: DeliveryZone, weight_grams: int) -> Decimal:
    extra_kg = math.ceil(max(0, weight_grams - zone.base_weight_grams) / 1000)
    return zone.base_fee_amount + zone.fee_per_extra_kg_amount * extra_kg


def shipping_quote(method: ShippingMethod, address, *, weight_grams: int, subtotal: Decimal) -> ShippingQuote | None:
    """The price of ``method`` for a parcel to ``address``, or None when it does not apply."""
    if not method.is_active:
        return None
    if method.max_weight_grams is not None and weight_grams > method.max_weight_grams:
        return None
    if method.kind == ShippingKind.SELLER:
        if address is None or address.village_id is None:
            return None  # the seller drives to the county's villages, not across the country
        return ShippingQuote(method=method, zone=None, price=Decimal("0.00"), currency=DEFAULT_CURRENCY)
    zone = zone_for_address(method.kind, address)
    if zone is None:
        return None
    price = zone_fee(zone, weight_grams)
    if method.free_above_amount is not None and subtotal >= method.free_above_amount:
        price = Decimal("0.00")
    return ShippingQuote(method=method, zone=zone, price=price.quantize(Decimal("0.01")), currency=zone.currency)


_active_methods_of_shops = CompiledQuery(
    lambda shop_ids: ShippingMethod.objects.filter(shop_id__in=shop_ids, is_active=True).order_by("pk"),
    shop_ids=[int],
)


def shipping_methods_of_shops(shop_ids) -> dict[int, list[ShippingMethod]]:
    """The shops' active methods by shop, in pk order (compiled: every checkout answer lists them)."""
    found: dict[int, list[ShippingMethod]] = {}
    for method in run_compiled_up_to(_active_methods_of_shops, 8, shop_ids=sorted(shop_ids)):
        found.setdefault(method.shop_id, []).append(method)
    return found


def shipping_method_get(method_id) -> ShippingMethod | None:
    return ShippingMethod.objects.filter(pk=method_id).first()
