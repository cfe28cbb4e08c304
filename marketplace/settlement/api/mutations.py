import graphene

from marketplace.catalog.models import Category
from marketplace.settlement.api.types import CommissionRuleType, PayoutType
from marketplace.settlement.error_codes import SettlementErrorCode
from marketplace.settlement.models import Payout
from marketplace.settlement.services.commission import commission_rule_create
from marketplace.settlement.services.payouts import payout_mark_failed, payout_mark_paid
from marketplace.shops.api import ShopKindEnum
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import OrderPermissions, PaymentPermissions


class CommissionRuleCreateInput(graphene.InputObjectType):
    rate_percent = graphene.Decimal(required=True, description="Percent of the goods' price, 0 to 100, two decimals.")
    category = graphene.ID(description="Goods of this category and its sub-categories; empty for every category.")
    shop_kind = ShopKindEnum(description="Shops of this kind; empty for every kind.")
    effective_from = graphene.DateTime(description="Orders placed from then on; now if empty, never in the past.")
    note = graphene.String()


class CommissionRuleCreate(BaseMutation):
    commission_rule = graphene.Field(CommissionRuleType)

    class Arguments:
        input = CommissionRuleCreateInput(required=True)

    class Meta:
        description = "Add a commission rule; to change a rate, add a rule with a later effectiveFrom."
        permissions = (OrderPermissions.MANAGE_ORDERS,)
        error_code_enum = SettlementErrorCode
        error_type_name = "SettlementError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        category = get_node_or_error(Category, input.get("category"), "Category", field="category", required=False)
        kind = input.get("shop_kind")
        rule = commission_rule_create(
            actor=requestor(info),
            rate_percent=input["rate_percent"],
            category=category,
            shop_kind=getattr(kind, "value", kind) or "",
            effective_from=input.get("effective_from"),
            note=input.get("note") or "",
        )
        return cls(errors=[], commission_rule=rule)


class PayoutMutation(BaseMutation):
    """The bank's answer to a payout of the weekly file: finance operators or the settlement bank's App."""

    default_error_code_enum = SettlementErrorCode
    default_error_type_name = "SettlementError"
    payout = graphene.Field(PayoutType)

    class Meta:
        abstract = True


class PayoutMarkPaid(PayoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        bank_reference = graphene.String(description="The bank's reference of the transfer.")

    class Meta:
        description = "The bank confirmed a payout's transfer (finance operators or the settlement bank's App)."
        permissions = (PaymentPermissions.HANDLE_PAYMENTS,)

    @classmethod
    def perform_mutation(cls, root, info, id, bank_reference=""):
        payout = get_node_or_error(Payout, id, "Payout", field="id")
        return cls(
            errors=[], payout=payout_mark_paid(payout, actor=requestor(info), bank_reference=bank_reference or "")
        )


class PayoutMarkFailed(PayoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True, description="Why the bank returned the transfer.")

    class Meta:
        description = (
            "The bank returned a payout's transfer: the money goes back to the shop's available "
            "balance and its orders are paid in a later batch."
        )
        permissions = (PaymentPermissions.HANDLE_PAYMENTS,)

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        payout = get_node_or_error(Payout, id, "Payout", field="id")
        return cls(errors=[], payout=payout_mark_failed(payout, actor=requestor(info), reason=reason))


class SettlementMutations(graphene.ObjectType):
    commission_rule_create = CommissionRuleCreate.Field()
    payout_mark_paid = PayoutMarkPaid.Field()
    payout_mark_failed = PayoutMarkFailed.Field()
