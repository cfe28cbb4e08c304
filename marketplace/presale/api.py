"""GraphQL of harvest pre-sales: sellers open one and record the harvest; buyers see open ones."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant
from marketplace.channels.models import Channel
from marketplace.inventory.models import Warehouse
from marketplace.presale import services
from marketplace.presale.error_codes import PresaleErrorCode
from marketplace.presale.models import CampaignStatus, PresaleCampaign
from marketplace.presale.policies import presale_may_manage, presale_may_open
from marketplace.shops.access import shop_access_denied
from meidu.core.errors import DomainError
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import ProductPermissions


class PresaleCampaignType(ModelObjectType):
    deposit_percent = graphene.Float(required=True)
    status = graphene.String(required=True)

    class Meta:
        model = PresaleCampaign
        name = "PresaleCampaign"
        fields = ["id", "variant", "expected_quantity", "harvest_expected_on", "harvested_quantity", "harvested_at"]

    @staticmethod
    def resolve_deposit_percent(root, info):
        return float(root.deposit_percent)

    @staticmethod
    def resolve_status(root, info):
        return str(root.status).upper()


class PresaleMutation(BaseMutation):
    default_error_code_enum = PresaleErrorCode
    default_error_type_name = "PresaleError"
    campaign = graphene.Field(PresaleCampaignType)

    class Meta:
        abstract = True


class PresaleCampaignOpen(PresaleMutation):
    class Arguments:
        variant = graphene.ID(required=True)
        channel = graphene.String(required=True)
        deposit_percent = graphene.String(required=True, description="e.g. \"30\" for a 30% deposit.")
        expected_quantity = graphene.Int(required=True)
        harvest_expected_on = graphene.Date(required=True)

    @classmethod
    def perform_mutation(cls, root, info, variant, channel, deposit_percent, expected_quantity, harvest_expected_on):
        found = get_node_or_error(ProductVariant, variant, "ProductVariant", "variant")
        if not presale_may_open(requestor(info), found.product.shop_id):
            raise shop_access_denied(ProductPermissions.MANAGE_PRODUCTS)
        target = Channel.objects.filter(slug=channel).first()
        if target is None:
            raise DomainError(_("Channel not found"), PresaleErrorCode.NOT_FOUND, field="channel")
        return cls(
            errors=[],
            campaign=services.presale_campaign_open(
                found,
                target,
                actor=requestor(info),
                deposit_percent=deposit_percent,
                expected_quantity=expected_quantity,
                harvest_expected_on=harvest_expected_on,
            ),
        )


class PresaleHarvest(PresaleMutation):
    class Arguments:
        campaign = graphene.ID(required=True)
        harvested_quantity = graphene.Int(required=True)
        warehouse = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, campaign, harvested_quantity, warehouse):
        found = get_node_or_error(PresaleCampaign, campaign, "PresaleCampaign", "campaign")
        if not presale_may_manage(requestor(info), found):
            raise shop_access_denied(ProductPermissions.MANAGE_PRODUCTS)
        store = get_node_or_error(Warehouse, warehouse, "Warehouse", "warehouse")
        return cls(
            errors=[],
            campaign=services.presale_harvest(
                found, actor=requestor(info), harvested_quantity=harvested_quantity, warehouse=store
            ),
        )


class PresaleQueries(graphene.ObjectType):
    presale_campaigns = graphene.List(
        graphene.NonNull(PresaleCampaignType),
        channel=graphene.String(required=True),
        description="Pre-sales taking deposits in the channel.",
    )

    @staticmethod
    def resolve_presale_campaigns(root, info, channel):
        return list(
            PresaleCampaign.objects.filter(channel__slug=channel, status=CampaignStatus.OPEN)
            .select_related("variant")
            .order_by("harvest_expected_on", "pk")[:100]
        )


class PresaleMutations(graphene.ObjectType):
    presale_campaign_open = PresaleCampaignOpen.Field()
    presale_harvest = PresaleHarvest.Field()
