"""Reads of assisted buying: the agent's stations and assisted orders, the cart as the agent sees it
(goods, delivery, total: nothing else of the villager), the goods on sale in the assisted channel."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from marketplace.assisted.models import AssistedOrder, AssistedOrderStatus
from marketplace.catalog.models import ProductVariantChannelListing
from marketplace.catalog.selectors import products_search, products_visible
from marketplace.channels.selectors import channel_get
from marketplace.checkout.selectors import CheckoutInfo, checkout_get, checkout_info
from marketplace.inventory.models import Warehouse, WarehouseKind
from marketplace.orders.models import Order
from marketplace.orders.selectors import orders_of_checkout
from marketplace.shops.selectors import shop_ids_of_member
from meidu.core.permissions import OrderPermissions

MAX_GOODS_SHOWN = 30


def phone_masked(phone: str) -> str:
    """The villager's number as the agent sees it once typed: 139****8801."""
    return f"{phone[3:6]}****{phone[-4:]}" if len(phone) == 14 else "****"


def assisted_stations_of(user) -> list[Warehouse]:
    """The village stations where ``user`` may order for villagers (none without the permission)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(OrderPermissions.ASSIST_ORDERS.value):
        return []
    return list(
        Warehouse.objects.filter(
            shop_id__in=shop_ids_of_member(user), kind=WarehouseKind.STATION, is_pickup_point=True
        ).order_by("pk")
    )


def assisted_order_get(token, *, agent) -> AssistedOrder | None:
    """The agent's own assisted order (another agent's is not found)."""
    if not getattr(agent, "is_authenticated", False):
        return None
    return AssistedOrder.objects.select_related("station").filter(pk=token, agent=agent).first()


def assisted_order_list_recent(agent, limit: int = 10) -> list[AssistedOrder]:
    return list(AssistedOrder.objects.select_related("station").filter(agent=agent).order_by("-created_at")[:limit])


@dataclass
class AssistedCart:
    assisted: AssistedOrder
    info: CheckoutInfo | None  # None once placed (the checkout became orders) or expired
    orders: list[Order]
    state: str  # the status as of now: an open order past its expiry reads EXPIRED before the job runs


def assisted_cart(assisted: AssistedOrder, now=None) -> AssistedCart:
    """The cart while open, the orders once placed (their numbers, totals and pickup codes), nothing
    once expired (the cart is released, or about to be)."""
    state = assisted.state_at(now or timezone.now())
    if state == AssistedOrderStatus.EXPIRED:
        return AssistedCart(assisted, None, [], state)
    checkout = checkout_get(assisted.checkout_token)
    info = checkout_info(checkout) if checkout is not None else None
    orders = [] if info is not None else orders_of_checkout(assisted.checkout_token)
    return AssistedCart(assisted, info, orders, state)


def assisted_channel():
    return channel_get(settings.ASSISTED_ORDER_CHANNEL)


def assisted_goods(search: str = "", limit: int = MAX_GOODS_SHOWN) -> list[ProductVariantChannelListing]:
    """Priced variants of products on sale in the assisted channel, matching ``search``."""
    channel = assisted_channel()
    products = products_visible(channel, sees_all=False, for_listing=True)
    if search.strip():
        # the shop's own search (Chinese words, pinyin, dialect names): the agent types as the villager says
        products, _relaxed, _query = products_search(products, search)
    return list(
        ProductVariantChannelListing.objects.filter(Q(channel=channel) & Q(variant__product__in=products.values("pk")))
        .select_related("variant__product__shop")
        .order_by("variant__product__name", "variant__pk")[:limit]
    )
