"""Who may order for villagers: a station agent (the ASSIST_ORDERS permission, given by the role)
working for the shop that runs that village station. Both doors and the services ask here."""

from __future__ import annotations

from marketplace.inventory.models import WarehouseKind
from marketplace.shops.selectors import shop_is_member
from meidu.core.permissions import OrderPermissions


def assisted_may_order_at(user, station) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and station is not None
        and station.kind == WarehouseKind.STATION
        and station.is_pickup_point
        and user.has_perm(OrderPermissions.ASSIST_ORDERS.value)
        and shop_is_member(user, station.shop_id)
    )
