"""Saleor's Transactions API mutations: parse, check the caller may pay for the checkout, call one service."""

from __future__ import annotations

import binascii
import uuid

import graphene
from django.utils.translation import gettext as _
from graphql_relay import from_global_id

from marketplace.payments import services
from marketplace.payments.api.types import (
    JSON,
    PaymentGatewayConfig,
    PaymentGatewayConfigError,
    PaymentGatewayToInitialize,
    TransactionActionEnum,
    TransactionEventObject,
    TransactionFlowStrategyEnum,
    TransactionItemObject,
)
from marketplace.payments.error_codes import (
    PaymentErrorCode,
    PaymentGatewayConfigErrorCode,
    PaymentGatewayInitializeErrorCode,
    TransactionInitializeErrorCode,
    TransactionProcessErrorCode,
    TransactionRequestActionErrorCode,
)
from marketplace.payments.hooks import payment_source_of
from marketplace.payments.models import TransactionItem
from meidu.core.errors import DomainError
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import has_one_of, requestor
from meidu.core.permissions import PaymentPermissions


def _uuid_from_global_id(global_id: str, type_name: str, field: str = "id") -> uuid.UUID:
    try:
        found_type, pk = from_global_id(global_id or "")
        if found_type == type_name:
            return uuid.UUID(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        pass
    raise DomainError(
        _("Couldn't resolve id: %(id)s. Must receive a %(type)s id.") % {"id": global_id, "type": type_name},
        PaymentErrorCode.GRAPHQL_ERROR,
        field=field,
    )


def _may_pay_for(info, user_id) -> bool:
    """A buyer pays for their own checkout, anyone holding its token for an anonymous one; payment staff for any."""
    if user_id is None:
        return True
    caller = requestor(info)
    if getattr(caller, "pk", None) == user_id and not getattr(info.context, "app", None):
        return True
    return has_one_of(caller, [PaymentPermissions.HANDLE_PAYMENTS])


def _checkout_for_payment(info, global_id: str):
    token = _uuid_from_global_id(global_id, "Checkout")
    source = payment_source_of(token)
    if source is None or not _may_pay_for(info, source.user_id):
        raise DomainError(_("Checkout not found."), PaymentErrorCode.NOT_FOUND, field="id")
    return source


def _actor_kwargs(info) -> dict:
    app = getattr(info.context, "app", None)
    return {"app": app, "user": None if app else info.context.user}


class PaymentGatewayInitialize(BaseMutation):
    gateway_configs = graphene.List(graphene.NonNull(PaymentGatewayConfig))

    class Arguments:
        id = graphene.ID(required=True, description="Checkout ID.")
        amount = graphene.Decimal(description="Amount to pay; the checkout total by default.")
        payment_gateways = graphene.List(
            graphene.NonNull(PaymentGatewayToInitialize),
            description="Gateways to initialise; all available by default.",
        )

    class Meta:
        description = "Initialise payment gateways for a checkout (what the client needs before paying)."
        error_code_enum = PaymentGatewayInitializeErrorCode
        error_type_name = "PaymentGatewayInitializeError"

    @classmethod
    def perform_mutation(cls, root, info, id, amount=None, payment_gateways=None):
        source = _checkout_for_payment(info, id)
        requested = [(g["id"], g.get("data")) for g in payment_gateways or []]
        configs = services.payment_gateway_initialize(checkout_token=source.token, amount=amount, gateways=requested)
        return cls(
            errors=[],
            gateway_configs=[
                PaymentGatewayConfig(
                    id=c.id,
                    data=c.data,
                    errors=[
                        PaymentGatewayConfigError(
                            field=e.field, message=e.message, code=PaymentGatewayConfigErrorCode(e.code)
                        )
                        for e in c.errors
                    ],
                )
                for c in configs
            ],
        )


class TransactionInitialize(BaseMutation):
    transaction = graphene.Field(TransactionItemObject)
    transaction_event = graphene.Field(TransactionEventObject)
    data = JSON()

    class Arguments:
        id = graphene.ID(required=True, description="Checkout ID.")
        payment_gateway = PaymentGatewayToInitialize(required=True)
        amount = graphene.Decimal(description="Amount; the checkout total minus what is already paid by default.")
        action = TransactionFlowStrategyEnum(description="CHARGE or AUTHORIZATION; cash on delivery always authorises.")
        idempotency_key = graphene.String(
            description="Retrying with the same key and data returns the same transaction."
        )

    class Meta:
        description = "Start a payment for a checkout with a gateway (Saleor's transactionInitialize)."
        error_code_enum = TransactionInitializeErrorCode
        error_type_name = "TransactionInitializeError"

    @classmethod
    def perform_mutation(cls, root, info, id, payment_gateway, amount=None, action=None, idempotency_key=None):
        source = _checkout_for_payment(info, id)
        outcome = services.transaction_initialize(
            checkout_token=source.token,
            gateway_id=payment_gateway["id"],
            amount=amount,
            action=getattr(action, "value", action),
            data=payment_gateway.get("data"),
            idempotency_key=idempotency_key,
            source=source,
            **_actor_kwargs(info),
        )
        return cls(errors=[], transaction=outcome.item, transaction_event=outcome.event, data=outcome.data)


def _transaction_for(info, global_id: str) -> TransactionItem:
    token = _uuid_from_global_id(global_id, "TransactionItem")
    item = TransactionItem.objects.filter(token=token).first()
    if item is None:
        raise DomainError(_("Transaction not found."), PaymentErrorCode.NOT_FOUND, field="id")
    source = payment_source_of(item.checkout_token)
    user_id = source.user_id if source is not None else item.created_by_id
    if not _may_pay_for(info, user_id):
        raise DomainError(_("Transaction not found."), PaymentErrorCode.NOT_FOUND, field="id")
    return item


class TransactionProcess(BaseMutation):
    transaction = graphene.Field(TransactionItemObject)
    transaction_event = graphene.Field(TransactionEventObject)
    data = JSON()

    class Arguments:
        id = graphene.ID(required=True, description="TransactionItem ID.")
        data = JSON(description="Data for the gateway.")

    class Meta:
        description = "Finish a payment after the buyer's action (Saleor's transactionProcess)."
        error_code_enum = TransactionProcessErrorCode
        error_type_name = "TransactionProcessError"

    @classmethod
    def perform_mutation(cls, root, info, id, data=None):
        item = _transaction_for(info, id)
        outcome = services.transaction_process(item, data, **_actor_kwargs(info))
        return cls(errors=[], transaction=outcome.item, transaction_event=outcome.event, data=outcome.data)


class TransactionRequestAction(BaseMutation):
    transaction = graphene.Field(TransactionItemObject)

    class Arguments:
        id = graphene.ID(required=True, description="TransactionItem ID.")
        action_type = TransactionActionEnum(required=True)
        amount = graphene.Decimal(description="Amount to charge or refund; all that is possible by default.")

    class Meta:
        description = "Charge, refund or void a transaction (payment staff)."
        permissions = (PaymentPermissions.HANDLE_PAYMENTS,)
        error_code_enum = TransactionRequestActionErrorCode
        error_type_name = "TransactionRequestActionError"

    @classmethod
    def perform_mutation(cls, root, info, id, action_type, amount=None):
        token = _uuid_from_global_id(id, "TransactionItem")
        item = TransactionItem.objects.filter(token=token).first()
        if item is None:
            raise DomainError(_("Transaction not found."), PaymentErrorCode.NOT_FOUND, field="id")
        actor = requestor(info)
        action = getattr(action_type, "value", action_type)
        if action == "CHARGE":
            services.transaction_charge(item, amount if amount is not None else item.authorized_amount, actor=actor)
        elif action == "REFUND":
            refundable = item.charged_amount - item.refunded_amount - item.refund_pending_amount
            services.transaction_refund(item, amount if amount is not None else refundable, actor=actor)
        else:
            services.transaction_cancel(item, actor=actor)
        item.refresh_from_db()
        return cls(errors=[], transaction=item)


class PaymentMutations(graphene.ObjectType):
    payment_gateway_initialize = PaymentGatewayInitialize.Field()
    transaction_initialize = TransactionInitialize.Field()
    transaction_process = TransactionProcess.Field()
    transaction_request_action = TransactionRequestAction.Field()
