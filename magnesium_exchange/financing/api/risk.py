"""GraphQL of the risk side of bank financing: the margin calls a caller may see, and a bank starting
the forced sale of a loan's pledged receipts. Margin calls are scoped as loans are (selectors.loan_list_for):
a bank's officers and App see their bank's, a member's traders their member's, operators all, anyone
else none."""

from __future__ import annotations

import graphene

from magnesium_exchange.financing.api.risk_types import (
    FinancingForcedSaleType,
    FinancingMarginCallCountableConnection,
)
from magnesium_exchange.financing.api.types import FinancingLoanType
from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.models import Loan, MarginCall, MarginCallStatus
from magnesium_exchange.financing.selectors import loan_list_for, loans_annotate
from magnesium_exchange.financing.services import banks
from magnesium_exchange.financing.services.forced_sale import loan_forced_sale_start
from meidu.core.graphql.connection import SortKey, paginate
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import ExchangePermissions

_STATUSES = {choice.value for choice in MarginCallStatus}


class FinancingRiskQueries(graphene.ObjectType):
    margin_calls = graphene.relay.ConnectionField(
        FinancingMarginCallCountableConnection,
        status=graphene.String(description="open, resolved or missed."),
        description="Margin calls of the loans the caller may see: its bank's (bank officers and App), its member's "
        "(traders), all (operators); newest first.",
    )

    @staticmethod
    def resolve_margin_calls(root, info, status=None, **kwargs):
        loans = loan_list_for(requestor(info))
        qs = MarginCall.objects.filter(loan__in=loans.values("pk")).select_related("loan__bank", "loan__borrower")
        if status:
            qs = qs.filter(status=status) if status in _STATUSES else qs.none()
        connection = paginate(
            qs, info, FinancingMarginCallCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs
        )
        loans_annotate(list({edge.node.loan_id: edge.node.loan for edge in connection.edges}.values()))
        return connection


class LoanForcedSaleStart(BaseMutation):
    forced_sale = graphene.Field(FinancingForcedSaleType)
    loan = graphene.Field(FinancingLoanType)

    class Arguments:
        id = graphene.ID(required=True, description="FinancingLoan ID.")
        reserve_price = graphene.Decimal(
            description="CNY per tonne; by default 90% of the reference price, raised into the day's price band."
        )
        ends_at = graphene.DateTime(description="When the auction ends; by default in 24 hours.")

    class Meta:
        description = (
            "The loan's bank sells its pledged receipts through an exchange sale auction (平仓): allowed at or "
            "above the liquidation line, after a missed margin call, or past the due date."
        )
        permissions = [ExchangePermissions.BANK_LENDING]
        error_code_enum = Code
        error_type_name = "ExchangeFinancingError"

    @classmethod
    def perform_mutation(cls, root, info, id, reserve_price=None, ends_at=None):
        actor = requestor(info)
        bank = banks.bank_require(actor)
        loan = get_node_or_error(Loan, id, "FinancingLoan")
        sale = loan_forced_sale_start(loan, bank=bank, reserve_price=reserve_price, ends_at=ends_at, actor=actor)
        return cls(
            errors=[], forced_sale=sale, loan=Loan.objects.select_related("bank", "borrower").get(pk=sale.loan_id)
        )


class FinancingRiskMutations(graphene.ObjectType):
    loan_forced_sale_start = LoanForcedSaleStart.Field()
