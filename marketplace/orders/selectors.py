"""Order reads for buyers, sellers and the checkout."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, Sum

from marketplace.orders.models import DeliveryKind, Order, OrderAssistance, OrderLine, OrderStatus
from marketplace.shipping.models import ShippingKind

ORDER_RELATED = ("shop", "reseller_shop", "channel", "shipping_address", "billing_address", "collection_point")


def orders_of_checkout(checkout_token) -> list[Order]:
    return list(Order.objects.filter(checkout_token=checkout_token).select_related(*ORDER_RELATED).order_by("number"))


def orders_of_checkout_with_lines(checkout_token) -> list[Order]:
    """orders_of_checkout with their lines and the lines' pre-sale campaigns (the confirmation page)."""
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("presale_campaign").order_by("pk"))
    return list(
        Order.objects.filter(checkout_token=checkout_token)
        .select_related(*ORDER_RELATED)
        .prefetch_related(lines)
        .order_by("number")
    )


def quantity_bought(user, variant_id: int) -> int:
    """Units of a variant the user has ordered, cancelled and returned units excluded."""
    row = (
        OrderLine.objects.filter(order__user=user, variant_id=variant_id)
        .exclude(order__status=OrderStatus.CANCELED)
        .aggregate(quantity=Sum("quantity"), returned=Sum("quantity_returned"))
    )
    return (row["quantity"] or 0) - (row["returned"] or 0)


def order_list_for_user(user) -> QuerySet[Order]:
    return Order.objects.filter(user=user).select_related(*ORDER_RELATED)


def order_list_for_shop(shop_id: int, *, statuses=None) -> QuerySet[Order]:
    """The shop's orders (in ``statuses`` only, when given)."""
    qs = Order.objects.filter(shop_id=shop_id).select_related(*ORDER_RELATED)
    return qs.filter(status__in=statuses) if statuses else qs


def order_with_lines(order_id: int) -> Order | None:
    return (
        Order.objects.filter(pk=order_id)
        .select_related(*ORDER_RELATED)
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("presale_campaign").order_by("pk")),
            "fulfillments__lines",
            "fulfillments__shipment__events",
            "events",
        )
        .first()
    )


def order_by_county_run(order: Order) -> bool:
    """Whether the county's delivery run carries the order: the buyer decided it by choosing the shop's
    village delivery at checkout, so no seller's tick (or forgotten tick) can send it another way."""
    if order.delivery_kind != DeliveryKind.SHIPPING or order.shipping_method_id is None:
        return False
    return order.shipping_method.kind == ShippingKind.COUNTY_DELIVERY


def orders_awaiting_pickup(collection_point_id: int) -> QuerySet[Order]:
    return Order.objects.filter(
        collection_point_id=collection_point_id,
        picked_up_at__isnull=True,
        status__in=[OrderStatus.UNCONFIRMED, OrderStatus.UNFULFILLED, OrderStatus.FULFILLED],
    )


def order_list_awaiting_pickup(collection_point_id: int) -> list[Order]:
    """The parcels waiting at a pickup point with shop and billing address, by number (the counter's list)."""
    return list(
        orders_awaiting_pickup(collection_point_id).select_related("shop", "billing_address").order_by("number")
    )


def orders_on_village_runs(limit: int = 200) -> QuerySet[Order]:
    """Shipped orders carried by the county's own delivery runs, waiting to be handed over."""
    return (
        Order.objects.filter(status=OrderStatus.FULFILLED, fulfillments__local_delivery=True)
        .select_related("shop", "shipping_address__village__town")
        .distinct()
        .order_by("number")[:limit]
    )


def presale_campaign_sold(campaign) -> int:
    """How many units of a pre-sale campaign are already sold: its order lines, cancelled orders left out."""
    row = (
        OrderLine.objects.filter(presale_campaign=campaign)
        .exclude(order__status=OrderStatus.CANCELED)
        .aggregate(total=Sum("quantity"))
    )
    return row["total"] or 0


def order_get_on_village_run(number: int) -> Order | None:
    """The order of this number if a part of it went on the county's delivery runs, else None."""
    return Order.objects.filter(number=number, fulfillments__local_delivery=True).distinct().first()


def order_id_get_for_shops(number, shop_ids) -> int | None:
    """The id of order ``number`` if one of these shops sold it (the seller centre's scope), else None."""
    return Order.objects.filter(number=number, shop_id__in=shop_ids).values_list("pk", flat=True).first()


def order_id_get_for_user(user, number) -> int | None:
    """The id of the user's order ``number``, else None."""
    return Order.objects.filter(user=user, number=number).values_list("pk", flat=True).first()


def order_get_for_user(user, number) -> Order | None:
    """The user's order ``number`` with its shop, channel, addresses and pickup point joined, else None."""
    return order_list_for_user(user).filter(number=number).first()


def order_line_list(order: Order) -> list[OrderLine]:
    """The order's lines, oldest first."""
    return list(OrderLine.objects.filter(order=order).order_by("id"))


def orders_resold_by(shop_id: int):
    """Orders bought through a reseller's (distributor's) shop, newest first, with the seller shop, the
    shipping address and the lines (issue 16: the distributor centre masks the buyer)."""
    return (
        Order.objects.filter(reseller_shop_id=shop_id)
        .select_related("shop", "shipping_address")
        .prefetch_related("lines")
        .order_by("-number")
    )


def order_lines_sold_between(start, end) -> list[dict]:
    """Lines of the orders placed in [start, end) that were not cancelled: what the farm price board
    derives its nightly platform median from (incubator.prices). One query."""
    return list(
        OrderLine.objects.filter(order__created_at__gte=start, order__created_at__lt=end)
        .exclude(order__status=OrderStatus.CANCELED)
        .values(
            "product_name", "variant_name", "unit_price_amount", "quantity", "sold_by_weight", "weight_unit", "currency"
        )
    )


def product_sales_between(product_ids, start, end) -> list[dict]:
    """Rows {"product", "order", "quantity", "amount"} of the not-cancelled orders placed in [start, end) that
    bought the products (fair sales per stall, incubator.fairs). One query."""
    rows = (
        OrderLine.objects.filter(
            variant__product_id__in=list(product_ids), order__created_at__gte=start, order__created_at__lt=end
        )
        .exclude(order__status=OrderStatus.CANCELED)
        .values("variant__product_id", "order_id")
        .annotate(quantity=Sum("quantity"), amount=Sum("total_price_amount"))
    )
    return [
        {"product": r["variant__product_id"], "order": r["order_id"], "quantity": r["quantity"], "amount": r["amount"]}
        for r in rows
    ]


def order_assistance_get(order_id: int):
    """Who placed the order for its buyer at a village station (网络代购), or None."""
    return OrderAssistance.objects.select_related("assistant", "station").filter(order_id=order_id).first()
