"""GraphQL of receipt-backed loans: the loans a caller may see, and the mutations of the borrower
(apply, withdraw, repay, add collateral), of the bank's officers and App (approve, reject, cancel,
disburse), of both (release collateral) and of operators (financing rules).

Who may do what is financing.policies; every mutation parses its input, names its actor and calls one
service, whose refusals come back as ``errors { field code message }`` with ExchangeFinancingErrorCode."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.financing.api.types import FinancingLoanCountableConnection, FinancingLoanType
from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.models import Bank, Loan
from magnesium_exchange.financing.policies import loan_may_view
from magnesium_exchange.financing.selectors import loan_list_for, loans_annotate
from magnesium_exchange.financing.services import banks, loans
from magnesium_exchange.financing.services.inputs import MAX_RECEIPTS
from magnesium_exchange.members.access import require_trader
from magnesium_exchange.warehouses.models import Receipt
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error, get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import ExchangePermissions
from meidu.core.queries import one_or_none

BORROWER_GRANT = "can_manage_funds"


def _loan(id, field: str = "id") -> Loan:
    return get_node_or_error(Loan, id, "FinancingLoan", field=field)


def _receipts(ids, field: str = "receipts") -> list[Receipt]:
    """The receipts behind global IDs (WarehouseReceipt), in the order given; NOT_FOUND for any unknown."""
    ids = list(ids or [])
    if not ids:
        raise DomainError(_("Name at least one receipt"), Code.REQUIRED, field=field)
    if len(ids) > MAX_RECEIPTS:
        raise DomainError(_("At most %(max)s receipts at once") % {"max": MAX_RECEIPTS}, Code.INVALID, field=field)
    pks = [int(from_global_id_or_error(value, "WarehouseReceipt", field)) for value in ids]
    found = Receipt.objects.in_bulk(pks)
    if len(found) != len(set(pks)):
        raise DomainError(_("Receipt not found"), Code.NOT_FOUND, field=field)
    return [found[pk] for pk in pks]


class FinancingRuleType(graphene.ObjectType):
    bank = graphene.String(description="Bank code; blank for every bank.")
    grade = graphene.String(description="Grade code; blank for every grade.")
    haircut_percent = graphene.String(required=True)
    max_ltv_percent = graphene.String(required=True)
    warning_percent = graphene.String(required=True)
    liquidation_percent = graphene.String(required=True)
    margin_call_hours = graphene.Int(required=True)

    class Meta:
        name = "FinancingRule"


# --- queries ---------------------------------------------------------------------------------


class FinancingLoanQueries(graphene.ObjectType):
    loans = graphene.relay.ConnectionField(
        FinancingLoanCountableConnection,
        status=graphene.String(),
        description="Loans the caller may see: its member's (traders), its bank's (bank officers and App), "
        "all (operators).",
    )
    loan = graphene.Field(
        FinancingLoanType,
        id=graphene.ID(required=True),
        description="A loan its borrower's traders, its bank or operators may see; null otherwise.",
    )

    @staticmethod
    def resolve_loans(root, info, status=None, **kwargs):
        qs = loan_list_for(requestor(info), status=status or None)
        connection = paginate(
            qs, info, FinancingLoanCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs
        )
        loans_annotate([edge.node for edge in connection.edges])
        return connection

    @staticmethod
    def resolve_loan(root, info, id):
        loan = one_or_none(
            Loan.objects.select_related("bank", "borrower").filter(pk=from_global_id_or_error(id, "FinancingLoan"))
        )
        if loan is None or not loan_may_view(requestor(info), loan):
            return None
        return loan


# --- mutations ------------------------------------------------------------------------------


class LoanMutation(BaseMutation):
    default_error_code_enum = Code
    default_error_type_name = "ExchangeFinancingError"

    loan = graphene.Field(FinancingLoanType)

    class Meta:
        abstract = True


class LoanApply(LoanMutation):
    class Arguments:
        bank = graphene.ID(required=True, description="FinancingBank ID.")
        receipts = graphene.List(graphene.NonNull(graphene.ID), required=True, description="WarehouseReceipt IDs.")
        amount = graphene.Decimal(required=True, description="CNY.")
        term_days = graphene.Int(required=True)
        purpose = graphene.String()
        idempotency_key = graphene.String()

    class Meta:
        description = "Apply for a loan on the member's receipts (a trader allowed to manage funds)."

    @classmethod
    def perform_mutation(cls, root, info, bank, receipts, amount, term_days, purpose="", idempotency_key=None):
        trader = require_trader(info, BORROWER_GRANT)
        bank_obj = get_node_or_error(Bank, bank, "FinancingBank", field="bank")
        loan = loans.loan_apply(
            member=trader.member,
            bank=bank_obj,
            receipts=_receipts(receipts),
            amount=amount,
            term_days=term_days,
            purpose=purpose or "",
            actor=trader.user,
            idempotency_key=idempotency_key,
        )
        return cls(errors=[], loan=loan)


class LoanWithdraw(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Withdraw an application in review (the borrower)."

    @classmethod
    def perform_mutation(cls, root, info, id):
        trader = require_trader(info, BORROWER_GRANT)
        return cls(errors=[], loan=loans.loan_withdraw(_loan(id), member=trader.member, actor=trader.user))


class LoanApproveInput(graphene.InputObjectType):
    principal = graphene.Decimal(required=True, description="CNY.")
    annual_rate_percent = graphene.Decimal(required=True)
    term_days = graphene.Int(required=True)
    haircut_percent = graphene.Decimal(description="Default: the financing rule of the bank and grade.")
    max_ltv_percent = graphene.Decimal()
    warning_percent = graphene.Decimal()
    liquidation_percent = graphene.Decimal()
    margin_call_hours = graphene.Int()
    registry_filing_no = graphene.String(
        description="Filing number at the national movable-property registry (中登网)."
    )


class LoanApprove(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = LoanApproveInput(required=True)

    class Meta:
        description = "Approve an application with the bank's terms; the pledge of its receipts is registered."
        permissions = [ExchangePermissions.BANK_LENDING]

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        actor = requestor(info)
        bank = banks.bank_require(actor)
        values = {
            key: input.get(key)
            for key in (
                "haircut_percent",
                "max_ltv_percent",
                "warning_percent",
                "liquidation_percent",
                "margin_call_hours",
            )
        }
        loan = loans.loan_approve(
            _loan(id),
            bank=bank,
            principal=input["principal"],
            annual_rate_percent=input["annual_rate_percent"],
            term_days=input["term_days"],
            registry_filing_no=input.get("registry_filing_no") or "",
            actor=actor,
            **values,
        )
        return cls(errors=[], loan=loan)


class LoanReject(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        description = "Refuse an application in review, with the reason."
        permissions = [ExchangePermissions.BANK_LENDING]

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        actor = requestor(info)
        bank = banks.bank_require(actor)
        return cls(errors=[], loan=loans.loan_reject(_loan(id), bank=bank, reason=reason, actor=actor))


class LoanCancel(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        description = "Cancel an approved loan before disbursement; the pledge is released."
        permissions = [ExchangePermissions.BANK_LENDING]

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        actor = requestor(info)
        bank = banks.bank_require(actor)
        return cls(errors=[], loan=loans.loan_cancel(_loan(id), bank=bank, reason=reason, actor=actor))


class LoanDisburse(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Pay the principal of an approved loan into the borrower's exchange funds."
        permissions = [ExchangePermissions.BANK_LENDING]

    @classmethod
    def perform_mutation(cls, root, info, id):
        actor = requestor(info)
        bank = banks.bank_require(actor)
        return cls(errors=[], loan=loans.loan_disburse(_loan(id), bank=bank, actor=actor))


class LoanRepay(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)
        amount = graphene.Decimal(required=True, description="CNY; interest is paid first.")
        idempotency_key = graphene.String()

    class Meta:
        description = "Repay from the member's available exchange funds (the borrower)."

    @classmethod
    def perform_mutation(cls, root, info, id, amount, idempotency_key=None):
        trader = require_trader(info, BORROWER_GRANT)
        loan = loans.loan_repay(
            _loan(id), member=trader.member, amount=amount, idempotency_key=idempotency_key, actor=trader.user
        )
        return cls(errors=[], loan=loan)


class LoanCollateralAdd(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)
        receipts = graphene.List(graphene.NonNull(graphene.ID), required=True, description="WarehouseReceipt IDs.")

    class Meta:
        description = "Offer or pledge more receipts for a loan (the borrower; e.g. to answer a margin call)."

    @classmethod
    def perform_mutation(cls, root, info, id, receipts):
        trader = require_trader(info, BORROWER_GRANT)
        loan = loans.loan_collateral_add(
            _loan(id), member=trader.member, receipts=_receipts(receipts), actor=trader.user
        )
        return cls(errors=[], loan=loan)


class LoanCollateralRelease(LoanMutation):
    class Arguments:
        id = graphene.ID(required=True)
        receipts = graphene.List(graphene.NonNull(graphene.ID), required=True, description="WarehouseReceipt IDs.")

    class Meta:
        description = (
            "Release pledged receipts while the loan-to-value stays within the loan's limit (borrower or bank)."
        )

    @classmethod
    def perform_mutation(cls, root, info, id, receipts):
        loan = _loan(id)
        loan = loans.loan_collateral_release(loan, actor=requestor(info), receipts=_receipts(receipts))
        return cls(errors=[], loan=loan)


class FinancingRuleSet(BaseMutation):
    default_error_code_enum = Code
    default_error_type_name = "ExchangeFinancingError"

    rule = graphene.Field(FinancingRuleType)

    class Arguments:
        bank = graphene.ID(description="FinancingBank ID; blank for every bank.")
        grade = graphene.String(description="Grade code; blank for every grade.")
        haircut_percent = graphene.Decimal(required=True)
        max_ltv_percent = graphene.Decimal(required=True)
        warning_percent = graphene.Decimal(required=True)
        liquidation_percent = graphene.Decimal(required=True)
        margin_call_hours = graphene.Int()

    class Meta:
        description = "Set the haircut and lines for a bank and grade (operators)."
        permissions = [ExchangePermissions.MANAGE_EXCHANGE]

    @classmethod
    def perform_mutation(
        cls,
        root,
        info,
        haircut_percent,
        max_ltv_percent,
        warning_percent,
        liquidation_percent,
        bank=None,
        grade=None,
        margin_call_hours=72,
    ):
        bank_obj = get_node_or_error(Bank, bank, "FinancingBank", field="bank", required=False)
        grade_obj = None
        if grade:
            grade_obj = Grade.objects.filter(code=grade.strip()).first()
            if grade_obj is None:
                raise DomainError(_("Grade not found"), Code.NOT_FOUND, field="grade")
        rule = banks.financing_rule_set(
            bank=bank_obj,
            grade=grade_obj,
            haircut_percent=haircut_percent,
            max_ltv_percent=max_ltv_percent,
            warning_percent=warning_percent,
            liquidation_percent=liquidation_percent,
            margin_call_hours=72 if margin_call_hours is None else margin_call_hours,
            actor=requestor(info),
        )
        return cls(
            errors=[],
            rule=FinancingRuleType(
                bank=bank_obj.code if bank_obj else None,
                grade=grade_obj.code if grade_obj else None,
                haircut_percent=str(rule.haircut_percent),
                max_ltv_percent=str(rule.max_ltv_percent),
                warning_percent=str(rule.warning_percent),
                liquidation_percent=str(rule.liquidation_percent),
                margin_call_hours=rule.margin_call_hours,
            ),
        )


class FinancingLoanMutations(graphene.ObjectType):
    loan_apply = LoanApply.Field()
    loan_withdraw = LoanWithdraw.Field()
    loan_approve = LoanApprove.Field()
    loan_reject = LoanReject.Field()
    loan_cancel = LoanCancel.Field()
    loan_disburse = LoanDisburse.Field()
    loan_repay = LoanRepay.Field()
    loan_collateral_add = LoanCollateralAdd.Field()
    loan_collateral_release = LoanCollateralRelease.Field()
    financing_rule_set = FinancingRuleSet.Field()
