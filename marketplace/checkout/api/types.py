"""Saleor's Checkout, CheckoutLine and ShippingMethod types, plus the per-shop delivery groups."""

from __future__ import annotations

import graphene

from marketplace.catalog.api.money import TaxedMoney, taxed
from marketplace.catalog.api.types import ProductVariantType
from marketplace.checkout.models import Checkout, CheckoutLine, Reservation
from marketplace.checkout.selectors import (
    checkout_info,
    checkout_info_keep,
    checkout_info_kept,
    collection_points_for,
    shipping_quotes_for,
)
from marketplace.inventory.api import WarehouseType
from marketplace.payments.selectors import (
    checkout_authorize_status,
    checkout_charge_status,
    payment_gateways_available,
    transactions_for_checkout,
)
from marketplace.shipping.models import ShippingMethod
from meidu.accounts.address_api import AddressType
from meidu.core.graphql.types import ModelObjectType, Money
from meidu.core.money import Money as MoneyValue


def info_of(checkout: Checkout):
    """checkout_info once per checkout object per request (or the one the service kept after its write)."""
    return checkout_info_kept(checkout) or checkout_info_keep(checkout, checkout_info(checkout))


class ShippingMethodType(ModelObjectType):
    """A shop's shipping method with its price for this checkout's address and weight."""

    price = graphene.Field(Money, required=True)
    minimum_delivery_days = graphene.Int()
    maximum_delivery_days = graphene.Int()
    active = graphene.Boolean(required=True)
    message = graphene.String()
    kind = graphene.String(
        required=True, description="county (village delivery), carrier or seller (the shop delivers itself) (ours)."
    )

    class Meta:
        model = ShippingMethod
        name = "ShippingMethod"
        fields = ["id", "name", "shop"]

    @staticmethod
    def resolve_price(root, info):
        quote = getattr(root, "quote", None)
        return MoneyValue(quote.price if quote else 0, quote.currency if quote else "CNY")

    @staticmethod
    def resolve_minimum_delivery_days(root, info):
        quote = getattr(root, "quote", None)
        return quote.days_min if quote else None

    @staticmethod
    def resolve_maximum_delivery_days(root, info):
        quote = getattr(root, "quote", None)
        return quote.days_max if quote else None

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_active(root, info):
        return getattr(root, "quote", None) is not None


def _quoted_methods(group, address):
    methods = []
    for quote in shipping_quotes_for(group, address):
        quote.method.quote = quote
        methods.append(quote.method)
    return methods


class DeliveryMethod(graphene.Union):
    class Meta:
        types = (WarehouseType, ShippingMethodType)

    @classmethod
    def resolve_type(cls, instance, info):
        return ShippingMethodType if isinstance(instance, ShippingMethod) else WarehouseType


def _delivery_method(group):
    if group.delivery is None:
        return None
    if group.delivery.collection_point_id:
        return group.delivery.collection_point
    method = group.delivery.shipping_method
    if method is not None:
        method.quote = group.quote
    return method


class CheckoutShopDelivery(graphene.ObjectType):
    """One shop's part of a checkout: its lines travel together (ours; Saleor has one seller)."""

    shop = graphene.Field("marketplace.shops.api.MarketplaceShopType", required=True)
    subtotal_price = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    is_shipping_required = graphene.Boolean(required=True)
    shipping_methods = graphene.List(graphene.NonNull(ShippingMethodType), required=True)
    available_collection_points = graphene.List(graphene.NonNull(WarehouseType), required=True)
    delivery_method = graphene.Field(DeliveryMethod)
    lines = graphene.List(graphene.NonNull("marketplace.checkout.api.types.CheckoutLineType"), required=True)

    @staticmethod
    def resolve_shop(root, info):
        return root.group.shop

    @staticmethod
    def resolve_subtotal_price(root, info):
        return taxed(root.group.subtotal, root.currency)

    @staticmethod
    def resolve_shipping_price(root, info):
        return taxed(root.group.shipping_price, root.currency)

    @staticmethod
    def resolve_total_price(root, info):
        return taxed(root.group.total, root.currency)

    @staticmethod
    def resolve_is_shipping_required(root, info):
        return root.group.is_shipping_required

    @staticmethod
    def resolve_shipping_methods(root, info):
        return _quoted_methods(root.group, root.address)

    @staticmethod
    def resolve_available_collection_points(root, info):
        return collection_points_for(root.group)

    @staticmethod
    def resolve_delivery_method(root, info):
        return _delivery_method(root.group)

    @staticmethod
    def resolve_lines(root, info):
        return [line.line for line in root.group.lines]


class _Currency:
    def __init__(self, currency):
        self.currency = currency


class _Group:
    def __init__(self, group, currency, address):
        self.group, self.currency, self.address = group, currency, address


class CheckoutLineType(ModelObjectType):
    variant = graphene.Field(ProductVariantType, required=True)
    unit_price = graphene.Field(TaxedMoney, required=True)
    undiscounted_unit_price = graphene.Field(Money, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    requires_shipping = graphene.Boolean(required=True)

    class Meta:
        model = CheckoutLine
        name = "CheckoutLine"
        fields = ["id", "quantity"]

    @staticmethod
    def _line_info(root):
        return next(info for info in info_of(root.checkout).lines if info.line.pk == root.pk)

    @staticmethod
    def resolve_variant(root, info):
        return root.variant

    @staticmethod
    def resolve_unit_price(root, info):
        line = CheckoutLineType._line_info(root)
        return taxed(line.unit_price or 0, root.checkout.channel.currency_code)

    @staticmethod
    def resolve_undiscounted_unit_price(root, info):
        line = CheckoutLineType._line_info(root)
        return MoneyValue(line.unit_price or 0, root.checkout.channel.currency_code)

    @staticmethod
    def resolve_total_price(root, info):
        line = CheckoutLineType._line_info(root)
        return taxed(line.total, root.checkout.channel.currency_code)

    @staticmethod
    def resolve_requires_shipping(root, info):
        return root.variant.product.product_type.is_shipping_required


def _line_objects(checkout):
    lines = [info.line for info in info_of(checkout).lines]
    for line in lines:
        line.checkout = checkout
    return lines


# Values are the payments selectors' (marketplace.payments.selectors.CheckoutChargeStatus and friends).
CheckoutChargeStatusEnum = graphene.Enum(
    "CheckoutChargeStatusEnum", [(name, name) for name in ("NONE", "PARTIAL", "FULL", "OVERCHARGED")]
)
CheckoutAuthorizeStatusEnum = graphene.Enum(
    "CheckoutAuthorizeStatusEnum", [(name, name) for name in ("NONE", "PARTIAL", "FULL")]
)


class CheckoutType(ModelObjectType):
    token = graphene.UUID(required=True)
    quantity = graphene.Int(required=True)
    is_shipping_required = graphene.Boolean(required=True)
    lines = graphene.List(graphene.NonNull(CheckoutLineType), required=True)
    subtotal_price = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    due_now_price = graphene.Field(
        TaxedMoney,
        required=True,
        description="Paid at checkout: the total, less the balance of harvest pre-sale lines.",
    )
    shipping_address = graphene.Field(AddressType)
    billing_address = graphene.Field(AddressType)
    shipping_methods = graphene.List(
        graphene.NonNull(ShippingMethodType),
        required=True,
        description="Every shop's shipping methods that apply to the address.",
    )
    available_collection_points = graphene.List(
        graphene.NonNull(WarehouseType),
        required=True,
        description="Pickup points that serve every shop of the checkout.",
    )
    delivery_method = graphene.Field(DeliveryMethod, description="The first shop's delivery choice (see deliveries).")
    deliveries = graphene.List(
        graphene.NonNull(CheckoutShopDelivery),
        required=True,
        description="One group per shop: lines, delivery options and choice, prices.",
    )
    stock_reservation_expires = graphene.DateTime()
    available_payment_gateways = graphene.List(
        graphene.NonNull("marketplace.payments.api.types.PaymentGatewayObject"), required=True
    )
    transactions = graphene.List(graphene.NonNull("marketplace.payments.api.types.TransactionItemObject"))
    charge_status = graphene.Field(CheckoutChargeStatusEnum, required=True)
    authorize_status = graphene.Field(CheckoutAuthorizeStatusEnum, required=True)

    class Meta:
        model = Checkout
        name = "Checkout"
        fields = ["email", "channel", "created_at", "updated_at", "note"]

    @staticmethod
    def resolve_id(root, info):
        return str(root.pk)

    @staticmethod
    def resolve_token(root, info):
        return root.pk

    @staticmethod
    def resolve_quantity(root, info):
        return info_of(root).quantity

    @staticmethod
    def resolve_is_shipping_required(root, info):
        return any(group.is_shipping_required for group in info_of(root).groups)

    @staticmethod
    def resolve_lines(root, info):
        return _line_objects(root)

    @staticmethod
    def resolve_subtotal_price(root, info):
        data = info_of(root)
        return taxed(data.subtotal, data.currency)

    @staticmethod
    def resolve_shipping_price(root, info):
        data = info_of(root)
        return taxed(data.shipping_price, data.currency)

    @staticmethod
    def resolve_total_price(root, info):
        data = info_of(root)
        return taxed(data.total, data.currency)

    @staticmethod
    def resolve_due_now_price(root, info):
        data = info_of(root)
        return taxed(data.due_now, data.currency)

    @staticmethod
    def resolve_shipping_methods(root, info):
        return [method for group in info_of(root).groups for method in _quoted_methods(group, root.shipping_address)]

    @staticmethod
    def resolve_available_collection_points(root, info):
        groups = info_of(root).groups
        if not groups:
            return []
        common = None
        for group in groups:
            points = {point.pk: point for point in collection_points_for(group)}
            common = points if common is None else {pk: point for pk, point in common.items() if pk in points}
        return sorted(common.values(), key=lambda point: point.pk)

    @staticmethod
    def resolve_delivery_method(root, info):
        groups = info_of(root).groups
        return _delivery_method(groups[0]) if groups else None

    @staticmethod
    def resolve_deliveries(root, info):
        data = info_of(root)
        return [_Group(group, data.currency, root.shipping_address) for group in data.groups]

    @staticmethod
    def resolve_stock_reservation_expires(root, info):
        found = Reservation.objects.filter(checkout_line__checkout=root).order_by("reserved_until").first()
        return found.reserved_until if found else None

    @staticmethod
    def resolve_available_payment_gateways(root, info):
        return payment_gateways_available(_Currency(root.channel.currency_code))

    @staticmethod
    def resolve_transactions(root, info):
        return list(transactions_for_checkout(root.pk))

    @staticmethod
    def resolve_charge_status(root, info):
        return checkout_charge_status(root.pk, info_of(root).total)

    @staticmethod
    def resolve_authorize_status(root, info):
        return checkout_authorize_status(root.pk, info_of(root).total)
