"""GraphQL of exchange settlements: a member's own settlements, and the buyer paying one."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _
from graphene_django import DjangoObjectType

from magnesium_exchange.members.access import require_trader
from magnesium_exchange.settlement import selectors, services
from magnesium_exchange.settlement.error_codes import ExchangeSettlementErrorCode as Code
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.trading.api import ExchangeTradeType
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation


class ExchangeSettlementType(DjangoObjectType):
    trade = graphene.Field(ExchangeTradeType, required=True)
    delivered_receipts = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        model = Settlement
        name = "ExchangeSettlement"
        interfaces = (graphene.relay.Node,)
        convert_choices_to_enum = False
        fields = ["id", "status", "balance_due", "due_at", "settled_at", "created_at"]

    @staticmethod
    def resolve_trade(root, info):
        return root.trade

    @staticmethod
    def resolve_delivered_receipts(root, info):
        return list(root.delivered_receipts)


class ExchangeSettlementCountableConnection(CountableConnection):
    class Meta:
        node = ExchangeSettlementType


class ExchangeSettlementQueries(graphene.ObjectType):
    my_settlements = graphene.relay.ConnectionField(
        ExchangeSettlementCountableConnection,
        status=graphene.String(),
        description="Settlements of the caller's member only.",
    )

    @staticmethod
    def resolve_my_settlements(root, info, status=None, **kwargs):
        trader = require_trader(info)
        qs = selectors.settlement_list_for_member(trader.member)
        if status:
            qs = qs.filter(status=status)
        return paginate(
            qs, info, ExchangeSettlementCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs
        )


class SettlementPay(BaseMutation):
    settlement = graphene.Field(ExchangeSettlementType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "交收: the buyer pays the balance; funds and receipts move in one transaction."
        error_code_enum = Code
        error_type_name = "ExchangeSettlementError"

    @classmethod
    def perform_mutation(cls, root, info, id):
        trader = require_trader(info, "can_settle")
        settlement = get_node_or_error(Settlement, id, "ExchangeSettlement")
        if trader.member_id not in (settlement.buyer_id, settlement.seller_id):
            raise DomainError(_("Not found"), Code.NOT_FOUND, field="id")
        return cls(errors=[], settlement=services.settlement_pay(settlement, member=trader.member, actor=trader.user))


class ExchangeSettlementMutations(graphene.ObjectType):
    settlement_pay = SettlementPay.Field()
