from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from marketplace.settlement.models import CommissionRule, Payout, PayoutLine, PayoutStatus
from marketplace.shops.api import ShopKindEnum
from meidu.core.graphql.connection import CountableConnection
from meidu.core.graphql.types import ModelObjectType, Money
from meidu.core.money import Money as MoneyValue

PayoutStatusEnum = graphene.Enum("PayoutStatusEnum", [(status.name, status.value) for status in PayoutStatus])


class WeeklyEarnings(graphene.ObjectType):
    week_start = graphene.Date(required=True, description="Monday of the week (China time).")
    amount = graphene.Field(
        Money, required=True, description="Earnings posted that week, after commission and claw-backs."
    )


class ShopEarnings(graphene.ObjectType):
    currency = graphene.String(required=True)
    pending = graphene.Field(Money, required=True, description="Waiting for delivery and the after-sales window.")
    available = graphene.Field(
        Money, required=True, description="Released, to be paid in the next weekly payout (negative: a debt)."
    )
    paid_out = graphene.Field(Money, required=True, description="Sent to the shop's bank account so far.")
    weekly = graphene.List(
        graphene.NonNull(WeeklyEarnings), required=True, description="The last 12 weeks, oldest first."
    )


class PayoutLineType(DjangoObjectType):
    order_number = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)

    class Meta:
        model = PayoutLine
        name = "PayoutLine"
        fields = ["id"]

    @staticmethod
    def resolve_order_number(root, info):
        return root.order.number

    @staticmethod
    def resolve_amount(root, info):
        return MoneyValue(root.amount, root.payout.currency)


class PayoutType(ModelObjectType):
    amount = graphene.Field(Money, required=True)
    status = graphene.Field(PayoutStatusEnum, required=True)
    week_end = graphene.Date(required=True)
    account_last4 = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(PayoutLineType), required=True)

    batched_selects = {"weekEnd": "batch"}
    batched_fields = {"lines": ["lines__order"]}

    class Meta:
        model = Payout
        name = "Payout"
        fields = ["id", "reference", "payee_name", "bank", "bank_reference", "created_at", "settled_at"]

    @staticmethod
    def resolve_amount(root, info):
        return MoneyValue(root.amount, root.currency)

    @staticmethod
    def resolve_status(root, info):
        return getattr(root.status, "value", root.status)  # a fresh service result holds the choice itself

    @staticmethod
    def resolve_week_end(root, info):
        return root.batch.week_end

    @staticmethod
    def resolve_account_last4(root, info):
        return root.account_number[-4:]

    @staticmethod
    def resolve_lines(root, info):
        lines = list(root.lines.all())
        for line in lines:
            line.payout = root
        return lines


class PayoutCountableConnection(CountableConnection):
    class Meta:
        node = PayoutType


class CommissionRuleType(ModelObjectType):
    rate_percent = graphene.Decimal(required=True)
    shop_kind = graphene.Field(ShopKindEnum, description="Empty: every kind of shop.")

    batched_selects = {"category": "category"}

    class Meta:
        model = CommissionRule
        name = "CommissionRule"
        fields = ["id", "category", "effective_from", "note", "created_at"]

    @staticmethod
    def resolve_shop_kind(root, info):
        return root.shop_kind or None


class CommissionRuleCountableConnection(CountableConnection):
    class Meta:
        node = CommissionRuleType


class OrderCommission(graphene.ObjectType):
    order_number = graphene.Int(required=True)
    rate_percents = graphene.List(
        graphene.NonNull(graphene.Decimal),
        required=True,
        description="The rates of the order's goods, lowest first (one when every line has the same).",
    )
    is_final = graphene.Boolean(
        required=True,
        description="Frozen when the order was first settled; before that, "
        "the rates of the rules in force when it was placed.",
    )
