import graphene
from django.utils.translation import gettext as _

from marketplace.orders.selectors import order_list_for_shop
from marketplace.settlement.api.types import (
    CommissionRuleCountableConnection,
    OrderCommission,
    PayoutCountableConnection,
    ShopEarnings,
    WeeklyEarnings,
)
from marketplace.settlement.error_codes import SettlementErrorCode
from marketplace.settlement.selectors import (
    commission_rates_of_orders,
    commission_rule_list,
    commission_rule_list_for_shop_kind,
    payout_list_for_shop,
    shop_balances,
    shop_weekly_earnings,
)
from marketplace.shops.access import require_shop_access, shop_from_global_id
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import SortKey, paginate
from meidu.core.graphql.permissions import check_permissions
from meidu.core.permissions import OrderPermissions

PERM = OrderPermissions.MANAGE_ORDERS
MAX_ORDERS = 100


def _shop_for_reader(info, shop_id: str):
    """The shop, once the caller is one of its members or an operator (PermissionDenied otherwise)."""
    shop = shop_from_global_id(shop_id, "shop", SettlementErrorCode.NOT_FOUND)
    require_shop_access(info, shop.pk, PERM)
    return shop


class SettlementQueries(graphene.ObjectType):
    shop_earnings = graphene.Field(
        ShopEarnings,
        shop=graphene.ID(required=True),
        currency=graphene.String(),
        description="A shop's balances and weekly earnings (its members and operators).",
    )
    shop_payouts = graphene.Field(
        PayoutCountableConnection,
        shop=graphene.ID(required=True),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="A shop's payouts, newest first (its members and operators).",
    )
    commission_rules = graphene.Field(
        CommissionRuleCountableConnection,
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        shop=graphene.ID(description="Only the rules that can apply to this shop; its members may read them."),
        description="Commission rules, latest first. All of them: MANAGE_ORDERS; with `shop`: that shop's members too.",
    )
    shop_order_commissions = graphene.List(
        graphene.NonNull(OrderCommission),
        required=True,
        shop=graphene.ID(required=True),
        numbers=graphene.List(
            graphene.NonNull(graphene.Int), required=True, description=f"At most {MAX_ORDERS} order numbers."
        ),
        description="The commission rate of each of a shop's orders (its members and operators); "
        "other numbers are left out.",
    )

    @staticmethod
    def resolve_shop_earnings(root, info, shop, currency="CNY"):
        found = _shop_for_reader(info, shop)
        balances = shop_balances(found.pk, currency)
        weekly = [
            WeeklyEarnings(week_start=start, amount=amount)
            for start, amount in shop_weekly_earnings(found.pk, currency=currency)
        ]
        return ShopEarnings(
            currency=currency,
            pending=balances["pending"],
            available=balances["available"],
            paid_out=balances["paid_out"],
            weekly=weekly,
        )

    @staticmethod
    def resolve_shop_payouts(root, info, shop, **kwargs):
        found = _shop_for_reader(info, shop)
        return paginate(
            payout_list_for_shop(found.pk),
            info,
            PayoutCountableConnection,
            sort=[SortKey("pk", descending=True)],
            **kwargs,
        )

    @staticmethod
    def resolve_commission_rules(root, info, shop=None, **kwargs):
        if shop is None:
            check_permissions(info, [PERM])
            rules = commission_rule_list()
        else:
            rules = commission_rule_list_for_shop_kind(_shop_for_reader(info, shop).kind)
        return paginate(
            rules,
            info,
            CommissionRuleCountableConnection,
            sort=[SortKey("effective_from", descending=True), SortKey("pk", descending=True)],
            **kwargs,
        )

    @staticmethod
    def resolve_shop_order_commissions(root, info, shop, numbers):
        found = _shop_for_reader(info, shop)
        if len(numbers) > MAX_ORDERS:
            raise DomainError(
                _("Ask for at most %(count)d orders at a time.") % {"count": MAX_ORDERS},
                SettlementErrorCode.INVALID,
                field="numbers",
            )
        orders = list(order_list_for_shop(found.pk).filter(number__in=numbers).order_by("number"))
        rates = commission_rates_of_orders(orders)
        return [
            OrderCommission(order_number=order.number, rate_percents=rates[order.pk][0], is_final=rates[order.pk][1])
            for order in orders
        ]
