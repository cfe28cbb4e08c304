"""The root GraphQL schema: each domain contributes its Queries and Mutations classes."""

import graphene

from logistics.geography.api import GeographyQueries
from meidu.accounts.api import AccountMutations, AccountQueries
from meidu.core.graphql.shop import ShopQueries
from meidu.integrations.api import AppMutations, AppQueries


class Query(AccountQueries, AppQueries, GeographyQueries, ShopQueries, graphene.ObjectType):
    pass


class Mutation(AccountMutations, AppMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
