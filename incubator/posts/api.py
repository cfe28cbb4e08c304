"""GraphQL of supply and demand posts: open lists, a post, its matches (the poster's), contact requests.

The contact's name is shown to signed-in users, the phone masked until the poster accepts their
contact request (incubator.posts.policies)."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from incubator.posts import services
from incubator.posts.models import ContactRequest, PostMatch, SupplyDemandPost
from incubator.posts.policies import post_contact_name, post_contact_phone, post_is_poster
from incubator.posts.selectors import (
    contact_accepted_post_ids,
    contact_requests_incoming,
    contact_requests_outgoing,
    match_list_for_post,
    post_is_open,
    post_list_open,
)
from incubator.prices.api import FarmInfoMutation, ProduceItemType
from incubator.prices.error_codes import FarmInfoErrorCode
from incubator.prices.selectors import item_resolve
from logistics.geography.api import TownType, VillageType
from logistics.geography.models import Town, Village
from marketplace.catalog.models import Product
from marketplace.shops.access import SHOP_TYPE
from marketplace.shops.models import Shop
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.permissions import require_user
from meidu.core.graphql.types import ModelObjectType


def _accepted(info) -> set[int]:
    cached = getattr(info.context, "_farm_accepted_posts", None)
    if cached is None:
        cached = contact_accepted_post_ids(info.context.user)
        info.context._farm_accepted_posts = cached
    return cached


class SupplyDemandPostType(ModelObjectType):
    item = graphene.Field(ProduceItemType, required=True)
    town = graphene.Field(TownType, required=True)
    village = graphene.Field(VillageType)
    quantity = graphene.Decimal(required=True)
    quantity_base = graphene.Decimal(required=True, description="In the item's base unit (斤 or 头).")
    price_wish = graphene.Decimal(description="In the item's base unit.")
    contact_name = graphene.String(description="Signed-in users only.")
    contact_phone = graphene.String(description="Masked until the poster accepts your contact request.")
    is_open = graphene.Boolean(required=True)
    posted_for_villager = graphene.Boolean(required=True)
    shop_slug = graphene.String()
    product_slug = graphene.String()

    batched_fields = {"item": "item__aliases"}

    class Meta:
        model = SupplyDemandPost
        name = "SupplyDemandPost"
        fields = [
            "id",
            "side",
            "quantity_unit",
            "grade",
            "window_start",
            "window_end",
            "note",
            "on_behalf_of",
            "status",
            "created_at",
        ]

    @staticmethod
    def resolve_contact_name(root, info):
        return post_contact_name(info.context.user, root)

    @staticmethod
    def resolve_contact_phone(root, info):
        return post_contact_phone(info.context.user, root, _accepted(info))

    @staticmethod
    def resolve_on_behalf_of(root, info):
        return post_contact_name(info.context.user, root) and root.on_behalf_of

    @staticmethod
    def resolve_is_open(root, info):
        return post_is_open(root)

    @staticmethod
    def resolve_status(root, info):
        return "expired" if root.status == "open" and not post_is_open(root) else root.status

    @staticmethod
    def resolve_posted_for_villager(root, info):
        return bool(root.on_behalf_of)

    @staticmethod
    def resolve_shop_slug(root, info):
        return root.shop.slug if root.shop_id else None

    @staticmethod
    def resolve_product_slug(root, info):
        return root.product.slug if root.product_id else None


class SupplyDemandPostCountableConnection(CountableConnection):
    class Meta:
        node = SupplyDemandPostType


class PostMatchType(ModelObjectType):
    post = graphene.Field(SupplyDemandPostType, required=True, description="The other side's post.")

    class Meta:
        model = PostMatch
        name = "PostMatch"
        fields = ["id", "score", "distance_km", "created_at"]


class ContactRequestType(ModelObjectType):
    post = graphene.Field(SupplyDemandPostType, required=True)

    class Meta:
        model = ContactRequest
        name = "ContactRequest"
        fields = ["id", "message", "status", "created_at", "decided_at"]


def _post(global_id: str, field: str = "post") -> SupplyDemandPost:
    return get_node_or_error(SupplyDemandPost, global_id, "SupplyDemandPost", field)


class PostQueries(graphene.ObjectType):
    supply_demand_posts = graphene.Field(
        SupplyDemandPostCountableConnection,
        side=graphene.String(),
        item=graphene.String(description="Item code, name or alias (苞米 finds 玉米)."),
        town=graphene.ID(),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="Open posts (window not over), newest first.",
    )
    post_matches = graphene.List(
        graphene.NonNull(PostMatchType),
        post=graphene.ID(required=True),
        description="The matches of one of your posts, best first (the poster only).",
    )
    my_contact_requests = graphene.List(
        graphene.NonNull(ContactRequestType),
        incoming=graphene.Boolean(description="Requests to your posts (default) or your own requests."),
    )

    @staticmethod
    def resolve_supply_demand_posts(root, info, side=None, item=None, town=None, **kwargs):
        item_id = None
        if item:
            found = item_resolve(item)
            if found is None:
                return paginate(SupplyDemandPost.objects.none(), info, SupplyDemandPostCountableConnection, **kwargs)
            item_id = found.pk
        town_id = get_node_or_error(Town, town, "Town", "town").pk if town else None
        qs = post_list_open(side=side, item_id=item_id, town_id=town_id)
        return paginate(qs, info, SupplyDemandPostCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs)

    @staticmethod
    def resolve_post_matches(root, info, post):
        user = info.context.user
        try:
            found = _post(post)
        except DomainError:
            return []
        if not post_is_poster(user, found):
            return []
        return [_with_other(match, other) for match, other in match_list_for_post(found)]

    @staticmethod
    def resolve_my_contact_requests(root, info, incoming=True):
        user = info.context.user
        rows = contact_requests_incoming(user) if incoming is not False else contact_requests_outgoing(user)
        return list(rows[:100])


def _with_other(match: PostMatch, other: SupplyDemandPost) -> PostMatch:
    match.post = other
    return match


def _item_or_error(text: str):
    item = item_resolve(text)
    if item is None:
        raise DomainError(_("Produce item not found."), FarmInfoErrorCode.UNKNOWN_ITEM, field="item")
    return item


class SupplyDemandPostCreate(FarmInfoMutation):
    """Post a supply or a demand; it is matched at once against the open posts of the other side."""

    post = graphene.Field(SupplyDemandPostType)
    matches = graphene.List(graphene.NonNull(PostMatchType))

    class Arguments:
        side = graphene.String(required=True, description="supply or demand.")
        item = graphene.String(required=True, description="Item code, name or alias.")
        quantity = graphene.Decimal(required=True)
        quantity_unit = graphene.String(required=True, description="jin, kg, tonne or head.")
        window_start = graphene.Date(required=True)
        window_end = graphene.Date(required=True)
        village = graphene.ID()
        town = graphene.ID()
        price_wish = graphene.Decimal()
        price_unit = graphene.String()
        grade = graphene.String()
        contact_name = graphene.String()
        contact_phone = graphene.String()
        note = graphene.String()
        on_behalf_of = graphene.String(description="The villager's name (village information officers).")
        shop = graphene.ID()
        product = graphene.ID()

    @classmethod
    def perform_mutation(cls, root, info, item, village=None, town=None, shop=None, product=None, **data):
        user = require_user(info)
        post, matches = services.post_create(
            user,
            item=_item_or_error(item),
            village=get_node_or_error(Village, village, "Village", "village", required=False),
            town=get_node_or_error(Town, town, "Town", "town", required=False),
            shop=get_node_or_error(Shop, shop, SHOP_TYPE, "shop", required=False),
            product=get_node_or_error(Product, product, "Product", "product", required=False),
            **data,
        )
        return cls(
            errors=[],
            post=post,
            matches=[_with_other(m, m.demand if post.side == "supply" else m.supply) for m in matches],
        )


class SupplyDemandPostUpdate(FarmInfoMutation):
    post = graphene.Field(SupplyDemandPostType)

    class Arguments:
        id = graphene.ID(required=True)
        quantity = graphene.Decimal()
        quantity_unit = graphene.String()
        price_wish = graphene.Decimal()
        price_unit = graphene.String()
        window_end = graphene.Date()
        note = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, id, **data):
        user = require_user(info)
        return cls(errors=[], post=services.post_update(user, _post(id, "id"), **data))


class SupplyDemandPostClose(FarmInfoMutation):
    post = graphene.Field(SupplyDemandPostType)

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = require_user(info)
        return cls(errors=[], post=services.post_close(user, _post(id, "id")))


class ContactRequestCreate(FarmInfoMutation):
    """Ask a poster for their phone number (chat-free); shown once they accept."""

    contact_request = graphene.Field(ContactRequestType)

    class Arguments:
        post = graphene.ID(required=True)
        from_post = graphene.ID(description="Your own post this request comes from (a match).")
        message = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, post, from_post=None, message=""):
        user = require_user(info)
        request = services.contact_request_create(
            user,
            _post(post),
            from_post=_post(from_post, "fromPost") if from_post else None,
            message=message or "",
        )
        return cls(errors=[], contact_request=request)


class ContactRequestDecide(FarmInfoMutation):
    contact_request = graphene.Field(ContactRequestType)
    accept = True

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        abstract = True

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = require_user(info)
        request = get_node_or_error(ContactRequest, id, "ContactRequest")
        return cls(errors=[], contact_request=services.contact_request_decide(user, request, accept=cls.accept))


class ContactRequestAccept(ContactRequestDecide):
    """The poster shows their phone to the requester."""

    accept = True


class ContactRequestDecline(ContactRequestDecide):
    accept = False


class PostMutations(graphene.ObjectType):
    supply_demand_post_create = SupplyDemandPostCreate.Field()
    supply_demand_post_update = SupplyDemandPostUpdate.Field()
    supply_demand_post_close = SupplyDemandPostClose.Field()
    contact_request_create = ContactRequestCreate.Field()
    contact_request_accept = ContactRequestAccept.Field()
    contact_request_decline = ContactRequestDecline.Field()
