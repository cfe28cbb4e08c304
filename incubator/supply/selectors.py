"""Reads of the supply pool: the pool distributors browse, a supplier's offers, offers awaiting review."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from incubator.supply.models import OfferState, SupplyOffer

OFFER_RELATED = ("supplier_shop", "variant__product__category", "variant__product__shop")


def supply_offer_get(offer_id) -> SupplyOffer | None:
    try:
        return SupplyOffer.objects.select_related(*OFFER_RELATED).filter(pk=int(offer_id)).first()
    except (TypeError, ValueError):
        return None


def supply_offer_list_open(*, category_id: int | None = None, order: str = "new") -> QuerySet[SupplyOffer]:
    """The pool as distributors browse it: open offers of active shops, by category, newest first or the
    highest commission first (``order="commission"``: rate offers by rate, then fixed by amount)."""
    offers = SupplyOffer.objects.select_related(*OFFER_RELATED).filter(
        state=OfferState.OPEN, supplier_shop__status="active"
    )
    if category_id is not None:  # the category or one of its children (pears under fruit)
        offers = offers.filter(
            Q(variant__product__category_id=category_id) | Q(variant__product__category__parent_id=category_id)
        )
    if order == "commission":
        return offers.order_by("commission_kind", "-commission_value", "-id")
    return offers.order_by("-id")


def supply_offer_list_of_shop(shop_id: int) -> QuerySet[SupplyOffer]:
    return SupplyOffer.objects.select_related(*OFFER_RELATED).filter(supplier_shop_id=shop_id).order_by("-id")


def supply_offers_awaiting_review() -> QuerySet[SupplyOffer]:
    """Open offers no staff member has reviewed yet (the incubator console's list), oldest first."""
    return (
        SupplyOffer.objects.select_related(*OFFER_RELATED)
        .filter(state=OfferState.OPEN, reviewed_at__isnull=True)
        .order_by("id")
    )


def supply_offer_for_variant(variant_id: int) -> SupplyOffer | None:
    """The variant's offer that is not closed (at most one)."""
    return SupplyOffer.objects.filter(variant_id=variant_id).exclude(state=OfferState.CLOSED).first()
