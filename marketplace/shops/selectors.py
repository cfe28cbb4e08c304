"""Reads about shops: membership (who may act for a shop) and the computed opening checklist."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from marketplace.shops.models import Shop, ShopKind, ShopMember, ShopMemberRole, ShopNotice


def shop_ids_of_member(user) -> set[int]:
    """Shops the user works for; memoised on the user object for one request."""
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "shop_memberships"):
        return set()
    cached = getattr(user, "_shop_ids", None)
    if cached is None:
        cached = set(ShopMember.objects.filter(user=user).values_list("shop_id", flat=True))
        user._shop_ids = cached
    return cached


def shop_is_member(user, shop_id: int) -> bool:
    return shop_id in shop_ids_of_member(user)


def shop_is_owner(user, shop: Shop) -> bool:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "shop_memberships"):
        return False
    return ShopMember.objects.filter(shop=shop, user=user, role=ShopMemberRole.OWNER).exists()


def shop_get_by_slug(slug: str) -> Shop | None:
    return Shop.objects.filter(slug=slug).first()


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    done: bool


def shop_checklist(shop: Shop) -> list[ChecklistItem]:
    """What must be true before a shop can be reviewed: computed from its data, never ticked."""
    # Through the reverse relations the catalog's and inventory's foreign keys declare (shops sit below them).
    if shop.kind == ShopKind.DISTRIBUTOR:
        # A distributor sells its suppliers' goods and holds no stock: its suppliers deliver (issue 16).
        return [ChecklistItem("terms", _("Seller terms accepted"), shop.terms_accepted_at is not None)]
    has_product = shop.products.exists()
    has_pickup = shop.warehouses.filter(is_pickup_point=True).exists()
    delivers = shop.offers_delivery or shop.shipping_methods.filter(is_active=True).exists()
    return [
        ChecklistItem("product", _("At least one product"), has_product),
        ChecklistItem("delivery", _("A pickup point or delivery offered"), delivers or has_pickup),
        ChecklistItem("terms", _("Seller terms accepted"), shop.terms_accepted_at is not None),
    ]


def shop_list_for_member(user):
    """The shops the user works for, oldest first (a queryset: ``.first()`` is the default shop)."""
    return Shop.objects.filter(pk__in=shop_ids_of_member(user)).order_by("id")


def shop_notice_list_latest(shop: Shop, limit: int = 5) -> list[ShopNotice]:
    return list(ShopNotice.objects.filter(shop=shop).order_by("-id")[:limit])
