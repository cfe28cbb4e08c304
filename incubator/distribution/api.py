"""GraphQL of distribution (issue 16): a distributor's picks (pick, price, unpick) and its orders, the
buyer masked. Only the shop's members and incubator staff read or act for a distributor shop."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from incubator.distribution import services
from incubator.distribution.masking import address_masked, phone_masked, recipient_masked
from incubator.distribution.models import DistributionPick
from incubator.distribution.policies import distribution_may_act_for_shop
from incubator.distribution.selectors import (
    distribution_pick_get,
    distribution_pick_list_of_shop,
    distributor_order_list,
)
from incubator.error_codes import IncubatorErrorCode
from incubator.supply.api import OFFER_TYPE, SupplyOfferType, offer_from_global_id
from marketplace.shops.access import shop_access_denied, shop_from_global_id
from meidu.core.errors import DomainError
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import DistributionPermissions

PICK_TYPE = "DistributionPick"
PAGE_MAX = 100


class DistributionPickType(ModelObjectType):
    offer = graphene.Field(SupplyOfferType, required=True)
    retail_price = graphene.Decimal(required=True)
    state = graphene.String(required=True, description="LIVE, PAUSED or REMOVED.")
    reason = graphene.String(description="Why a pick is paused or removed.")
    is_on_sale = graphene.Boolean(required=True, description="Live and its offer open: buyers see it.")

    class Meta:
        model = DistributionPick
        name = "DistributionPick"
        fields = ["id", "created_at", "updated_at"]

    @staticmethod
    def resolve_state(root, info):
        return root.state.upper()

    @staticmethod
    def resolve_reason(root, info):
        return root.reason.upper() or None

    @staticmethod
    def resolve_is_on_sale(root, info):
        return root.state == "live" and root.offer.state == "open"


class DistributorOrderLine(graphene.ObjectType):
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Decimal(required=True)
    total_price = graphene.Decimal(required=True)


class DistributorOrder(graphene.ObjectType):
    """An order bought through the distributor's shop, as the distributor may see it: the buyer masked."""

    number = graphene.String(required=True)
    status = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    supplier_shop_name = graphene.String(required=True)
    total = graphene.Decimal(required=True)
    buyer_name = graphene.String(required=True, description="Family name only.")
    buyer_phone = graphene.String(required=True, description="Masked: 139****0001.")
    buyer_address = graphene.String(required=True, description="Province, city and county only.")
    lines = graphene.List(graphene.NonNull(DistributorOrderLine), required=True)

    @staticmethod
    def of(order) -> DistributorOrder:
        address = order.shipping_address
        return DistributorOrder(
            number=str(order.number),
            status=order.status.upper(),
            created=order.created_at,
            supplier_shop_name=order.shop.name,
            total=order.total_amount,
            buyer_name=recipient_masked(address),
            buyer_phone=phone_masked(address.phone if address else ""),
            buyer_address=address_masked(address),
            lines=[
                DistributorOrderLine(
                    product_name=line.product_name,
                    variant_name=line.variant_name,
                    quantity=line.quantity,
                    unit_price=line.unit_price_amount,
                    total_price=line.total_price_amount,
                )
                for line in order.lines.all()
            ],
        )


def _pick(global_id: str, field: str = "pick") -> DistributionPick:
    pick = distribution_pick_get(from_global_id_or_error(global_id, PICK_TYPE, field))
    if pick is None:
        raise DomainError(_("Pick not found"), IncubatorErrorCode.NOT_FOUND, field=field)
    return pick


def _own_shop(info, shop: str):
    found = shop_from_global_id(shop, "shop", IncubatorErrorCode.NOT_FOUND)
    if not distribution_may_act_for_shop(requestor(info), found.pk):
        raise shop_access_denied(DistributionPermissions.MANAGE_SUPPLY_POOL)
    return found


class DistributionQueries(graphene.ObjectType):
    distribution_picks = graphene.List(
        graphene.NonNull(DistributionPickType),
        shop=graphene.ID(required=True),
        description="A distributor shop's picks (members and incubator staff only).",
    )
    distributor_orders = graphene.List(
        graphene.NonNull(DistributorOrder),
        shop=graphene.ID(required=True),
        first=graphene.Int(description="At most 100, newest first."),
        description="Orders bought through a distributor shop, the buyer masked (members and staff only).",
    )

    @staticmethod
    def resolve_distribution_picks(root, info, shop):
        require_user(info)
        found = _own_shop(info, shop)
        return list(distribution_pick_list_of_shop(found.pk)[:PAGE_MAX])

    @staticmethod
    def resolve_distributor_orders(root, info, shop, first=None):
        require_user(info)
        found = _own_shop(info, shop)
        size = PAGE_MAX if first is None else max(0, min(int(first), PAGE_MAX))
        return [DistributorOrder.of(order) for order in distributor_order_list(found.pk)[:size]]


class DistributionMutation(BaseMutation):
    default_error_code_enum = IncubatorErrorCode
    default_error_type_name = "IncubatorError"
    pick = graphene.Field(DistributionPickType)

    class Meta:
        abstract = True


class DistributionPickCreate(DistributionMutation):
    """A distributor shop picks an open offer at a retail price within the offer's bounds."""

    class Arguments:
        shop = graphene.ID(required=True)
        offer = graphene.ID(required=True, description=f"A {OFFER_TYPE} id.")
        retail_price = graphene.String(required=True)

    @classmethod
    def perform_mutation(cls, root, info, shop, offer, retail_price):
        require_user(info)
        found = shop_from_global_id(shop, "shop", IncubatorErrorCode.NOT_FOUND)
        pick = services.distribution_pick(
            actor=requestor(info), shop=found, offer=offer_from_global_id(offer, "offer"), retail_price=retail_price
        )
        return cls(errors=[], pick=pick)


class DistributionPriceSet(DistributionMutation):
    """A new retail price for a pick, within its offer's bounds."""

    class Arguments:
        pick = graphene.ID(required=True)
        retail_price = graphene.String(required=True)

    @classmethod
    def perform_mutation(cls, root, info, pick, retail_price):
        require_user(info)
        updated = services.distribution_price_set(_pick(pick), actor=requestor(info), retail_price=retail_price)
        return cls(errors=[], pick=updated)


class DistributionUnpick(DistributionMutation):
    """Take a pick off the distributor's shop."""

    class Arguments:
        pick = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, pick):
        require_user(info)
        return cls(errors=[], pick=services.distribution_unpick(_pick(pick), actor=requestor(info)))


class DistributionMutations(graphene.ObjectType):
    distribution_pick = DistributionPickCreate.Field()
    distribution_price_set = DistributionPriceSet.Field()
    distribution_unpick = DistributionUnpick.Field()
