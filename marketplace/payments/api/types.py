"""Saleor's payment types: TransactionItem, TransactionEvent, PaymentGateway, and a JSON scalar."""

from __future__ import annotations

import graphene
from graphene.types.generic import GenericScalar
from graphql_relay import to_global_id

from marketplace.payments.error_codes import PaymentGatewayConfigErrorCode
from marketplace.payments.models import TransactionAction, TransactionEventType
from meidu.core.graphql.mutations import error_type
from meidu.core.graphql.types import Money
from meidu.core.money import Money as MoneyValue

TransactionEventTypeEnum = graphene.Enum(
    "TransactionEventTypeEnum", [(value, value) for value in TransactionEventType.values]
)
TransactionFlowStrategyEnum = graphene.Enum(
    "TransactionFlowStrategyEnum", [(value, value) for value in TransactionAction.values]
)
TransactionActionEnum = graphene.Enum(
    "TransactionActionEnum", [("CHARGE", "CHARGE"), ("REFUND", "REFUND"), ("CANCEL", "CANCEL")]
)


class JSON(GenericScalar):
    """Any JSON value (Saleor's ``JSON`` scalar)."""

    class Meta:
        name = "JSON"


def _money(root, name):
    return MoneyValue(getattr(root, name), root.currency)


class TransactionEventObject(graphene.ObjectType):
    id = graphene.ID(required=True)
    type = graphene.Field(TransactionEventTypeEnum)
    amount = graphene.Field(Money, required=True)
    psp_reference = graphene.String(required=True)
    message = graphene.String(required=True)
    external_url = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    class Meta:
        name = "TransactionEvent"

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("TransactionEvent", root.pk)

    @staticmethod
    def resolve_amount(root, info):
        return MoneyValue(root.amount, root.item.currency)

    @staticmethod
    def resolve_type(root, info):
        return str(root.type)


class TransactionItemObject(graphene.ObjectType):
    id = graphene.ID(required=True)
    token = graphene.UUID(required=True)
    name = graphene.String(required=True)
    psp_reference = graphene.String(required=True)
    authorized_amount = graphene.Field(Money, required=True)
    charged_amount = graphene.Field(Money, required=True)
    refunded_amount = graphene.Field(Money, required=True)
    canceled_amount = graphene.Field(Money, required=True)
    authorize_pending_amount = graphene.Field(Money, required=True)
    charge_pending_amount = graphene.Field(Money, required=True)
    refund_pending_amount = graphene.Field(Money, required=True)
    events = graphene.List(graphene.NonNull(TransactionEventObject), required=True)
    created_at = graphene.DateTime(required=True)
    modified_at = graphene.DateTime(required=True)

    class Meta:
        name = "TransactionItem"

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("TransactionItem", str(root.token))

    @staticmethod
    def resolve_events(root, info):
        events = list(root.events.all())
        for event in events:
            event.item = root  # no query per event for the currency
        return events

    resolve_authorized_amount = staticmethod(lambda root, info: _money(root, "authorized_amount"))
    resolve_charged_amount = staticmethod(lambda root, info: _money(root, "charged_amount"))
    resolve_refunded_amount = staticmethod(lambda root, info: _money(root, "refunded_amount"))
    resolve_canceled_amount = staticmethod(lambda root, info: _money(root, "canceled_amount"))
    resolve_authorize_pending_amount = staticmethod(lambda root, info: _money(root, "authorize_pending_amount"))
    resolve_charge_pending_amount = staticmethod(lambda root, info: _money(root, "charge_pending_amount"))
    resolve_refund_pending_amount = staticmethod(lambda root, info: _money(root, "refund_pending_amount"))


class GatewayConfigLine(graphene.ObjectType):
    field = graphene.String(required=True)
    value = graphene.String()


class PaymentGatewayObject(graphene.ObjectType):
    """A gateway a checkout may pay with (Checkout.availablePaymentGateways); root: a gateway instance."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    currencies = graphene.List(graphene.NonNull(graphene.String), required=True)
    config = graphene.List(graphene.NonNull(GatewayConfigLine), required=True)

    class Meta:
        name = "PaymentGateway"

    @staticmethod
    def resolve_name(root, info):
        return str(root.name)

    @staticmethod
    def resolve_currencies(root, info):
        return list(root.currencies)

    @staticmethod
    def resolve_config(root, info):
        return [
            GatewayConfigLine(field=key, value=None if value is None else str(value))
            for key, value in root.config().items()
        ]


PaymentGatewayConfigError = error_type("PaymentGatewayConfigError", PaymentGatewayConfigErrorCode)


class PaymentGatewayConfig(graphene.ObjectType):
    id = graphene.String(required=True)
    data = JSON()
    errors = graphene.List(graphene.NonNull(PaymentGatewayConfigError))


class PaymentGatewayToInitialize(graphene.InputObjectType):
    id = graphene.String(required=True, description="The gateway id, e.g. meidu.payments.cod.")
    data = JSON(description="Data for the gateway (for the offline test gateway: {\"simulate\": \"decline\"}).")
