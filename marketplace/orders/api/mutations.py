"""Order mutations for sellers (confirm, fulfil, cancel, refund, return), buyers (confirm receipt,
cancel before confirmation) and counter staff (pickup codes, hand-over with cash)."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from marketplace.inventory.models import Warehouse
from marketplace.orders.api.access import (
    lines_of,
    order_for_buyer,
    order_for_cancel,
    order_for_handover,
    order_for_seller,
)
from marketplace.orders.api.types import FulfillmentType, OrderType
from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.policies import order_may_confirm_receipt
from marketplace.orders.services import lifecycle
from marketplace.orders.services.delivery import order_handover
from marketplace.orders.services.pickup import order_pickup_verify
from meidu.core.errors import DomainError
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor, require_user


class OrderMutation(BaseMutation):
    default_error_code_enum = OrderErrorCode
    default_error_type_name = "OrderError"
    order = graphene.Field(OrderType)

    class Meta:
        abstract = True


class OrderConfirm(OrderMutation):
    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id):
        order = order_for_seller(info, id)
        return cls(errors=[], order=lifecycle.order_confirm(order, actor=requestor(info)))


class OrderFulfillLineInput(graphene.InputObjectType):
    order_line_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)
    actual_weight = graphene.String(description="Weighed weight in the line's unit (斤 or kg), for by-weight lines.")


class OrderFulfillInput(graphene.InputObjectType):
    lines = graphene.List(graphene.NonNull(OrderFulfillLineInput), required=True)
    tracking_number = graphene.String()
    local_delivery = graphene.Boolean(
        description="Carried by the county's village delivery run. Optional: the buyer's delivery choice decides it; "
        "a value that contradicts that choice is refused.",
        deprecation_reason="The buyer's delivery method decides the route; read Fulfillment.localDelivery.",
    )


class OrderFulfill(OrderMutation):
    fulfillments = graphene.List(FulfillmentType)

    class Arguments:
        order = graphene.ID(required=True)
        input = OrderFulfillInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, order, input):
        found = order_for_seller(info, order, "order")
        lines = [(line, item["quantity"], item.get("actual_weight")) for line, item in lines_of(found, input["lines"])]
        fulfillment = lifecycle.order_fulfill(
            found,
            actor=requestor(info),
            lines=lines,
            tracking_number=input.get("tracking_number") or "",
            local_delivery=input.get("local_delivery"),
        )
        return cls(errors=[], order=fulfillment.order, fulfillments=[fulfillment])


class OrderCancel(OrderMutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, id, reason=""):
        order, as_buyer = order_for_cancel(info, id)
        return cls(
            errors=[],
            order=lifecycle.order_cancel(order, actor=requestor(info), reason=reason or "", by_buyer=as_buyer),
        )


class OrderConfirmReceipt(OrderMutation):
    """The buyer says the parcel arrived (otherwise it is confirmed automatically after N days)."""

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id):
        order = order_for_buyer(info, id)
        if not order_may_confirm_receipt(requestor(info), order):
            raise DomainError(
                _("Only a shipped order can be confirmed as received"), OrderErrorCode.INVALID, field="id"
            )
        return cls(errors=[], order=lifecycle.order_deliver(order, actor=info.context.user, by_buyer=True))


class OrderRefund(OrderMutation):
    class Arguments:
        id = graphene.ID(required=True)
        amount = graphene.String(required=True, description="Decimal amount, e.g. \"12.50\".")
        reason = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, id, amount, reason=""):
        order = order_for_seller(info, id)
        return cls(errors=[], order=lifecycle.order_refund(order, amount, actor=requestor(info), reason=reason or ""))


class OrderReturnLineInput(graphene.InputObjectType):
    order_line_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class OrderReturnInput(graphene.InputObjectType):
    lines = graphene.List(graphene.NonNull(OrderReturnLineInput), required=True)
    refund = graphene.Boolean(default_value=True)
    restock = graphene.Boolean(default_value=True)
    reason = graphene.String()


class OrderReturn(OrderMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = OrderReturnInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        order = order_for_seller(info, id)
        lines = [(line, item["quantity"]) for line, item in lines_of(order, input["lines"])]
        return cls(
            errors=[],
            order=lifecycle.order_return(
                order,
                actor=requestor(info),
                lines=lines,
                refund=input.get("refund", True),
                restock=input.get("restock", True),
                reason=input.get("reason") or "",
            ),
        )


class OrderPickupVerify(OrderMutation):
    """The clerk or station agent enters the buyer's 核销码 at their counter."""

    class Arguments:
        collection_point = graphene.ID(required=True)
        code = graphene.String(required=True)
        cash_collected = graphene.Boolean(default_value=False)

    @classmethod
    def perform_mutation(cls, root, info, collection_point, code, cash_collected=False):
        agent = require_user(info)
        point = get_node_or_error(Warehouse, collection_point, "Warehouse", "collectionPoint")
        return cls(errors=[], order=order_pickup_verify(point, code, agent=agent, cash_collected=cash_collected))


class OrderHandover(OrderMutation):
    """The seller or the county driver hands a shipped parcel to the buyer, taking cash if due."""

    class Arguments:
        id = graphene.ID(required=True)
        cash_collected = graphene.Boolean(default_value=False)

    @classmethod
    def perform_mutation(cls, root, info, id, cash_collected=False):
        require_user(info)
        order = order_for_handover(info, id)
        return cls(errors=[], order=order_handover(order, actor=requestor(info), cash_collected=cash_collected))


class OrderMutations(graphene.ObjectType):
    order_confirm = OrderConfirm.Field()
    order_fulfill = OrderFulfill.Field()
    order_cancel = OrderCancel.Field()
    order_confirm_receipt = OrderConfirmReceipt.Field()
    order_refund = OrderRefund.Field()
    order_return = OrderReturn.Field()
    order_pickup_verify = OrderPickupVerify.Field()
    order_handover = OrderHandover.Field()
