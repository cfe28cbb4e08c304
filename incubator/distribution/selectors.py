"""Reads of distribution: a distributor's picks, the live picks its storefront shows, the resale terms the
checkout asks for, a distributor's orders (buyer masked) and a supplier's distributors with weekly sales."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from incubator.distribution.models import DistributedLine, DistributionPick, PickState
from incubator.supply.models import OfferState, SupplyOffer
from marketplace.checkout.hooks import ResaleTerms
from marketplace.orders.selectors import orders_resold_by

PICK_RELATED = ("offer__variant__product__category", "offer__supplier_shop", "distributor_shop")


def _live() -> Q:
    return Q(state=PickState.LIVE, offer__state=OfferState.OPEN)


def distribution_pick_get(pick_id) -> DistributionPick | None:
    try:
        return DistributionPick.objects.select_related(*PICK_RELATED).filter(pk=int(pick_id)).first()
    except (TypeError, ValueError):
        return None


def distribution_pick_of(shop_id: int, offer_id: int) -> DistributionPick | None:
    return DistributionPick.objects.filter(distributor_shop_id=shop_id, offer_id=offer_id).first()


def distribution_pick_list_of_shop(shop_id: int) -> QuerySet[DistributionPick]:
    """A distributor's picks, removed ones left out, newest first (paused ones show why)."""
    return (
        DistributionPick.objects.select_related(*PICK_RELATED)
        .filter(distributor_shop_id=shop_id)
        .exclude(state=PickState.REMOVED)
        .order_by("-id")
    )


def distribution_pick_list_live(shop_id: int) -> QuerySet[DistributionPick]:
    """What the distributor's storefront shows: live picks of open offers."""
    return (
        DistributionPick.objects.select_related(*PICK_RELATED)
        .filter(_live(), distributor_shop_id=shop_id)
        .order_by("-id")
    )


def distribution_picked_offer_ids(shop_id: int) -> set[int]:
    return set(
        DistributionPick.objects.filter(distributor_shop_id=shop_id)
        .exclude(state=PickState.REMOVED)
        .values_list("offer_id", flat=True)
    )


def _terms(pick: DistributionPick) -> ResaleTerms:
    return ResaleTerms(
        reseller_shop_id=pick.distributor_shop_id,
        variant_id=pick.offer.variant_id,
        retail_unit_price=pick.retail_price,
        supply_unit_price=pick.offer.supply_price,
        pick_id=pick.pk,
        offer_id=pick.offer_id,
    )


def resale_terms_get(reseller_shop_id: int, variant_id: int) -> ResaleTerms | None:
    """The checkout hook ``resale_terms``: the live terms of that shop's pick of the variant, or None."""
    pick = (
        DistributionPick.objects.select_related("offer")
        .filter(_live(), distributor_shop_id=reseller_shop_id, offer__variant_id=variant_id)
        .first()
    )
    return _terms(pick) if pick else None


def resale_terms_locked(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], ResaleTerms]:
    """The checkout hook ``resale_terms_locked``: live terms per (shop, variant), the pick and offer rows
    share-locked (FOR SHARE, offers and picks in ascending pk by the one statement) so that a supplier's
    pause or a distributor's price change waits for the completion, or is seen by it."""
    if not pairs:
        return {}
    picks = DistributionPick._meta.db_table
    offers = SupplyOffer._meta.db_table
    shop_ids = [shop for shop, _variant in pairs]
    variant_ids = [variant for _shop, variant in pairs]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM {picks} p JOIN {offers} o ON o.id = p.offer_id "
            "JOIN UNNEST(%s::bigint[], %s::bigint[]) AS w(shop_id, variant_id) "
            "ON w.shop_id = p.distributor_shop_id AND w.variant_id = o.variant_id "
            "ORDER BY o.id, p.id FOR SHARE OF o, p",
            [shop_ids, variant_ids],
        )
        ids = [row[0] for row in cursor.fetchall()]
    found = DistributionPick.objects.select_related("offer").filter(_live(), pk__in=ids)
    return {(pick.distributor_shop_id, pick.offer.variant_id): _terms(pick) for pick in found}


def distributor_order_list(shop_id: int):
    """Orders bought through the distributor's shop, newest first (pages mask the buyer)."""
    return orders_resold_by(shop_id)


def distributor_order_get(shop_id: int, number):
    """One of the distributor's orders; another shop's order is not found."""
    try:
        return distributor_order_list(shop_id).filter(number=int(number)).first()
    except (TypeError, ValueError):
        return None


def supplier_distributor_sales(supplier_shop_id: int, *, days: int = 7) -> list[dict]:
    """A supplier's distributors with the units and retail sales through them in the last ``days`` (never
    a commission: no distributor sees another's, and the supplier sees none)."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        DistributedLine.objects.filter(supplier_shop_id=supplier_shop_id, created_at__gte=since)
        .values("distributor_shop_id", "distributor_shop__name")
        .annotate(units=Sum("quantity"), orders=Count("order_id", distinct=True))
        .order_by("-units")
    )
    totals = {
        row["distributor_shop_id"]: row["sales"]
        for row in DistributedLine.objects.filter(supplier_shop_id=supplier_shop_id, created_at__gte=since)
        .values("distributor_shop_id")
        .annotate(sales=Sum("order_line__total_price_amount"))
    }
    picks = (
        DistributionPick.objects.filter(_live(), offer__supplier_shop_id=supplier_shop_id)
        .values("distributor_shop_id", "distributor_shop__name")
        .annotate(offers=Count("id"))
    )
    result: dict[int, dict] = {}
    for pick in picks:
        result[pick["distributor_shop_id"]] = {
            "shop_id": pick["distributor_shop_id"],
            "name": pick["distributor_shop__name"],
            "offers": pick["offers"],
            "units": 0,
            "orders": 0,
            "sales": Decimal("0.00"),
        }
    for row in rows:
        entry = result.setdefault(
            row["distributor_shop_id"],
            {"shop_id": row["distributor_shop_id"], "name": row["distributor_shop__name"], "offers": 0},
        )
        entry.update(
            units=row["units"], orders=row["orders"], sales=totals.get(row["distributor_shop_id"]) or Decimal("0.00")
        )
    return sorted(result.values(), key=lambda entry: (-entry.get("sales", 0), entry["name"]))


def distributed_lines_of_order(order_id: int) -> list[DistributedLine]:
    return list(DistributedLine.objects.filter(order_id=order_id).order_by("id"))


def resale_pick_for_product(shop_slug: str, product_id: int) -> DistributionPick | None:
    """The live pick (of an open offer) through which the shop ``shop_slug`` sells the product, else None.
    The shop's status is not asked: a suspended distributor's link still sells (nobody is credited)."""
    if not isinstance(shop_slug, str) or not shop_slug or len(shop_slug) > 120:
        return None
    return (
        DistributionPick.objects.select_related(*PICK_RELATED)
        .filter(_live(), distributor_shop__slug=shop_slug, offer__variant__product_id=product_id)
        .first()
    )
