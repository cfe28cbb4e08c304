"""GraphQL of the online agricultural fair: fairs with their approved stalls, opening a fair and
deciding stalls (MANAGE_FAIRS), a shop member applying for a stall."""

from __future__ import annotations

import graphene

from incubator.fairs import services
from incubator.fairs.models import Fair, FairStall
from incubator.fairs.selectors import (
    approved_stalls_prefetch,
    fair_get,
    fair_list,
    fair_phase,
    fair_sales,
    stall_list,
)
from incubator.prices.api import FarmInfoMutation
from logistics.geography.api import TownType
from marketplace.catalog.models import Product
from marketplace.shops.access import SHOP_TYPE
from marketplace.shops.models import Shop
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.permissions import requestor, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import FarmPermissions


class FairStallProductType(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)


class FairStallType(ModelObjectType):
    shop_name = graphene.String(required=True)
    shop_slug = graphene.String(required=True)
    town = graphene.Field(TownType)
    products = graphene.List(graphene.NonNull(FairStallProductType), required=True)

    class Meta:
        model = FairStall
        name = "FairStall"
        fields = ["id", "status", "pitch", "created_at"]

    @staticmethod
    def resolve_shop_name(root, info):
        return root.shop.name

    @staticmethod
    def resolve_shop_slug(root, info):
        return root.shop.slug

    @staticmethod
    def resolve_products(root, info):
        return [FairStallProductType(name=link.product.name, slug=link.product.slug) for link in root.products.all()]


class FairStallSalesType(graphene.ObjectType):
    stall = graphene.Field(FairStallType, required=True)
    orders = graphene.Int(required=True)
    quantity = graphene.Int(required=True)
    amount = graphene.Decimal(required=True)


class FairType(ModelObjectType):
    phase = graphene.String(required=True, description="upcoming, open or over (by date).")
    stalls = graphene.List(graphene.NonNull(FairStallType), required=True, description="Approved stalls by town.")
    sales = graphene.List(
        graphene.NonNull(FairStallSalesType), required=True, description="Sales per stall during the fair."
    )

    batched_fields = {"stalls": approved_stalls_prefetch()}

    class Meta:
        model = Fair
        name = "Fair"
        fields = ["id", "title", "theme", "starts_on", "ends_on"]

    @staticmethod
    def resolve_phase(root, info):
        return fair_phase(root)

    @staticmethod
    def resolve_stalls(root, info):
        batched = getattr(root, "approved_stalls", None)
        return batched if batched is not None else stall_list(root)

    @staticmethod
    def resolve_sales(root, info):
        stalls = stall_list(root)
        totals = fair_sales(root, stalls)
        return [FairStallSalesType(stall=stall, **totals[stall.pk]) for stall in stalls]


class FairCountableConnection(CountableConnection):
    class Meta:
        node = FairType


class FairQueries(graphene.ObjectType):
    fairs = graphene.Field(
        FairCountableConnection,
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="Agricultural fairs, latest first.",
    )
    fair = graphene.Field(FairType, id=graphene.ID(required=True))

    @staticmethod
    def resolve_fairs(root, info, **kwargs):
        sort = [SortKey("starts_on", descending=True), SortKey("pk", descending=True)]
        return paginate(fair_list(), info, FairCountableConnection, sort=sort, **kwargs)

    @staticmethod
    def resolve_fair(root, info, id):
        try:
            return fair_get(get_node_or_error(Fair, id, "Fair").pk)
        except DomainError:  # an unknown or malformed id reads as no fair
            return None


class FairOpen(FarmInfoMutation):
    """Staff open a fair (dates, theme)."""

    fair = graphene.Field(FairType)

    class Arguments:
        title = graphene.String(required=True)
        theme = graphene.String()
        starts_on = graphene.Date(required=True)
        ends_on = graphene.Date(required=True)

    class Meta:
        permissions = (FarmPermissions.MANAGE_FAIRS,)

    @classmethod
    def perform_mutation(cls, root, info, title, starts_on, ends_on, theme=""):
        fair = services.fair_open(requestor(info), title=title, theme=theme or "", starts_on=starts_on, ends_on=ends_on)
        return cls(errors=[], fair=fair)


class FairStallApply(FarmInfoMutation):
    """A shop's member applies for a stall with some of the shop's products."""

    stall = graphene.Field(FairStallType)

    class Arguments:
        fair = graphene.ID(required=True)
        shop = graphene.ID(required=True)
        products = graphene.List(graphene.NonNull(graphene.ID), required=True)
        pitch = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, fair, shop, products, pitch=""):
        user = require_user(info)
        fair_row = get_node_or_error(Fair, fair, "Fair", "fair")
        shop_row = get_node_or_error(Shop, shop, SHOP_TYPE, "shop")
        product_rows = [get_node_or_error(Product, pid, "Product", "products") for pid in products[:50]]
        stall = services.stall_apply(user, fair_row, shop=shop_row, products=product_rows, pitch=pitch or "")
        return cls(errors=[], stall=stall)


class FairStallDecide(FarmInfoMutation):
    stall = graphene.Field(FairStallType)
    approve = True

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String()

    class Meta:
        abstract = True

    @classmethod
    def perform_mutation(cls, root, info, id, note=""):
        stall = get_node_or_error(FairStall, id, "FairStall")
        return cls(errors=[], stall=services.stall_decide(requestor(info), stall, approve=cls.approve, note=note or ""))


class FairStallApprove(FairStallDecide):
    approve = True

    class Meta:
        permissions = (FarmPermissions.MANAGE_FAIRS,)


class FairStallReject(FairStallDecide):
    approve = False

    class Meta:
        permissions = (FarmPermissions.MANAGE_FAIRS,)


class FairMutations(graphene.ObjectType):
    fair_open = FairOpen.Field()
    fair_stall_apply = FairStallApply.Field()
    fair_stall_approve = FairStallApprove.Field()
    fair_stall_reject = FairStallReject.Field()
