"""The root GraphQL schema: each domain contributes its Queries and Mutations classes."""

import graphene

from logistics.geography.api import GeographyQueries
from marketplace.catalog.api.mutations import CatalogMutations
from marketplace.catalog.api.queries import CatalogQueries
from marketplace.channels.api import ChannelQueries
from marketplace.inventory.api import InventoryMutations
from marketplace.shops.api import ShopMutations, ShopQueries
from meidu.accounts.api import AccountMutations, AccountQueries
from meidu.core.graphql.shop import ShopQueries as StoreQueries
from meidu.integrations.api import AppMutations, AppQueries


class Query(AccountQueries, AppQueries, GeographyQueries, StoreQueries, ChannelQueries, CatalogQueries, ShopQueries, graphene.ObjectType):
    pass


class Mutation(AccountMutations, AppMutations, ShopMutations, CatalogMutations, InventoryMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
