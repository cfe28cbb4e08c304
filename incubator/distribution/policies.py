"""Who may act for a distributor shop: its members, or incubator staff."""

from __future__ import annotations

from marketplace.shops.models import ShopKind, ShopStatus
from marketplace.shops.policies import shop_may_act
from meidu.core.permissions import DistributionPermissions


def distribution_may_act_for_shop(actor, shop_id: int) -> bool:
    return shop_may_act(actor, shop_id, DistributionPermissions.MANAGE_SUPPLY_POOL)


def shop_may_distribute(shop) -> bool:
    """Picks belong to active distributor shops."""
    return shop.kind == ShopKind.DISTRIBUTOR and shop.status == ShopStatus.ACTIVE


def retail_within_bounds(offer, retail_price) -> bool:
    return offer.min_retail_price <= retail_price <= offer.max_retail_price
