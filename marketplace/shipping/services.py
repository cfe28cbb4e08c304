"""Shops enable shipping methods; operators define the platform's delivery zones."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.shipping.error_codes import ShippingErrorCode
from marketplace.shipping.models import DeliveryZone, ShippingKind, ShippingMethod
from meidu.accounts.addresses import province_normalize
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError


def _amount(raw, field: str) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise DomainError(_("Not a number"), ShippingErrorCode.INVALID, field=field) from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise DomainError(_("Amounts are positive, in fen at most"), ShippingErrorCode.INVALID, field=field)
    return value


def delivery_zone_create(
    *,
    actor,
    name: str,
    kind: str,
    base_fee,
    fee_per_extra_kg=0,
    base_weight_grams: int = 1000,
    towns=(),
    provinces=(),
    days_min: int = 1,
    days_max: int = 2,
) -> DeliveryZone:
    if kind not in ShippingKind.values:
        raise DomainError(_("Unknown kind"), ShippingErrorCode.INVALID, field="kind")
    if kind == ShippingKind.SELLER:
        raise DomainError(_("A seller's own delivery has no platform zone"), ShippingErrorCode.INVALID, field="kind")
    normalized = []
    for raw in provinces:
        province = province_normalize(raw)
        if province is None:
            raise DomainError(
                _("%(name)s is not a province") % {"name": raw}, ShippingErrorCode.INVALID, field="provinces"
            )
        normalized.append(province)
    if kind == ShippingKind.CARRIER and not normalized:
        raise DomainError(_("A carrier zone lists provinces"), ShippingErrorCode.REQUIRED, field="provinces")
    if kind == ShippingKind.COUNTY_DELIVERY and not towns:
        raise DomainError(_("A village delivery zone lists towns"), ShippingErrorCode.REQUIRED, field="towns")
    with transaction.atomic():
        zone = DeliveryZone.objects.create(
            name=name.strip(),
            kind=kind,
            provinces=normalized,
            base_fee_amount=_amount(base_fee, "baseFee"),
            fee_per_extra_kg_amount=_amount(fee_per_extra_kg, "feePerExtraKg") or Decimal("0"),
            base_weight_grams=base_weight_grams,
            days_min=days_min,
            days_max=days_max,
        )
        zone.towns.set(towns)
        audit_record("delivery_zone.created", actor=actor, target=zone, data={"kind": kind})
    return zone


def shipping_method_enable(
    shop, *, actor, kind: str, name: str = "", max_weight_grams: int | None = None, free_above=None
) -> ShippingMethod:
    """Offer (or update) the shop's method of ``kind``; an active method counts as delivery on the
    shop's checklist (shops.selectors.shop_checklist)."""
    if kind not in ShippingKind.values:
        raise DomainError(_("Unknown kind"), ShippingErrorCode.INVALID, field="kind")
    if max_weight_grams is not None and max_weight_grams <= 0:
        raise DomainError(_("The weight limit must be positive"), ShippingErrorCode.INVALID, field="maxWeightGrams")
    with transaction.atomic():
        method, _created = ShippingMethod.objects.update_or_create(
            shop=shop,
            kind=kind,
            defaults={
                "name": name.strip() or str(ShippingKind(kind).label),
                "is_active": True,
                "max_weight_grams": max_weight_grams,
                "free_above_amount": _amount(free_above, "freeAbove"),
            },
        )
        audit_record("shipping_method.enabled", actor=actor, target=method, data={"shop": shop.pk, "kind": kind})
    return method


def shipping_own_delivery_set(shop, *, actor, on: bool) -> ShippingMethod | None:
    """The shop delivers itself (Shop.offers_delivery): its SELLER method is offered at checkout, or
    withdrawn. Called by the shop services in the transaction that changes the flag, so the flag and
    what buyers are offered never disagree."""
    with transaction.atomic():
        if on:
            offered = ShippingMethod.objects.filter(shop=shop, kind=ShippingKind.SELLER, is_active=True).first()
            return offered or shipping_method_enable(shop, actor=actor, kind=ShippingKind.SELLER)
        withdrawn = ShippingMethod.objects.filter(shop=shop, kind=ShippingKind.SELLER, is_active=True).update(
            is_active=False
        )
        if withdrawn:
            audit_record(
                "shipping_method.disabled",
                actor=actor,
                target=shop,
                data={"shop": shop.pk, "kind": ShippingKind.SELLER},
            )
    return None
