"""Who may act on the supply pool: a supplier shop's members for its offers, incubator staff for all."""

from __future__ import annotations

from marketplace.shops.models import ShopKind
from marketplace.shops.policies import shop_may_act
from meidu.core.permissions import DistributionPermissions
from meidu.integrations.services.apps import actor_has_permission

SUPPLIER_KINDS = frozenset({ShopKind.SUPPLIER, ShopKind.COOPERATIVE})


def supply_may_act_for_shop(actor, shop_id: int) -> bool:
    return shop_may_act(actor, shop_id, DistributionPermissions.MANAGE_SUPPLY_POOL)


def supply_may_review(actor) -> bool:
    return actor_has_permission(actor, DistributionPermissions.MANAGE_SUPPLY_POOL)


def shop_may_supply(shop) -> bool:
    """Offers come from active supplier or cooperative shops."""
    return shop.kind in SUPPLIER_KINDS and shop.status == "active"
