"""Saleor's Order types, plus the shop, pickup code and timeline (ours)."""

from __future__ import annotations

import graphene
from django.core.files.storage import default_storage

from logistics.shipments.api import ShipmentType
from marketplace.catalog.api.money import TaxedMoney, taxed
from marketplace.orders.models import (
    Fulfillment,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from marketplace.orders.policies import order_may_view
from marketplace.payments.selectors import authorize_status, charge_status, payment_charge_status
from meidu.accounts.address_api import AddressType
from meidu.core.graphql.connection import CountableConnection
from meidu.core.graphql.permissions import requestor
from meidu.core.graphql.types import ModelObjectType, Money
from meidu.core.money import Money as MoneyValue

OrderStatusEnum = graphene.Enum("OrderStatus", [(status.name, status.value) for status in OrderStatus])
PaymentChargeStatusEnum = graphene.Enum(
    "PaymentChargeStatusEnum",
    [
        ("NOT_CHARGED", "not-charged"),
        ("PARTIALLY_CHARGED", "partially-charged"),
        ("FULLY_CHARGED", "fully-charged"),
        ("PARTIALLY_REFUNDED", "partially-refunded"),
        ("FULLY_REFUNDED", "fully-refunded"),
    ],
)
# Values are the payments selectors' (charge_status / authorize_status), applied to the order's share.
OrderChargeStatusEnum = graphene.Enum(
    "OrderChargeStatusEnum", [(name, name) for name in ("NONE", "PARTIAL", "FULL", "OVERCHARGED")]
)
OrderAuthorizeStatusEnum = graphene.Enum(
    "OrderAuthorizeStatusEnum", [(name, name) for name in ("NONE", "PARTIAL", "FULL")]
)


def _thumbnail_url(info, name: str) -> str | None:
    if not name:
        return None
    return (
        info.context.build_absolute_uri(default_storage.url(name))
        if hasattr(info.context, "build_absolute_uri")
        else default_storage.url(name)
    )


class OrderThumbnail(graphene.ObjectType):
    url = graphene.String(required=True)
    alt = graphene.String()


class OrderLineType(ModelObjectType):
    unit_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    thumbnail = graphene.Field(OrderThumbnail, size=graphene.Int())
    actual_weight = graphene.Float(description="Weighed at fulfilment, in weightUnit (by-weight lines).")

    class Meta:
        model = OrderLine
        name = "OrderLine"
        fields = [
            "id",
            "product_name",
            "variant_name",
            "product_sku",
            "quantity",
            "quantity_fulfilled",
            "quantity_returned",
            "sold_by_weight",
            "weight_unit",
            "variant",
        ]

    @staticmethod
    def resolve_unit_price(root, info):
        return taxed(root.unit_price_amount, root.currency)

    @staticmethod
    def resolve_total_price(root, info):
        return taxed(root.total_price_amount, root.currency)

    @staticmethod
    def resolve_thumbnail(root, info, size=None):
        url = _thumbnail_url(info, root.thumbnail_name)
        return OrderThumbnail(url=url, alt=root.product_name) if url else None

    @staticmethod
    def resolve_actual_weight(root, info):
        return float(root.actual_weight) if root.actual_weight is not None else None


class FulfillmentType(ModelObjectType):
    status = graphene.String(required=True)

    class Meta:
        model = Fulfillment
        name = "Fulfillment"
        fields = ["id", "fulfillment_order", "tracking_number", "local_delivery", "created_at"]

    @staticmethod
    def resolve_status(root, info):
        return root.status.upper()


class OrderEventType_(ModelObjectType):
    type = graphene.String(required=True)
    data = graphene.JSONString()

    class Meta:
        model = OrderEvent
        name = "OrderEvent"
        fields = ["id", "created_at"]

    @staticmethod
    def resolve_type(root, info):
        return root.type.upper()


def can_see_pickup_code(info, order: Order) -> bool:
    """Only the buyer sees the code; the counter staff must be shown it."""
    user = info.context.user
    return getattr(user, "is_authenticated", False) and order.user_id == user.pk


class OrderType(ModelObjectType):
    number = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    status = graphene.Field(OrderStatusEnum, required=True)
    status_display = graphene.String(required=True)
    is_paid = graphene.Boolean(required=True)
    payment_status = graphene.Field(PaymentChargeStatusEnum, required=True)
    charge_status = graphene.Field(OrderChargeStatusEnum, required=True)
    authorize_status = graphene.Field(OrderAuthorizeStatusEnum, required=True)
    total = graphene.Field(TaxedMoney, required=True)
    subtotal = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total_charged = graphene.Field(Money, required=True)
    total_refunded = graphene.Field(Money, required=True)
    lines = graphene.List(graphene.NonNull(OrderLineType), required=True)
    shipping_address = graphene.Field(AddressType)
    billing_address = graphene.Field(AddressType)
    fulfillments = graphene.List(graphene.NonNull(FulfillmentType), required=True)
    events = graphene.List(graphene.NonNull(OrderEventType_), required=True)
    shipments = graphene.List(
        graphene.NonNull(ShipmentType), required=True, description="Where each part of the order is, step by step."
    )
    shipping_method_name = graphene.String()
    collection_point_name = graphene.String()
    collection_point = graphene.Field("marketplace.inventory.api.WarehouseType")
    pickup_code = graphene.String(description="核销码: shown to the buyer only.")
    delivery_kind = graphene.String(required=True)

    batched_fields = {
        "lines": "lines",
        "fulfillments": "fulfillments",
        "events": "events",
        "shipments": ["fulfillments__shipment__events"],
    }
    batched_selects = {
        "shop": "shop",
        "shippingAddress": "shipping_address",
        "billingAddress": "billing_address",
        "collectionPoint": "collection_point",
    }

    class Meta:
        model = Order
        name = "Order"
        fields = ["id", "token", "user_email", "shop", "channel", "customer_note", "updated_at"]

    @staticmethod
    def resolve_number(root, info):
        return str(root.number)

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_status_display(root, info):
        return str(root.get_status_display())

    @staticmethod
    def resolve_is_paid(root, info):
        return root.is_paid

    @staticmethod
    def resolve_payment_status(root, info):
        return payment_charge_status(root.charged_amount, root.refunded_amount, root.total_amount)

    @staticmethod
    def resolve_charge_status(root, info):
        return charge_status(root.charged_amount, root.refunded_amount, root.total_amount)

    @staticmethod
    def resolve_authorize_status(root, info):
        return authorize_status(root.authorized_amount, root.charged_amount, root.refunded_amount, root.total_amount)

    @staticmethod
    def resolve_total(root, info):
        return taxed(root.total_amount, root.currency)

    @staticmethod
    def resolve_subtotal(root, info):
        return taxed(root.subtotal_amount, root.currency)

    @staticmethod
    def resolve_shipping_price(root, info):
        return taxed(root.shipping_amount, root.currency)

    @staticmethod
    def resolve_total_charged(root, info):
        return MoneyValue(root.charged_amount, root.currency)

    @staticmethod
    def resolve_total_refunded(root, info):
        return MoneyValue(root.refunded_amount, root.currency)

    @staticmethod
    def resolve_lines(root, info):
        return root.lines.all()

    @staticmethod
    def resolve_fulfillments(root, info):
        return root.fulfillments.all()

    @staticmethod
    def resolve_events(root, info):
        return root.events.all()

    @staticmethod
    def resolve_shipments(root, info):
        return [f.shipment for f in root.fulfillments.all() if f.shipment_id is not None]

    @staticmethod
    def resolve_pickup_code(root, info):
        return root.pickup_code if root.pickup_code and can_see_pickup_code(info, root) else None

    @staticmethod
    def resolve_delivery_kind(root, info):
        return str(root.delivery_kind)


class OrderCountableConnection(CountableConnection):
    class Meta:
        node = OrderType


def can_read_order(info, order: Order) -> bool:
    return order_may_view(requestor(info), order)
