import graphene

from marketplace.catalog.models import Category
from marketplace.settlement.api.types import CommissionRuleType
from marketplace.settlement.error_codes import SettlementErrorCode
from marketplace.settlement.services.commission import commission_rule_create
from marketplace.shops.api import ShopKindEnum
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import OrderPermissions


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
            actor=requestor(info), rate_percent=input["rate_percent"], category=category,
            shop_kind=getattr(kind, "value", kind) or "", effective_from=input.get("effective_from"), note=input.get("note") or "")
        return cls(errors=[], commission_rule=rule)


class SettlementMutations(graphene.ObjectType):
    commission_rule_create = CommissionRuleCreate.Field()
