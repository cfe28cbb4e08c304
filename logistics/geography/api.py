"""GraphQL of the county's geography: towns and their villages (public, for address forms)."""

import graphene

from logistics.geography.models import Town, Village
from meidu.core.graphql.connection import CountableConnection, SortKey, connection_field, paginate
from meidu.core.graphql.types import ModelObjectType


class VillageType(ModelObjectType):
    latitude = graphene.Float(required=True)
    longitude = graphene.Float(required=True)

    class Meta:
        model = Village
        name = "Village"
        fields = ["id", "code", "name", "town"]


class TownType(ModelObjectType):
    latitude = graphene.Float(required=True)
    longitude = graphene.Float(required=True)
    villages = graphene.List(graphene.NonNull(VillageType), required=True)

    batched_fields = {"villages": "villages"}

    class Meta:
        model = Town
        name = "Town"
        fields = ["id", "code", "name", "name_en", "county"]

    @staticmethod
    def resolve_villages(root, info):
        return list(root.villages.all())


class TownCountableConnection(CountableConnection):
    class Meta:
        node = TownType


class GeographyQueries(graphene.ObjectType):
    towns = connection_field(TownCountableConnection, description="Towns served by county delivery.")

    @staticmethod
    def resolve_towns(root, info, **kwargs):
        return paginate(Town.objects.all(), info, TownCountableConnection, sort=[SortKey("code")], **kwargs)
