"""GraphQL types of bank financing: banks, loans with their collateral, events, debt and latest valuation.

Amounts and percentages are exact decimal strings. A page of loans costs a fixed number of queries:
bank and borrower are joined (batched_selects), collateral and events prefetched (batched_fields), debt
and latest valuation read for the whole page at once (selectors.loans_annotate)."""

from __future__ import annotations

import graphene
from django.db.models import Prefetch

from magnesium_exchange.financing.models import Bank, Loan, LoanCollateral
from magnesium_exchange.financing.selectors import loan_debt, loan_latest_valuations
from meidu.core.graphql.connection import CountableConnection
from meidu.core.graphql.types import ModelObjectType


def _text(value):
    return None if value is None else str(value)


class FinancingBankType(ModelObjectType):
    class Meta:
        model = Bank
        name = "FinancingBank"
        fields = ["id", "code", "name", "short_name", "is_active"]


class FinancingLoanCollateralType(graphene.ObjectType):
    receipt_number = graphene.String(required=True)
    grade = graphene.String(required=True, description="Grade code of the receipt.")
    quantity = graphene.String(required=True, description="Tonnes, three decimals.")
    status = graphene.String(required=True, description="proposed, pledged, selling, released, dropped or sold.")
    pledged_at = graphene.DateTime()
    released_at = graphene.DateTime()

    class Meta:
        name = "FinancingLoanCollateral"


class FinancingLoanEventType(graphene.ObjectType):
    action = graphene.String(required=True)
    from_status = graphene.String(required=True)
    to_status = graphene.String(required=True)
    data = graphene.JSONString(required=True)
    occurred_at = graphene.DateTime(required=True)

    class Meta:
        name = "FinancingLoanEvent"


class FinancingLoanDebtType(graphene.ObjectType):
    principal = graphene.String(required=True, description="Outstanding principal, CNY.")
    interest = graphene.String(required=True, description="Accrued unpaid interest, CNY.")
    total = graphene.String(required=True)

    class Meta:
        name = "FinancingLoanDebt"


class FinancingLoanValuationType(graphene.ObjectType):
    day = graphene.Date(required=True)
    tonnes = graphene.String(required=True)
    market_value = graphene.String(required=True)
    collateral_value = graphene.String(required=True, description="Market value less the haircut.")
    debt = graphene.String(required=True)
    ltv_percent = graphene.String(description="Blank when no priced collateral is left.")

    class Meta:
        name = "FinancingLoanValuation"


class FinancingLoanType(ModelObjectType):
    status = graphene.String(required=True)
    status_display = graphene.String(required=True)
    bank = graphene.Field(FinancingBankType, required=True)
    borrower_name = graphene.String(required=True)
    borrower_credit_code = graphene.String(required=True)
    amount_requested = graphene.String(required=True, description="CNY.")
    principal = graphene.String(description="CNY, set at approval.")
    annual_rate_percent = graphene.String()
    haircut_percent = graphene.String()
    max_ltv_percent = graphene.String()
    warning_percent = graphene.String()
    liquidation_percent = graphene.String()
    collateral = graphene.List(graphene.NonNull(FinancingLoanCollateralType), required=True)
    events = graphene.List(graphene.NonNull(FinancingLoanEventType), required=True)
    debt = graphene.Field(FinancingLoanDebtType, required=True, description="From the ledger.")
    latest_valuation = graphene.Field(FinancingLoanValuationType, description="The latest daily mark, if any.")

    batched_selects = {"bank": "bank", "borrowerName": "borrower", "borrowerCreditCode": "borrower"}
    batched_fields = {
        "collateral": Prefetch(
            "collateral", queryset=LoanCollateral.objects.select_related("receipt__grade").order_by("id")
        ),
        "events": "events",
    }

    class Meta:
        model = Loan
        name = "FinancingLoan"
        fields = [
            "id",
            "number",
            "term_days_requested",
            "purpose",
            "term_days",
            "margin_call_hours",
            "registry_filing_no",
            "rejection_reason",
            "approved_at",
            "disbursed_at",
            "due_date",
            "interest_accrued_until",
            "closed_at",
            "created_at",
        ]

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_status_display(root, info):
        return str(root.get_status_display())

    @staticmethod
    def resolve_borrower_name(root, info):
        return root.borrower.name

    @staticmethod
    def resolve_borrower_credit_code(root, info):
        return root.borrower.credit_code

    @staticmethod
    def resolve_amount_requested(root, info):
        return _text(root.amount_requested)

    @staticmethod
    def resolve_principal(root, info):
        return _text(root.principal)

    @staticmethod
    def resolve_annual_rate_percent(root, info):
        return _text(root.annual_rate_percent)

    @staticmethod
    def resolve_haircut_percent(root, info):
        return _text(root.haircut_percent)

    @staticmethod
    def resolve_max_ltv_percent(root, info):
        return _text(root.max_ltv_percent)

    @staticmethod
    def resolve_warning_percent(root, info):
        return _text(root.warning_percent)

    @staticmethod
    def resolve_liquidation_percent(root, info):
        return _text(root.liquidation_percent)

    @staticmethod
    def resolve_collateral(root, info):
        return [
            FinancingLoanCollateralType(
                receipt_number=row.receipt.number,
                grade=row.receipt.grade.code,
                quantity=str(row.quantity),
                status=str(row.status),
                pledged_at=row.pledged_at,
                released_at=row.released_at,
            )
            for row in root.collateral.all()
        ]

    @staticmethod
    def resolve_events(root, info):
        return [
            FinancingLoanEventType(
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                data=e.data,
                occurred_at=e.occurred_at,
            )
            for e in root.events.all()
        ]

    @staticmethod
    def resolve_debt(root, info):
        debt = getattr(root, "_debt", None) or loan_debt(root)
        return FinancingLoanDebtType(principal=str(debt.principal), interest=str(debt.interest), total=str(debt.total))

    @staticmethod
    def resolve_latest_valuation(root, info):
        valuation = root._valuation if hasattr(root, "_valuation") else loan_latest_valuations([root.pk]).get(root.pk)
        if valuation is None:
            return None
        return FinancingLoanValuationType(
            day=valuation.day,
            tonnes=str(valuation.tonnes),
            market_value=str(valuation.market_value),
            collateral_value=str(valuation.collateral_value),
            debt=str(valuation.debt),
            ltv_percent=_text(valuation.ltv_percent),
        )


class FinancingLoanCountableConnection(CountableConnection):
    class Meta:
        node = FinancingLoanType
