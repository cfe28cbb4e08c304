"""GraphQL of referrals (issue 16): a distributor's share link (its shop, or one of its picks) with the
address of its QR code. The buyer bindings and order attributions behind them are staff-only and are not
exposed here."""

from __future__ import annotations

import graphene
from django.urls import reverse
from django.utils.translation import gettext as _

from incubator.distribution.api import PICK_TYPE
from incubator.distribution.selectors import distribution_pick_get
from incubator.error_codes import IncubatorErrorCode
from incubator.referrals import services
from incubator.referrals.models import ReferralLink
from marketplace.shops.access import shop_from_global_id
from meidu.core.errors import DomainError
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor, require_user
from meidu.core.graphql.types import ModelObjectType


class ReferralLinkType(ModelObjectType):
    url = graphene.String(required=True, description="The share link (path; prefix the site's address).")
    qr_code_url = graphene.String(required=True, description="A PNG of the link's QR code.")
    pick_id = graphene.ID(description="The pick it leads to; null for a link to the whole shop.")

    class Meta:
        model = ReferralLink
        name = "ReferralLink"
        fields = ["id", "code", "clicks", "created_at"]

    @staticmethod
    def resolve_url(root, info):
        return info.context.build_absolute_uri(reverse("referral_landing", args=[root.code]))

    @staticmethod
    def resolve_qr_code_url(root, info):
        return info.context.build_absolute_uri(reverse("referral_qr", args=[root.code]))

    @staticmethod
    def resolve_pick_id(root, info):
        return graphene.Node.to_global_id(PICK_TYPE, root.pick_id) if root.pick_id else None


class ReferralLinkCreate(BaseMutation):
    """A distributor's share link to its shop, or to one of its picks (the same link when it exists)."""

    default_error_code_enum = IncubatorErrorCode
    default_error_type_name = "IncubatorError"
    link = graphene.Field(ReferralLinkType)

    class Arguments:
        shop = graphene.ID(required=True)
        pick = graphene.ID()

    @classmethod
    def perform_mutation(cls, root, info, shop, pick=None):
        user = require_user(info)
        found = shop_from_global_id(shop, "shop", IncubatorErrorCode.NOT_FOUND)
        target = None
        if pick:
            target = distribution_pick_get(from_global_id_or_error(pick, PICK_TYPE, "pick"))
            if target is None:
                raise DomainError(_("Pick not found"), IncubatorErrorCode.NOT_FOUND, field="pick")
        link = services.referral_link_create(actor=requestor(info) or user, shop=found, pick=target)
        return cls(errors=[], link=link)


class ReferralMutations(graphene.ObjectType):
    referral_link_create = ReferralLinkCreate.Field()
