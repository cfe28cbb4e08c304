"""Who may read or change distributor commission (both doors call these)."""

from __future__ import annotations

from marketplace.shops.models import Shop, ShopKind
from marketplace.shops.selectors import shop_is_member
from meidu.core.graphql.permissions import actor_has_permission
from meidu.core.permissions import CommissionPermissions


def commission_may_manage(actor) -> bool:
    return actor_has_permission(actor, CommissionPermissions.MANAGE_COMMISSION)


def distributor_earnings_may_read(actor, shop: Shop) -> bool:
    """A distributor's commission is read by its own members and commission staff only: never by a
    supplier whose goods it sells, nor by another distributor."""
    if commission_may_manage(actor):
        return True
    return shop.kind == ShopKind.DISTRIBUTOR and shop_is_member(actor, shop.pk)
