"""The root GraphQL schema: each domain contributes its Queries and Mutations classes."""

import graphene

from incubator.commission.api import CommissionMutations, CommissionQueries
from incubator.distribution.api import DistributionMutations, DistributionQueries
from incubator.fairs.api import FairMutations, FairQueries
from incubator.posts.api import PostMutations, PostQueries
from incubator.prices.api import PriceMutations, PriceQueries
from incubator.referrals.api import ReferralMutations
from incubator.supply.api import SupplyMutations, SupplyQueries
from incubator.training.api import TrainingMutations, TrainingQueries
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
from magnesium_exchange.warehouses.freight_api import FreightMutations, FreightQueries
from marketplace.assisted.api import AssistedOrderMutations, AssistedOrderQueries
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
from meidu.core.cache_versions import CATALOG, CHANNELS, SHOPS
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
    FreightQueries,
    ReceiptStatementQueries,
    MarketDataQueries,
    TradingQueries,
    ExchangeSettlementQueries,
    FinancingLoanQueries,
    FinancingRiskQueries,
    CreditQueries,
    SupplyQueries,
    DistributionQueries,
    CommissionQueries,
    TrainingQueries,
    PriceQueries,
    PostQueries,
    FairQueries,
    AssistedOrderQueries,
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
    FreightMutations,
    MarketDataMutations,
    TradingMutations,
    ExchangeSettlementMutations,
    FinancingLoanMutations,
    FinancingRiskMutations,
    CreditMutations,
    SupplyMutations,
    DistributionMutations,
    ReferralMutations,
    CommissionMutations,
    TrainingMutations,
    PriceMutations,
    PostMutations,
    FairMutations,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
checked_decimals(schema)

# Root query fields whose anonymous answers the response cache may keep, with the data domains
# each can show (meidu.core.cache_versions): a write to one of them moves its version, and the
# next read is computed afresh. STOCK is added per document when it selects stock counts
# (meidu.core.graphql.response_cache). A root field missing here is never cached.
_CATALOGUE = (CATALOG, CHANNELS, SHOPS)  # products show their shop; a suspended shop's products go
CACHEABLE_ROOTS: dict[str, tuple[str, ...]] = {
    "products": _CATALOGUE,
    "product": _CATALOGUE,
    "productVariant": _CATALOGUE,
    "productSuggestions": _CATALOGUE,
    "categories": _CATALOGUE,
    "category": _CATALOGUE,
    "collections": _CATALOGUE,
    "collection": _CATALOGUE,
    "productReviews": (CATALOG, SHOPS),
    "shopReviews": (CATALOG, SHOPS),
    "shops": (SHOPS, CATALOG),
    "marketplaceShop": (SHOPS, CATALOG),
    "channel": (CHANNELS,),
    "channels": (CHANNELS,),
    "shop": (),  # the site's settings: they change with a restart only
}
