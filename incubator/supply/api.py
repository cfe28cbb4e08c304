"""GraphQL of the supply pool (issue 16): the pool distributors browse, one offer, and the supplier's
named actions (create, update, open, pause, close) plus staff review. Amounts travel as strings so that a
hostile value ("NaN", "Infinity", "1e30", "-1") reaches the service and is refused with a code."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from incubator.error_codes import IncubatorErrorCode
from incubator.supply import services
from incubator.supply.models import SupplyOffer
from incubator.supply.policies import supply_may_act_for_shop
from incubator.supply.selectors import supply_offer_get, supply_offer_list_of_shop, supply_offer_list_open
from marketplace.catalog.models import ProductVariant
from marketplace.shops.access import SHOP_TYPE, shop_from_global_id
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error, get_node_or_error
from meidu.core.graphql.mutations import BaseMutation, graphene_enum
from meidu.core.graphql.permissions import requestor, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import DistributionPermissions

OFFER_TYPE = "SupplyOffer"
NEWEST_FIRST = [SortKey("pk", descending=True)]
IncubatorErrorCodeEnum = graphene_enum(IncubatorErrorCode, name="IncubatorErrorCode")


class SupplyOfferType(ModelObjectType):
    supplier_shop_id = graphene.ID(required=True)
    supplier_shop_name = graphene.String(required=True)
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    variant_id = graphene.ID(required=True)
    category_name = graphene.String()
    supply_price = graphene.Decimal(required=True)
    suggested_retail_price = graphene.Decimal(required=True)
    min_retail_price = graphene.Decimal(required=True)
    max_retail_price = graphene.Decimal(required=True)
    commission_kind = graphene.String(required=True, description="RATE (of the retail price) or FIXED (per unit).")
    commission_value = graphene.Decimal(required=True)
    regions = graphene.List(graphene.NonNull(graphene.String), required=True)
    state = graphene.String(required=True, description="DRAFT, OPEN, PAUSED or CLOSED.")

    class Meta:
        model = SupplyOffer
        name = "SupplyOffer"
        fields = ["id", "currency", "created_at", "updated_at"]

    @staticmethod
    def resolve_supplier_shop_id(root, info):
        return graphene.Node.to_global_id(SHOP_TYPE, root.supplier_shop_id)

    @staticmethod
    def resolve_supplier_shop_name(root, info):
        return root.supplier_shop.name

    @staticmethod
    def resolve_product_name(root, info):
        return root.variant.product.name

    @staticmethod
    def resolve_variant_name(root, info):
        return root.variant.name

    @staticmethod
    def resolve_variant_id(root, info):
        return graphene.Node.to_global_id("ProductVariant", root.variant_id)

    @staticmethod
    def resolve_category_name(root, info):
        category = root.variant.product.category
        return category.name if category else None

    @staticmethod
    def resolve_commission_kind(root, info):
        return root.commission_kind.upper()

    @staticmethod
    def resolve_state(root, info):
        return root.state.upper()


class SupplyOfferCountableConnection(CountableConnection):
    class Meta:
        node = SupplyOfferType


class SupplyOfferOrder(graphene.Enum):
    NEWEST = "new"
    COMMISSION = "commission"


class SupplyOfferInput(graphene.InputObjectType):
    supply_price = graphene.String(description="Paid to the supplier per unit, in yuan.")
    suggested_retail_price = graphene.String()
    min_retail_price = graphene.String()
    max_retail_price = graphene.String()
    commission_kind = graphene.String(description="RATE or FIXED.")
    commission_value = graphene.String(description="A rate as a fraction (\"0.1\" = 10%) or yuan per unit.")
    regions = graphene.List(graphene.NonNull(graphene.String))


def offer_data(data) -> dict:
    """The service's keys from the input (only those given)."""
    out = {key: value for key, value in dict(data).items() if value is not None}
    if isinstance(out.get("commission_kind"), str):
        out["commission_kind"] = out["commission_kind"].lower()
    if "regions" in out:
        out["regions"] = list(out["regions"])
    return out


def offer_from_global_id(global_id: str, field: str = "id") -> SupplyOffer:
    pk = from_global_id_or_error(global_id, OFFER_TYPE, field)
    offer = supply_offer_get(pk)
    if offer is None:
        raise DomainError(_("Offer not found"), IncubatorErrorCode.NOT_FOUND, field=field)
    return offer


class SupplyQueries(graphene.ObjectType):
    supply_offers = graphene.Field(
        SupplyOfferCountableConnection,
        category=graphene.ID(),
        order=SupplyOfferOrder(),
        shop=graphene.ID(description="A supplier shop you act for: all its offers, in every state."),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="The supply pool (open offers) for signed-in users, or a supplier's own offers.",
    )
    supply_offer = graphene.Field(SupplyOfferType, id=graphene.ID(required=True))

    @staticmethod
    def resolve_supply_offers(root, info, category=None, order=None, shop=None, **kwargs):
        require_user(info)
        if shop is not None:
            found = shop_from_global_id(shop, "shop", IncubatorErrorCode.NOT_FOUND)
            if not supply_may_act_for_shop(requestor(info), found.pk):
                return paginate(SupplyOffer.objects.none(), info, SupplyOfferCountableConnection, **kwargs)
            qs = supply_offer_list_of_shop(found.pk)
            return paginate(qs, info, SupplyOfferCountableConnection, sort=NEWEST_FIRST, **kwargs)
        category_id = int(from_global_id_or_error(category, "Category", "category")) if category else None
        qs = supply_offer_list_open(category_id=category_id)
        sort = NEWEST_FIRST
        if order == SupplyOfferOrder.COMMISSION.value:
            sort = [
                SortKey("commission_kind"),
                SortKey("commission_value", descending=True),
                SortKey("pk", descending=True),
            ]
        return paginate(qs, info, SupplyOfferCountableConnection, sort=sort, **kwargs)

    @staticmethod
    def resolve_supply_offer(root, info, id):
        require_user(info)
        pk = from_global_id_or_error(id, OFFER_TYPE, "id")
        offer = supply_offer_get(pk)
        if offer is None:
            return None
        if offer.state == "open" or supply_may_act_for_shop(requestor(info), offer.supplier_shop_id):
            return offer
        return None


class SupplyOfferMutation(BaseMutation):
    default_error_code_enum = IncubatorErrorCode
    default_error_type_name = "IncubatorError"
    offer = graphene.Field(SupplyOfferType)

    class Meta:
        abstract = True


class SupplyOfferCreate(SupplyOfferMutation):
    """A supplier or cooperative offers one of its variants to distributors (a draft until opened)."""

    class Arguments:
        shop = graphene.ID(required=True)
        variant = graphene.ID(required=True)
        input = SupplyOfferInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, shop, variant, input):
        require_user(info)
        found = shop_from_global_id(shop, "shop", IncubatorErrorCode.NOT_FOUND)
        target = get_node_or_error(ProductVariant, variant, "ProductVariant", "variant")
        offer = services.supply_offer_create(actor=requestor(info), shop=found, variant=target, data=offer_data(input))
        return cls(errors=[], offer=offer)


class SupplyOfferUpdate(SupplyOfferMutation):
    """New prices, commission or regions; picks left outside new bounds are paused, their shops told."""

    class Arguments:
        id = graphene.ID(required=True)
        input = SupplyOfferInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        require_user(info)
        offer = services.supply_offer_update(offer_from_global_id(id), actor=requestor(info), data=offer_data(input))
        return cls(errors=[], offer=offer)


class SupplyOfferTransition(SupplyOfferMutation):
    """One named action of the supplier on its offer: ``transition`` is the service that performs it
    (and refuses it in the wrong state or for another shop's offer)."""

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        abstract = True

    @classmethod
    def perform_mutation(cls, root, info, id):
        require_user(info)
        return cls(errors=[], offer=cls.transition(offer_from_global_id(id), actor=requestor(info)))


class SupplyOfferOpen(SupplyOfferTransition):
    """Draft or paused -> open: distributors may pick it."""

    transition = staticmethod(services.supply_offer_open)


class SupplyOfferPause(SupplyOfferTransition):
    """Open -> paused: hidden from every distributor at once."""

    transition = staticmethod(services.supply_offer_pause)


class SupplyOfferClose(SupplyOfferTransition):
    """Closed for good."""

    transition = staticmethod(services.supply_offer_close)


class SupplyOfferReview(SupplyOfferMutation):
    """Incubator staff mark an open offer reviewed."""

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        permissions = (DistributionPermissions.MANAGE_SUPPLY_POOL,)

    @classmethod
    def perform_mutation(cls, root, info, id):
        return cls(errors=[], offer=services.supply_offer_review(offer_from_global_id(id), actor=requestor(info)))


class SupplyMutations(graphene.ObjectType):
    supply_offer_create = SupplyOfferCreate.Field()
    supply_offer_update = SupplyOfferUpdate.Field()
    supply_offer_open = SupplyOfferOpen.Field()
    supply_offer_pause = SupplyOfferPause.Field()
    supply_offer_close = SupplyOfferClose.Field()
    supply_offer_review = SupplyOfferReview.Field()
