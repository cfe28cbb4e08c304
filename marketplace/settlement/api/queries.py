import graphene

from marketplace.settlement.api.types import (
    CommissionRuleCountableConnection, PayoutCountableConnection, ShopEarnings, WeeklyEarnings,
)
from marketplace.settlement.error_codes import SettlementErrorCode
from marketplace.settlement.selectors import commission_rule_list, payout_list_for_shop, shop_balances, shop_weekly_earnings
from marketplace.shops.access import require_shop_access, shop_from_global_id
from meidu.core.graphql.connection import SortKey, paginate
from meidu.core.graphql.permissions import check_permissions
from meidu.core.permissions import OrderPermissions

PERM = OrderPermissions.MANAGE_ORDERS


def _shop_for_reader(info, shop_id: str):
    """The shop, once the caller is one of its members or an operator (PermissionDenied otherwise)."""
    shop = shop_from_global_id(shop_id, "shop", SettlementErrorCode.NOT_FOUND)
    require_shop_access(info, shop.pk, PERM)
    return shop


class SettlementQueries(graphene.ObjectType):
    shop_earnings = graphene.Field(ShopEarnings, shop=graphene.ID(required=True), currency=graphene.String(),
                                   description="A shop's balances and weekly earnings (its members and operators).")
    shop_payouts = graphene.Field(PayoutCountableConnection, shop=graphene.ID(required=True), first=graphene.Int(),
                                  after=graphene.String(), last=graphene.Int(), before=graphene.String(),
                                  description="A shop's payouts, newest first (its members and operators).")
    commission_rules = graphene.Field(CommissionRuleCountableConnection, first=graphene.Int(), after=graphene.String(),
                                      last=graphene.Int(), before=graphene.String(),
                                      description="Commission rules, latest first. Requires MANAGE_ORDERS.")

    @staticmethod
    def resolve_shop_earnings(root, info, shop, currency="CNY"):
        found = _shop_for_reader(info, shop)
        balances = shop_balances(found.pk, currency)
        weekly = [WeeklyEarnings(week_start=start, amount=amount) for start, amount in shop_weekly_earnings(found.pk, currency=currency)]
        return ShopEarnings(currency=currency, pending=balances["pending"], available=balances["available"],
                            paid_out=balances["paid_out"], weekly=weekly)

    @staticmethod
    def resolve_shop_payouts(root, info, shop, **kwargs):
        found = _shop_for_reader(info, shop)
        return paginate(payout_list_for_shop(found.pk), info, PayoutCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs)

    @staticmethod
    def resolve_commission_rules(root, info, **kwargs):
        check_permissions(info, [PERM])
        return paginate(commission_rule_list(), info, CommissionRuleCountableConnection,
                        sort=[SortKey("effective_from", descending=True), SortKey("pk", descending=True)], **kwargs)
