"""Saleor's channel and channels queries."""

import graphene

from marketplace.channels.models import Channel
from marketplace.channels.selectors import channel_get
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.types import CountryDisplay, ModelObjectType


class ChannelType(ModelObjectType):
    currency_code = graphene.String(required=True)
    default_country = graphene.Field(CountryDisplay, required=True)

    class Meta:
        model = Channel
        name = "Channel"
        fields = ["id", "name", "slug", "is_active"]

    @staticmethod
    def resolve_default_country(root, info):
        return CountryDisplay.of(root.default_country)


class ChannelQueries(graphene.ObjectType):
    channel = graphene.Field(ChannelType, slug=graphene.String(), id=graphene.ID())
    channels = graphene.List(graphene.NonNull(ChannelType), required=True)

    @staticmethod
    def resolve_channel(root, info, slug=None, id=None):
        if id:
            return Channel.objects.filter(pk=from_global_id_or_error(id, "Channel")).first()
        return Channel.objects.filter(slug=slug).first() if slug else channel_get(None)

    @staticmethod
    def resolve_channels(root, info):
        return list(Channel.objects.filter(is_active=True))
