"""GraphQL of credit reports: a bank reads a member's report under the member's consent; traders give
and withdraw that consent; both sides list the consents that concern them.

Banks are named by ``bankId`` (the Relay global ID ``ExchangeBank:<pk>``) or ``bankCode`` (the bank's
code, e.g. ``ccb-dashiqiao``). A refused ``creditReport`` answers a top-level error whose
``extensions.exception.code`` is the ExchangeCreditErrorCode (``NO_CONSENT``, ``NOT_YOUR_BANK`` ...).
"""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from magnesium_exchange.credit import selectors, services
from magnesium_exchange.credit.error_codes import ExchangeCreditErrorCode as Code
from magnesium_exchange.credit.models import CreditConsent
from magnesium_exchange.financing.models import Bank
from magnesium_exchange.financing.selectors import bank_of_actor
from magnesium_exchange.members.access import require_trader
from magnesium_exchange.members.models import Member
from magnesium_exchange.members.selectors import trader_for_user
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error, get_node_or_error, to_global_id
from meidu.core.graphql.mutations import BaseMutation, ip_address
from meidu.core.graphql.permissions import check_permissions, requestor
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import ExchangePermissions
from meidu.core.queries import one_or_none

BANK_TYPE = "ExchangeBank"


class CreditBankType(graphene.ObjectType):
    id = graphene.ID(required=True, description="Global ID ExchangeBank:<pk>.")
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    short_name = graphene.String(required=True)

    class Meta:
        name = "CreditBank"

    @staticmethod
    def resolve_id(root, info):
        return to_global_id(BANK_TYPE, root.pk)


class CreditConsentType(ModelObjectType):
    bank = graphene.Field(CreditBankType, required=True)
    member_name = graphene.String(required=True)
    member_credit_code = graphene.String(required=True)
    in_force = graphene.Boolean(required=True)
    read_count = graphene.Int(required=True, description="How many times the bank read the report under this consent.")
    last_read_at = graphene.DateTime()

    class Meta:
        model = CreditConsent
        name = "CreditConsent"
        fields = ["id", "granted_at", "revoked_at"]

    @staticmethod
    def resolve_bank(root, info):
        return root.bank

    @staticmethod
    def resolve_member_name(root, info):
        return root.member.name

    @staticmethod
    def resolve_member_credit_code(root, info):
        return root.member.credit_code

    @staticmethod
    def resolve_in_force(root, info):
        return root.revoked_at is None

    @staticmethod
    def resolve_read_count(root, info):
        return getattr(root, "read_count", None) or 0

    @staticmethod
    def resolve_last_read_at(root, info):
        return getattr(root, "last_read_at", None)


class CreditConsentCountableConnection(CountableConnection):
    class Meta:
        node = CreditConsentType


class CreditReportType(graphene.ObjectType):
    member_name = graphene.String(required=True)
    member_credit_code = graphene.String(required=True)
    bank = graphene.Field(CreditBankType, required=True)
    report = graphene.JSONString(required=True, description="The report (the statement's `report` claim).")
    statement = graphene.String(
        required=True, description="Compact JWS (EdDSA) of the report; keys at /.well-known/jwks.json."
    )

    class Meta:
        name = "CreditReport"


def _bank_named(bank_id, bank_code, *, field="bankId") -> Bank | None:
    if bank_id:
        return one_or_none(Bank.objects.filter(pk=from_global_id_or_error(bank_id, BANK_TYPE, field)))
    if bank_code:
        return one_or_none(Bank.objects.filter(code=bank_code.strip().lower()))
    return None


def _bank_required(bank_id, bank_code) -> Bank:
    if not bank_id and not bank_code:
        raise DomainError(_("Name the bank (bankId or bankCode)"), Code.INVALID, field="bankId")
    bank = _bank_named(bank_id, bank_code)
    if bank is None:
        raise DomainError(_("Bank not found"), Code.NOT_FOUND, field="bankId" if bank_id else "bankCode")
    return bank


def _callers_bank(info) -> Bank:
    """The bank the caller acts for (an active officer's, or the bank whose App calls); BANK_LENDING first."""
    check_permissions(info, [ExchangePermissions.BANK_LENDING])
    bank = bank_of_actor(requestor(info))
    if bank is None:
        raise PermissionDenied(message=_("Only a bank's officers or its App read credit reports"))
    return bank


class CreditQueries(graphene.ObjectType):
    credit_report = graphene.Field(
        CreditReportType,
        member_id=graphene.ID(description="ExchangeMember global ID."),
        credit_code=graphene.String(description="The member's unified social credit code."),
        bank_id=graphene.ID(description="Your own bank (optional)."),
        bank_code=graphene.String(description="Your own bank's code (optional)."),
        description="A member's credit report and its signed statement, for an officer or the App of a bank the member "
        "consented to. Every read is recorded and audited.",
    )
    credit_consents = graphene.relay.ConnectionField(
        CreditConsentCountableConnection,
        in_force=graphene.Boolean(),
        description="A trader: its member's consents. A bank officer or bank App: the consents given to its bank.",
    )

    @staticmethod
    def resolve_credit_report(root, info, member_id=None, credit_code=None, bank_id=None, bank_code=None):
        bank = _callers_bank(info)
        if bank_id or bank_code:
            named = _bank_named(bank_id, bank_code)
            if named is None or named.pk != bank.pk:
                raise DomainError(
                    _("You may read reports only for your own bank"),
                    Code.NOT_YOUR_BANK,
                    field="bankId" if bank_id else "bankCode",
                )
        if member_id:
            member = get_node_or_error(Member, member_id, "ExchangeMember", field="memberId")
        elif credit_code:
            member = selectors.credit_member_by_code(credit_code)
            if member is None:
                raise DomainError(_("Member not found"), Code.NOT_FOUND, field="creditCode")
        else:
            raise DomainError(_("Name the member (memberId or creditCode)"), Code.INVALID, field="memberId")
        report, statement = services.credit_report_read(
            member=member, bank=bank, actor=requestor(info), ip_address=ip_address(info)
        )
        return CreditReportType(
            member_name=member.name,
            member_credit_code=member.credit_code,
            bank=bank,
            report=report,
            statement=statement,
        )

    @staticmethod
    def resolve_credit_consents(root, info, in_force=None, **kwargs):
        actor = requestor(info)
        trader = None if getattr(info.context, "app", None) else trader_for_user(actor)
        if trader is not None:
            queryset = selectors.credit_consent_list_for_member(trader.member)
            if in_force is not None:
                queryset = queryset.filter(revoked_at__isnull=in_force)
        else:
            bank = _callers_bank(info) if getattr(actor, "is_authenticated", False) else None
            if bank is None:
                raise PermissionDenied(message=_("Only traders and banks see credit report consents"))
            queryset = selectors.credit_consent_list_for_bank(bank, in_force=in_force)
        return paginate(
            queryset, info, CreditConsentCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs
        )


class CreditMutation(BaseMutation):
    default_error_code_enum = Code
    default_error_type_name = "ExchangeCreditError"

    consent = graphene.Field(CreditConsentType)

    class Meta:
        abstract = True

    @staticmethod
    def _shown(consent):
        return selectors.credit_consent_list_for_member(consent.member).get(pk=consent.pk)


class CreditConsentGrant(CreditMutation):
    class Arguments:
        bank_id = graphene.ID(description="ExchangeBank global ID.")
        bank_code = graphene.String(description="Or the bank's code.")

    class Meta:
        description = "Let a bank read your member's credit report (a trader of the member); revocable at any time."

    @classmethod
    def perform_mutation(cls, root, info, bank_id=None, bank_code=None):
        trader = require_trader(info)
        bank = _bank_required(bank_id, bank_code)
        consent = services.credit_consent_grant(member=trader.member, bank=bank, actor=trader.user)
        return cls(errors=[], consent=cls._shown(consent))


class CreditConsentRevoke(CreditMutation):
    class Arguments:
        bank_id = graphene.ID(description="ExchangeBank global ID.")
        bank_code = graphene.String(description="Or the bank's code.")

    class Meta:
        description = "Withdraw your member's consent for a bank: its next read is refused."

    @classmethod
    def perform_mutation(cls, root, info, bank_id=None, bank_code=None):
        trader = require_trader(info)
        bank = _bank_required(bank_id, bank_code)
        consent = services.credit_consent_revoke(member=trader.member, bank=bank, actor=trader.user)
        return cls(errors=[], consent=cls._shown(consent))


class CreditMutations(graphene.ObjectType):
    credit_consent_grant = CreditConsentGrant.Field()
    credit_consent_revoke = CreditConsentRevoke.Field()
