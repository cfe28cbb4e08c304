"""GraphQL of members and funds: my member and balances, deposit/withdraw requests by traders,
confirmations by the settlement bank's App, member admission by operators."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from magnesium_exchange.members import services
from magnesium_exchange.members.access import require_trader
from magnesium_exchange.members.error_codes import ExchangeFundsErrorCode, ExchangeMemberErrorCode
from magnesium_exchange.members.models import FundsRequest, Member, Trader
from magnesium_exchange.members.selectors import member_balances, trader_for_user
from meidu.accounts.selectors import user_get_by_identifier
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation, ip_address
from meidu.core.graphql.permissions import has_one_of, requestor
from meidu.core.graphql.types import ModelObjectType, Money
from meidu.core.permissions import ExchangePermissions


class FundsBalancesType(graphene.ObjectType):
    available = graphene.Field(Money, required=True)
    frozen = graphene.Field(Money, required=True)
    available_amount = graphene.String(required=True, description="Exact decimal string of the available funds.")
    frozen_amount = graphene.String(required=True, description="Exact decimal string of the frozen funds.")

    class Meta:
        name = "ExchangeFundsBalances"

    @staticmethod
    def resolve_available_amount(root, info):
        return str(root.available.amount)

    @staticmethod
    def resolve_frozen_amount(root, info):
        return str(root.frozen.amount)


class FundsRequestType(ModelObjectType):
    kind = graphene.String(required=True)
    status = graphene.String(required=True)
    amount = graphene.String(required=True, description="CNY, exact decimal string.")
    member_name = graphene.String(required=True)

    class Meta:
        model = FundsRequest
        name = "ExchangeFundsRequest"
        fields = ["id", "currency", "bank_reference", "note", "created_at", "decided_at"]

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_amount(root, info):
        return str(root.amount)

    @staticmethod
    def resolve_member_name(root, info):
        return root.member.name


class TraderType(ModelObjectType):
    class Meta:
        model = Trader
        name = "ExchangeTrader"
        fields = ["id", "can_trade", "can_settle", "can_manage_funds", "is_active"]


class ExchangeMemberType(ModelObjectType):
    status = graphene.String(required=True)
    credit_matching_mode = graphene.String(required=True)
    exposure_cap = graphene.String(required=True)
    exposure_cap_tonnes = graphene.String(required=True)
    bank_account_last4 = graphene.String(required=True)
    funds = graphene.Field(FundsBalancesType, required=True, description="Traders of this member and operators only.")
    funds_requests = graphene.List(graphene.NonNull(FundsRequestType), required=True, description="Latest 20.")

    class Meta:
        model = Member
        name = "ExchangeMember"
        fields = [
            "id",
            "name",
            "short_name",
            "credit_code",
            "legal_representative",
            "registered_address",
            "bank_name",
            "created_at",
        ]

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_credit_matching_mode(root, info):
        return str(root.credit_matching_mode)

    @staticmethod
    def resolve_exposure_cap(root, info):
        return str(root.exposure_cap)

    @staticmethod
    def resolve_exposure_cap_tonnes(root, info):
        return str(root.exposure_cap_tonnes)

    @staticmethod
    def resolve_bank_account_last4(root, info):
        return root.bank_account_last4

    @staticmethod
    def resolve_funds(root, info):
        return member_balances(root)

    @staticmethod
    def resolve_funds_requests(root, info):
        return list(root.funds_requests.select_related("member")[:20])


def _may_see_member(info, member: Member) -> bool:
    if has_one_of(requestor(info), [ExchangePermissions.MANAGE_EXCHANGE, ExchangePermissions.CONFIRM_FUNDS]):
        return True
    trader = trader_for_user(info.context.user) if not getattr(info.context, "app", None) else None
    return trader is not None and trader.member_id == member.pk


class MemberQueries(graphene.ObjectType):
    my_exchange_member = graphene.Field(ExchangeMemberType, description="The member firm the caller trades for.")
    exchange_member = graphene.Field(ExchangeMemberType, id=graphene.ID(required=True))
    exchange_members = graphene.List(graphene.NonNull(ExchangeMemberType), required=True)
    exchange_funds_requests = graphene.List(
        graphene.NonNull(FundsRequestType),
        required=True,
        status=graphene.String(),
        description="Settlement bank and operators: latest 100.",
    )

    @staticmethod
    def resolve_my_exchange_member(root, info):
        return require_trader(info).member

    @staticmethod
    def resolve_exchange_member(root, info, id):
        member = get_node_or_error(Member, id, "ExchangeMember")
        if not _may_see_member(info, member):
            raise PermissionDenied(message=_("Only this member's traders and operators may see it"))
        return member

    @staticmethod
    def resolve_exchange_members(root, info):
        if not has_one_of(requestor(info), [ExchangePermissions.MANAGE_EXCHANGE]):
            raise PermissionDenied([ExchangePermissions.MANAGE_EXCHANGE])
        return list(Member.objects.all())

    @staticmethod
    def resolve_exchange_funds_requests(root, info, status=None):
        if not has_one_of(requestor(info), [ExchangePermissions.CONFIRM_FUNDS, ExchangePermissions.MANAGE_EXCHANGE]):
            raise PermissionDenied([ExchangePermissions.CONFIRM_FUNDS, ExchangePermissions.MANAGE_EXCHANGE])
        qs = FundsRequest.objects.select_related("member")
        if status:
            qs = qs.filter(status=status)
        return list(qs[:100])


# --- funds mutations ------------------------------------------------------------------------


class FundsMutation(BaseMutation):
    default_error_code_enum = ExchangeFundsErrorCode
    default_error_type_name = "ExchangeFundsError"

    funds_request = graphene.Field(FundsRequestType)
    funds = graphene.Field(FundsBalancesType)

    class Meta:
        abstract = True


class FundsDepositRequest(FundsMutation):
    class Arguments:
        amount = graphene.Decimal(required=True, description="CNY.")
        idempotency_key = graphene.String()
        note = graphene.String()

    class Meta:
        description = "Announce a deposit to the settlement account (a trader allowed to manage funds)."

    @classmethod
    def perform_mutation(cls, root, info, amount, idempotency_key=None, note=""):
        trader = require_trader(info, "can_manage_funds")
        request = services.funds_deposit_request(
            trader.member, amount, actor=trader.user, idempotency_key=idempotency_key, note=note or ""
        )
        return cls(errors=[], funds_request=request, funds=member_balances(trader.member))


class FundsWithdrawRequest(FundsMutation):
    class Arguments:
        amount = graphene.Decimal(required=True, description="CNY.")
        phone_code = graphene.String(
            description="The six digits of a WITHDRAWAL code (requestPhoneCode) sent to the trader's phone; required."
        )
        idempotency_key = graphene.String()
        note = graphene.String()

    class Meta:
        description = (
            "Ask to be paid out to the member's bank account, confirmed by a phone code; the amount is frozen "
            "until the bank confirms."
        )

    @classmethod
    def perform_mutation(cls, root, info, amount, phone_code=None, idempotency_key=None, note=""):
        trader = require_trader(info, "can_manage_funds")
        request = services.funds_withdraw_request_by_code(
            trader.member,
            amount,
            actor=trader.user,
            phone_code=phone_code,
            idempotency_key=idempotency_key,
            note=note or "",
            ip_address=ip_address(info),
        )
        return cls(errors=[], funds_request=request, funds=member_balances(trader.member))


def _bank_app(info):
    app = getattr(info.context, "app", None)
    if app is None:
        raise PermissionDenied(
            [ExchangePermissions.CONFIRM_FUNDS], message=_("Only the settlement bank's app confirms funds")
        )
    return app


def _bank_decision(name: str, doc: str, action):
    class Arguments:
        id = graphene.ID(required=True)
        bank_reference = graphene.String(required=True)

    def perform_mutation(cls, root, info, id, bank_reference):
        app = _bank_app(info)
        request = get_node_or_error(FundsRequest, id, "ExchangeFundsRequest")
        request = action(request, app=app, bank_reference=bank_reference)
        return cls(errors=[], funds_request=request, funds=member_balances(request.member))

    meta = {"description": doc, "permissions": [ExchangePermissions.CONFIRM_FUNDS]}
    return type(
        name,
        (FundsMutation,),
        {"Arguments": Arguments, "Meta": type("Meta", (), meta), "perform_mutation": classmethod(perform_mutation)},
    )


FundsDepositConfirm = _bank_decision(
    "FundsDepositConfirm",
    "The settlement bank confirms a deposit arrived (idempotent).",
    services.funds_deposit_confirm,
)
FundsWithdrawConfirm = _bank_decision(
    "FundsWithdrawConfirm",
    "The settlement bank confirms a withdrawal was paid (idempotent).",
    services.funds_withdraw_confirm,
)


class FundsRequestReject(FundsMutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        description = "The settlement bank refuses a deposit or withdrawal; a withdrawal's frozen amount is returned."
        permissions = [ExchangePermissions.CONFIRM_FUNDS]

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        app = _bank_app(info)
        request = get_node_or_error(FundsRequest, id, "ExchangeFundsRequest")
        request = services.funds_request_reject(request, app=app, reason=reason)
        return cls(errors=[], funds_request=request, funds=member_balances(request.member))


# --- operator mutations ---------------------------------------------------------------------


class ExchangeMemberCreateInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    short_name = graphene.String()
    credit_code = graphene.String(required=True, description="Unified social credit code, checksum-validated.")
    legal_representative = graphene.String(required=True)
    registered_address = graphene.String(required=True)
    contact_name = graphene.String()
    contact_phone = graphene.String()
    bank_name = graphene.String(required=True)
    bank_account_name = graphene.String(required=True)
    bank_account_number = graphene.String(required=True)


class MemberMutation(BaseMutation):
    default_error_code_enum = ExchangeMemberErrorCode
    default_error_type_name = "ExchangeMemberError"

    member = graphene.Field(ExchangeMemberType)

    class Meta:
        abstract = True


class ExchangeMemberCreate(MemberMutation):
    class Arguments:
        input = ExchangeMemberCreateInput(required=True)

    class Meta:
        description = "Admit a member firm after KYC (operators)."
        permissions = [ExchangePermissions.MANAGE_EXCHANGE]

    @classmethod
    def perform_mutation(cls, root, info, input):
        member = services.member_create(
            **{key: value or "" for key, value in input.items()}, actor=requestor(info), ip_address=ip_address(info)
        )
        return cls(errors=[], member=member)


class ExchangeTraderAdd(MemberMutation):
    class Arguments:
        member = graphene.ID(required=True)
        user = graphene.String(required=True, description="Mobile number or email of the user.")
        can_trade = graphene.Boolean()
        can_settle = graphene.Boolean()
        can_manage_funds = graphene.Boolean()

    class Meta:
        description = "Make a user a trader of a member (operators)."
        permissions = [ExchangePermissions.MANAGE_EXCHANGE]

    @classmethod
    def perform_mutation(cls, root, info, member, user, can_trade=True, can_settle=False, can_manage_funds=False):
        member_obj = get_node_or_error(Member, member, "ExchangeMember", field="member")
        user_obj = user_get_by_identifier(user)
        if user_obj is None:
            raise DomainError(_("User not found"), ExchangeMemberErrorCode.NOT_FOUND, field="user")
        services.trader_add(
            member_obj,
            user_obj,
            can_trade=bool(can_trade),
            can_settle=bool(can_settle),
            can_manage_funds=bool(can_manage_funds),
            actor=requestor(info),
        )
        return cls(errors=[], member=member_obj)


class MemberMutations(graphene.ObjectType):
    funds_deposit_request = FundsDepositRequest.Field()
    funds_deposit_confirm = FundsDepositConfirm.Field()
    funds_withdraw_request = FundsWithdrawRequest.Field()
    funds_withdraw_confirm = FundsWithdrawConfirm.Field()
    funds_request_reject = FundsRequestReject.Field()
    exchange_member_create = ExchangeMemberCreate.Field()
    exchange_trader_add = ExchangeTraderAdd.Field()
