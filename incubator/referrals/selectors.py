"""Reads of referrals: links, a buyer's live binding, an order's attribution (staff only)."""

from __future__ import annotations

from django.utils import timezone

from incubator.referrals.models import BuyerBinding, OrderAttribution, ReferralLink


def referral_link_get_by_code(code: str) -> ReferralLink | None:
    if not isinstance(code, str) or not code.isalnum() or len(code) > 16:
        return None
    return (
        ReferralLink.objects.select_related("distributor_shop", "pick__offer__variant__product")
        .filter(code=code)
        .first()
    )


def referral_link_list_of_shop(shop_id: int):
    return (
        ReferralLink.objects.select_related("pick__offer__variant__product")
        .filter(distributor_shop_id=shop_id)
        .order_by("pick_id", "-id")
    )


def buyer_binding_live(buyer_id: int, now=None) -> BuyerBinding | None:
    """The buyer's binding while it lasts (expires_at in the future), else None: a binding past its time
    never counts."""
    now = now or timezone.now()
    return BuyerBinding.objects.select_related("distributor_shop").filter(buyer_id=buyer_id, expires_at__gt=now).first()


def order_attribution_get(order_id: int) -> OrderAttribution | None:
    return (
        OrderAttribution.objects.select_related("reseller_shop", "credited_shop", "bound_shop")
        .filter(order_id=order_id)
        .first()
    )
