"""GraphQL of distributor commission: a distributor's earnings (its own members and commission
staff only: never a supplier, never another distributor), the lawful commission rules and their
trail (commission staff), and the rule change mutation with its refusals."""

from __future__ import annotations

import graphene

from incubator.commission.error_codes import CommissionErrorCode
from incubator.commission.models import CommissionStatus
from incubator.commission.policies import distributor_earnings_may_read
from incubator.commission.selectors import (
    commission_rule_changes,
    commission_settings_current,
    distributor_earnings,
    shown_status,
)
from incubator.commission.services.settings import commission_settings_change
from marketplace.shops.access import shop_from_global_id
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import check_permissions, requestor
from meidu.core.graphql.types import Money
from meidu.core.money import Money as MoneyValue
from meidu.core.permissions import CommissionPermissions

PERM = CommissionPermissions.MANAGE_COMMISSION
MAX_WEEKS = 26

CommissionStatusEnum = graphene.Enum(
    "CommissionStatusEnum", [(status.name, status.value) for status in CommissionStatus]
)


class CommissionWeek(graphene.ObjectType):
    week_start = graphene.Date(required=True, description="Monday of the week (China time).")
    earned = graphene.Field(Money, required=True, description="Commission credited on that week's orders.")
    clawed_back = graphene.Field(Money, required=True)


class CommissionProduct(graphene.ObjectType):
    name = graphene.String(required=True)
    orders = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)


class CommissionLineType(graphene.ObjectType):
    order_number = graphene.Int(required=True)
    product_name = graphene.String(required=True)
    status = graphene.Field(CommissionStatusEnum, required=True, description="Past-due pending reads as earned.")
    amount = graphene.Field(Money, required=True, description="Frozen at order time.")
    credited = graphene.Field(Money, required=True, description="What it earns now (after claw-backs).")
    paid = graphene.Field(Money, required=True)


class DistributorEarningsType(graphene.ObjectType):
    currency = graphene.String(required=True)
    this_week = graphene.Field(Money, required=True)
    pending = graphene.Field(Money, required=True)
    earned = graphene.Field(Money, required=True, description="Earned, not yet paid (negative: carried debt).")
    paid = graphene.Field(Money, required=True)
    clawed_back = graphene.Field(Money, required=True)
    weeks = graphene.List(graphene.NonNull(CommissionWeek), required=True)
    top_products = graphene.List(graphene.NonNull(CommissionProduct), required=True)
    lines = graphene.List(graphene.NonNull(CommissionLineType), required=True)
    payout_hold_code = graphene.Field(
        graphene.Enum.from_enum(CommissionErrorCode, name="CommissionPayoutHoldCode"),
        description="Why the last weekly batch held this distributor's payout (e.g. REAL_NAME_REQUIRED).",
    )
    real_name_verified = graphene.Boolean(required=True)


class CommissionSettingsType(graphene.ObjectType):
    levels = graphene.Int(required=True)
    second_level_rate_percent = graphene.Decimal(required=True)
    second_level_reason = graphene.String(required=True)
    self_purchase_commission = graphene.Boolean(required=True)
    joining_fee = graphene.Field(Money, required=True, description="Always zero.")
    recruit_reward = graphene.Field(Money, required=True, description="Always zero.")


class CommissionRuleChange(graphene.ObjectType):
    at = graphene.DateTime(required=True)
    actor = graphene.String(required=True)
    action = graphene.String(required=True)
    data = graphene.JSONString(required=True)


def _money(amount, currency):
    return MoneyValue(amount, currency)


def _earnings(result) -> DistributorEarningsType:
    cur = result.currency
    return DistributorEarningsType(
        currency=cur,
        this_week=_money(result.this_week, cur),
        pending=_money(result.pending, cur),
        earned=_money(result.earned, cur),
        paid=_money(result.paid, cur),
        clawed_back=_money(result.clawed_back, cur),
        weeks=[
            CommissionWeek(week_start=w.start, earned=_money(w.earned, cur), clawed_back=_money(w.clawed_back, cur))
            for w in result.weeks
        ],
        top_products=[
            CommissionProduct(name=p.name, orders=p.quantity_lines, amount=_money(p.amount, cur))
            for p in result.top_products
        ],
        lines=[
            CommissionLineType(
                order_number=line.order.number,
                product_name=line.product_name,
                status=shown_status(line),
                amount=_money(line.amount, cur),
                credited=_money(line.pending_amount + line.earned_amount, cur),
                paid=_money(line.paid_amount, cur),
            )
            for line in result.lines
        ],
        payout_hold_code=CommissionErrorCode(result.hold_code) if result.hold_code else None,
        real_name_verified=result.real_name_verified,
    )


def _settings(row) -> CommissionSettingsType:
    return CommissionSettingsType(
        levels=row.levels,
        second_level_rate_percent=row.second_level_rate_percent,
        second_level_reason=row.second_level_reason,
        self_purchase_commission=row.self_purchase_commission,
        joining_fee=_money(row.joining_fee, "CNY"),
        recruit_reward=_money(row.recruit_reward, "CNY"),
    )


class CommissionQueries(graphene.ObjectType):
    distributor_earnings = graphene.Field(
        DistributorEarningsType,
        shop=graphene.ID(required=True, description="The distributor's shop."),
        weeks=graphene.Int(description=f"Weeks of history, 1 to {MAX_WEEKS} (8 by default)."),
        description="A distributor's commission: this week, by week, by status, top products "
        "(the distributor's own members and commission staff only).",
    )
    commission_settings = graphene.Field(
        CommissionSettingsType, required=True, description="The distributor commission rules in force."
    )
    commission_rule_changes = graphene.List(
        graphene.NonNull(CommissionRuleChange),
        required=True,
        description="The audit trail of commission rule changes, newest first (at most 100).",
    )

    @staticmethod
    def resolve_distributor_earnings(root, info, shop, weeks=8):
        found = shop_from_global_id(shop, "shop", CommissionErrorCode.NOT_FOUND)
        if not distributor_earnings_may_read(requestor(info), found):
            raise PermissionDenied([PERM], message="Only the distributor's own members may read its commission")
        if weeks is None or not 1 <= weeks <= MAX_WEEKS:
            raise DomainError(f"weeks: 1 to {MAX_WEEKS}", CommissionErrorCode.INVALID, field="weeks")
        return _earnings(distributor_earnings(found, weeks=weeks))

    @staticmethod
    def resolve_commission_settings(root, info):
        check_permissions(info, [PERM])
        return _settings(commission_settings_current())

    @staticmethod
    def resolve_commission_rule_changes(root, info):
        check_permissions(info, [PERM])
        return [
            CommissionRuleChange(
                at=event.created_at,
                actor=str(event.actor_user or ""),
                action=event.action,
                data=event.data,
            )
            for event in commission_rule_changes()
        ]


class CommissionSettingsChangeInput(graphene.InputObjectType):
    levels = graphene.Int(required=True, description="1, or 2 with a reason; a third level is refused.")
    second_level_rate_percent = graphene.Decimal()
    reason = graphene.String(description="Required for a second level: the legal review's reason.")
    self_purchase_commission = graphene.Boolean(description="Commission on a distributor's own purchases.")
    joining_fee = graphene.Decimal(description="Refused unless zero (JOINING_FEE_FORBIDDEN).")
    recruit_reward = graphene.Decimal(description="Refused unless zero (RECRUIT_REWARD_FORBIDDEN).")
    base = graphene.String(description="Only delivered_unrefunded (BASE_FORBIDDEN otherwise).")
    note = graphene.String()


class CommissionSettingsChange(BaseMutation):
    commission_settings = graphene.Field(CommissionSettingsType)

    class Arguments:
        input = CommissionSettingsChangeInput(required=True)

    class Meta:
        description = "Change the distributor commission rules, within the law (each refusal has its code)."
        permissions = (PERM,)
        error_code_enum = CommissionErrorCode
        error_type_name = "CommissionError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        row = commission_settings_change(
            actor=requestor(info),
            levels=input["levels"],
            second_level_rate_percent=input.get("second_level_rate_percent") or 0,
            reason=input.get("reason") or "",
            self_purchase_commission=bool(input.get("self_purchase_commission")),
            joining_fee=input.get("joining_fee") or 0,
            recruit_reward=input.get("recruit_reward") or 0,
            base=input.get("base") or "delivered_unrefunded",
            note=input.get("note") or "",
        )
        return cls(errors=[], commission_settings=_settings(row))


class CommissionMutations(graphene.ObjectType):
    commission_settings_change = CommissionSettingsChange.Field()
