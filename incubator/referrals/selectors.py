"""Reads of referrals: links, a buyer's live binding, an order's attribution (staff only)."""

from __future__ import annotations

from django.utils import timezone

from incubator.referrals.models import BuyerBinding, DistributorInviter, OrderAttribution, ReferralLink
from marketplace.shops.models import ShopKind, ShopStatus


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


def distributor_inviters(shop_ids) -> dict[int, int]:
    """{invitee shop id: inviter shop id} for the distributors of ``shop_ids`` that were invited by a
    distributor still active (a suspended inviter is credited nothing; one query). Only the direct
    inviter: nobody above it is ever looked up."""
    return dict(
        DistributorInviter.objects.filter(
            invitee_shop_id__in=list(shop_ids),
            inviter_shop__kind=ShopKind.DISTRIBUTOR,
            inviter_shop__status=ShopStatus.ACTIVE,
        ).values_list("invitee_shop_id", "inviter_shop_id")
    )
