"""GraphQL types of the risk side of bank financing: margin calls and forced sales (a loan's daily
valuation is ``FinancingLoanValuation`` of api.types, shared with the loans API). Amounts and
percentages are exact decimal strings."""

from __future__ import annotations

import graphene

from magnesium_exchange.financing.api.types import FinancingLoanType
from magnesium_exchange.financing.models import ForcedSale, MarginCall
from meidu.core.graphql.connection import CountableConnection
from meidu.core.graphql.types import ModelObjectType


def _text(value):
    return None if value is None else str(value)


class FinancingMarginCallType(ModelObjectType):
    loan = graphene.Field(FinancingLoanType, required=True)
    status = graphene.String(required=True, description="open, resolved or missed.")
    status_display = graphene.String(required=True)
    ltv_percent = graphene.String(required=True, description="Loan-to-value when the call opened.")
    opened_at = graphene.DateTime(required=True)
    deadline = graphene.DateTime(required=True, description="Repay or add receipts before this.")
    resolved_at = graphene.DateTime()
    resolution = graphene.String(required=True, description="back_under_line, loan_closed, deadline_missed or blank.")

    class Meta:
        model = MarginCall
        name = "FinancingMarginCall"
        fields = ["id"]

    @staticmethod
    def resolve_loan(root, info):
        return root.loan

    @staticmethod
    def resolve_status(root, info):
        return root.status

    @staticmethod
    def resolve_status_display(root, info):
        return str(root.get_status_display())

    @staticmethod
    def resolve_ltv_percent(root, info):
        return str(root.ltv_percent)

    @staticmethod
    def resolve_resolution(root, info):
        return root.resolution


class FinancingForcedSaleType(ModelObjectType):
    loan = graphene.Field(FinancingLoanType, required=True)
    auction_id = graphene.ID(required=True, description="The sale auction (ExchangeAuction ID).")
    status = graphene.String(required=True, description="open, sold or unsold.")
    reason = graphene.String(required=True, description="liquidation_line, margin_call_missed or past_due.")
    proceeds = graphene.String(description="CNY the borrower received at settlement (value less its fee).")
    interest_repaid = graphene.String()
    principal_repaid = graphene.String()
    remainder_to_owner = graphene.String()
    started_at = graphene.DateTime(required=True)
    settled_at = graphene.DateTime()

    class Meta:
        model = ForcedSale
        name = "FinancingForcedSale"
        fields = ["id"]

    @staticmethod
    def resolve_loan(root, info):
        return root.loan

    @staticmethod
    def resolve_auction_id(root, info):
        return graphene.Node.to_global_id("ExchangeAuction", root.auction_id)

    @staticmethod
    def resolve_status(root, info):
        return root.status

    @staticmethod
    def resolve_reason(root, info):
        return root.reason

    @staticmethod
    def resolve_proceeds(root, info):
        return _text(root.proceeds)

    @staticmethod
    def resolve_interest_repaid(root, info):
        return _text(root.interest_repaid)

    @staticmethod
    def resolve_principal_repaid(root, info):
        return _text(root.principal_repaid)

    @staticmethod
    def resolve_remainder_to_owner(root, info):
        return _text(root.remainder_to_owner)


class FinancingMarginCallCountableConnection(CountableConnection):
    class Meta:
        node = FinancingMarginCallType
