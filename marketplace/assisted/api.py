"""GraphQL of assisted buying at a village station (网络代购): assistedOrder (the agent's own,
as of now: expired once past expiresAt), assistedOrderStart (the villager's
number, the goods, the delivery; optionally texts the code), assistedOrderCodeSend (text it again),
assistedOrderConfirm (the code the villager reads out, or the counter signature). Each checks
ASSIST_ORDERS first, parses, calls one service and maps its refusals to AssistedOrderError.

What comes back is what the agent needs and no more: the number masked, the goods and total, the
placed orders' numbers and totals; never the villager's account, addresses or other orders."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from logistics.geography.models import Village
from marketplace.assisted.error_codes import AssistedOrderErrorCode
from marketplace.assisted.models import AssistedDelivery
from marketplace.assisted.selectors import assisted_cart, assisted_order_get, phone_masked
from marketplace.assisted.services import assisted_order_code_send, assisted_order_confirm, assisted_order_prepare
from marketplace.catalog.models import ProductVariant
from marketplace.inventory.models import Warehouse
from meidu.core.errors import DomainError
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation, ip_address
from meidu.core.graphql.permissions import check_permissions, require_user
from meidu.core.graphql.types import Money
from meidu.core.money import Money as MoneyValue
from meidu.core.permissions import OrderPermissions

AssistedDeliveryEnum = graphene.Enum(
    "AssistedDeliveryEnum",
    [("STATION", AssistedDelivery.STATION.value), ("VILLAGE", AssistedDelivery.VILLAGE.value)],
)
MAX_LINES = 50


class AssistedOrderLineType(graphene.ObjectType):
    product_name = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    total = graphene.Field(Money, required=True)


class AssistedPlacedOrderType(graphene.ObjectType):
    number = graphene.String(required=True)
    total = graphene.Field(Money, required=True)
    delivery = graphene.String(required=True, description="Where the parcel goes: the station or the village.")


class AssistedOrderType(graphene.ObjectType):
    token = graphene.UUID(required=True)
    phone = graphene.String(required=True, description="The villager's number, masked.")
    status = graphene.String(
        required=True,
        description="open, placed, or expired (an open order past expiresAt reads expired at once).",
    )
    expires_at = graphene.DateTime(
        required=True, description="Unconfirmed by then, the order lapses and its cart is released."
    )
    delivery = graphene.String()
    lines = graphene.List(graphene.NonNull(AssistedOrderLineType), required=True)
    total = graphene.Field(Money)
    orders = graphene.List(graphene.NonNull(AssistedPlacedOrderType), required=True)

    @staticmethod
    def build(assisted) -> AssistedOrderType:
        cart = assisted_cart(assisted)
        lines, total = [], None
        if cart.info is not None:
            currency = cart.info.currency
            lines = [
                AssistedOrderLineType(
                    product_name=line.variant.product.name,
                    quantity=line.line.quantity,
                    total=MoneyValue(line.total, currency),
                )
                for line in cart.info.lines
            ]
            total = MoneyValue(cart.info.total, currency)
        orders = [
            AssistedPlacedOrderType(
                number=str(order.number),
                total=MoneyValue(order.total_amount, order.currency),
                delivery=order.collection_point_name or order.shipping_method_name,
            )
            for order in cart.orders
        ]
        return AssistedOrderType(
            token=assisted.pk,
            phone=phone_masked(assisted.phone),
            status=cart.state,
            expires_at=assisted.expires_at,
            delivery=assisted.delivery or None,
            lines=lines,
            total=total,
            orders=orders,
        )


class AssistedOrderLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class AssistedMutation(BaseMutation):
    default_error_code_enum = AssistedOrderErrorCode
    default_error_type_name = "AssistedOrderError"
    assisted_order = graphene.Field(AssistedOrderType)

    class Meta:
        abstract = True


def _assisted(info, token):
    found = assisted_order_get(token, agent=require_user(info))
    if found is None:
        raise DomainError(_("Assisted order not found"), AssistedOrderErrorCode.NOT_FOUND, field="token")
    return found


class AssistedOrderStart(AssistedMutation):
    class Arguments:
        station_id = graphene.ID(required=True, description="The agent's village station (a Warehouse).")
        phone = graphene.String(required=True, description="The villager's mainland mobile number.")
        lines = graphene.List(graphene.NonNull(AssistedOrderLineInput), required=True)
        delivery = AssistedDeliveryEnum(required=True)
        village_id = graphene.ID(description="VILLAGE: the villager's village.")
        recipient = graphene.String(description="VILLAGE: who receives the parcel.")
        detail = graphene.String(description="VILLAGE: group and house number, e.g. 3组12号.")
        send_code = graphene.Boolean(default_value=True, description="Text the villager the confirmation code now.")

    class Meta:
        description = "A station agent prepares an order for a villager (cash on delivery); nothing is placed yet."
        permissions = (OrderPermissions.ASSIST_ORDERS,)

    @classmethod
    def perform_mutation(cls, root, info, station_id, phone, lines, delivery, send_code=True, **data):
        agent = require_user(info)
        if len(lines) > MAX_LINES:
            raise DomainError(
                _("At most %(count)s lines") % {"count": MAX_LINES}, AssistedOrderErrorCode.INVALID, field="lines"
            )
        station = get_node_or_error(Warehouse, station_id, "Warehouse", "stationId")
        parsed = [
            (get_node_or_error(ProductVariant, line.variant_id, "ProductVariant", "variantId"), line.quantity)
            for line in lines
        ]
        village = get_node_or_error(Village, data.get("village_id"), "Village", "villageId", required=False)
        assisted = assisted_order_prepare(
            agent=agent,
            station=station,
            phone=phone,
            lines=parsed,
            delivery=getattr(delivery, "value", delivery),
            village=village,
            recipient=data.get("recipient") or "",
            detail=data.get("detail") or "",
        )
        if send_code:
            try:
                assisted_order_code_send(assisted, agent=agent, ip_address=ip_address(info))
            except DomainError as exc:  # the order is prepared; the agent may send the code again
                return cls(errors=[cls._error(exc)], assisted_order=AssistedOrderType.build(assisted))
        return cls(errors=[], assisted_order=AssistedOrderType.build(assisted))


class AssistedOrderCodeSend(AssistedMutation):
    expires_in = graphene.Int()
    retry_after = graphene.Int()

    class Arguments:
        token = graphene.UUID(required=True)

    class Meta:
        description = "Text the villager the six-digit code that confirms an assisted order."
        permissions = (OrderPermissions.ASSIST_ORDERS,)

    @classmethod
    def perform_mutation(cls, root, info, token):
        assisted = _assisted(info, token)
        sent = assisted_order_code_send(assisted, agent=require_user(info), ip_address=ip_address(info))
        return cls(
            errors=[],
            assisted_order=AssistedOrderType.build(assisted),
            expires_in=sent.expires_in,
            retry_after=sent.retry_after,
        )


class AssistedOrderConfirm(AssistedMutation):
    class Arguments:
        token = graphene.UUID(required=True)
        code = graphene.String(description="The code the villager reads out from their phone.")
        signed_name = graphene.String(description="Without a phone: the name the villager signed at the counter.")
        attested = graphene.Boolean(description="With signedName: the agent attests the villager signed.")

    class Meta:
        description = "Place an assisted order in the villager's name once the villager confirmed it."
        permissions = (OrderPermissions.ASSIST_ORDERS,)

    @classmethod
    def perform_mutation(cls, root, info, token, code=None, signed_name=None, attested=None):
        assisted = _assisted(info, token)
        assisted_order_confirm(
            assisted,
            agent=require_user(info),
            code=code,
            signed_name=signed_name,
            attested=attested is True,
            ip_address=ip_address(info),
        )
        return cls(errors=[], assisted_order=AssistedOrderType.build(assisted))


class AssistedOrderQueries(graphene.ObjectType):
    assisted_order = graphene.Field(
        AssistedOrderType,
        token=graphene.UUID(required=True),
        description="The agent's own assisted order as of now (another agent's is null): an unconfirmed one past "
        "its expiresAt reads expired at once, before the periodic job releases its cart.",
    )

    @staticmethod
    def resolve_assisted_order(root, info, token):
        check_permissions(info, [OrderPermissions.ASSIST_ORDERS])
        found = assisted_order_get(token, agent=require_user(info))
        return AssistedOrderType.build(found) if found is not None else None


class AssistedOrderMutations(graphene.ObjectType):
    assisted_order_start = AssistedOrderStart.Field()
    assisted_order_code_send = AssistedOrderCodeSend.Field()
    assisted_order_confirm = AssistedOrderConfirm.Field()
