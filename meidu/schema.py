"""The root GraphQL schema: each domain contributes its Queries and Mutations classes."""

import graphene

from logistics.geography.api import GeographyQueries
from magnesium_exchange.commodities.api import CommodityQueries
from magnesium_exchange.credit.api import CreditMutations, CreditQueries
from magnesium_exchange.financing.api.loans import FinancingLoanMutations, FinancingLoanQueries
from magnesium_exchange.financing.api.risk import FinancingRiskMutations, FinancingRiskQueries
from magnesium_exchange.financing.api.statements import ReceiptStatementQueries
from magnesium_exchange.marketdata.api import MarketDataMutations, MarketDataQueries
from magnesium_exchange.members.api import MemberMutations, MemberQueries
from magnesium_exchange.settlement.api import ExchangeSettlementMutations, ExchangeSettlementQueries
from magnesium_exchange.trading.api import TradingMutations, TradingQueries
from magnesium_exchange.warehouses.api import ReceiptMutations, ReceiptQueries
from marketplace.assisted.api import AssistedOrderMutations
from marketplace.catalog.api.mutations import CatalogMutations
from marketplace.catalog.api.queries import CatalogQueries
from marketplace.channels.api import ChannelQueries
from marketplace.checkout.api.mutations import CheckoutMutations
from marketplace.checkout.api.queries import CheckoutQueries
from marketplace.complaints.api.mutations import ComplaintMutations
from marketplace.complaints.api.queries import ComplaintQueries
from marketplace.inventory.api import InventoryMutations
from marketplace.orders.api.mutations import OrderMutations
from marketplace.orders.api.queries import OrderQueries
from marketplace.payments.api import PaymentMutations
from marketplace.presale.api import PresaleMutations, PresaleQueries
from marketplace.reviews.api import ReviewMutations, ReviewQueries
from marketplace.settlement.api.mutations import SettlementMutations
from marketplace.settlement.api.queries import SettlementQueries
from marketplace.shops.api import ShopMutations, ShopQueries
from meidu.accounts.api import AccountMutations, AccountQueries
from meidu.accounts.phone_code_api import PhoneCodeMutations
from meidu.core.graphql.scalars import checked_decimals
from meidu.core.graphql.shop import ShopQueries as StoreQueries
from meidu.integrations.api import AppMutations, AppQueries


class Query(
    AccountQueries,
    AppQueries,
    GeographyQueries,
    StoreQueries,
    ChannelQueries,
    CatalogQueries,
    ShopQueries,
    CheckoutQueries,
    OrderQueries,
    PresaleQueries,
    SettlementQueries,
    ReviewQueries,
    ComplaintQueries,
    CommodityQueries,
    MemberQueries,
    ReceiptQueries,
    ReceiptStatementQueries,
    MarketDataQueries,
    TradingQueries,
    ExchangeSettlementQueries,
    FinancingLoanQueries,
    FinancingRiskQueries,
    CreditQueries,
    graphene.ObjectType,
):
    pass


class Mutation(
    AccountMutations,
    PhoneCodeMutations,
    AppMutations,
    ShopMutations,
    CatalogMutations,
    InventoryMutations,
    PaymentMutations,
    CheckoutMutations,
    OrderMutations,
    AssistedOrderMutations,
    PresaleMutations,
    SettlementMutations,
    ReviewMutations,
    ComplaintMutations,
    MemberMutations,
    ReceiptMutations,
    MarketDataMutations,
    TradingMutations,
    ExchangeSettlementMutations,
    FinancingLoanMutations,
    FinancingRiskMutations,
    CreditMutations,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
checked_decimals(schema)
