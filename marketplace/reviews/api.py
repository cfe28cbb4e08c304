"""GraphQL of reviews: write one for a delivered line, hide one (operators), list a product's or
a shop's visible reviews with a fixed number of queries."""

from __future__ import annotations

import graphene
from graphql import GraphQLError

from marketplace.orders.models import OrderLine
from marketplace.reviews import services
from marketplace.reviews.error_codes import ReviewErrorCode
from marketplace.reviews.models import Review
from marketplace.reviews.policies import review_may_moderate
from marketplace.reviews.selectors import author_display, review_list_for_product, review_list_for_shop
from marketplace.shops.access import SHOP_TYPE
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error, get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import ReviewPermissions

NEWEST_FIRST = [SortKey("pk", descending=True)]


class ReviewType(ModelObjectType):
    rating = graphene.Int(required=True)
    author_name = graphene.String(required=True, description="Family name or masked phone of the buyer.")
    is_hidden = graphene.Boolean(required=True)
    hidden_reason = graphene.String(description="Operators only.")
    shop = graphene.Field("marketplace.shops.api.MarketplaceShopType", required=True)

    batched_selects = {"shop": "shop"}

    class Meta:
        model = Review
        name = "Review"
        fields = ["id", "text", "product_name", "variant_name", "created_at"]

    @staticmethod
    def resolve_author_name(root, info):
        return author_display(root.user)

    @staticmethod
    def resolve_hidden_reason(root, info):
        return root.hidden_reason if review_may_moderate(requestor(info)) else None


class ReviewCountableConnection(CountableConnection):
    class Meta:
        node = ReviewType


def _pk(global_id: str, type_name: str, field: str) -> int:
    try:
        return int(from_global_id_or_error(global_id, type_name, field))
    except DomainError as exc:
        raise GraphQLError(exc.message) from None


class ReviewQueries(graphene.ObjectType):
    product_reviews = graphene.Field(
        ReviewCountableConnection,
        product=graphene.ID(required=True),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="Visible reviews of a product, newest first.",
    )
    shop_reviews = graphene.Field(
        ReviewCountableConnection,
        shop=graphene.ID(required=True),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="Visible reviews of a shop, newest first.",
    )

    @staticmethod
    def resolve_product_reviews(root, info, product, **kwargs):
        qs = review_list_for_product(_pk(product, "Product", "product"))
        return paginate(qs, info, ReviewCountableConnection, sort=NEWEST_FIRST, **kwargs)

    @staticmethod
    def resolve_shop_reviews(root, info, shop, **kwargs):
        qs = review_list_for_shop(_pk(shop, SHOP_TYPE, "shop"))
        return paginate(qs, info, ReviewCountableConnection, sort=NEWEST_FIRST, **kwargs)


class ReviewMutation(BaseMutation):
    default_error_code_enum = ReviewErrorCode
    default_error_type_name = "ReviewError"
    review = graphene.Field(ReviewType)

    class Meta:
        abstract = True


class ReviewCreate(ReviewMutation):
    """The buyer reviews one delivered line of their order (once)."""

    class Arguments:
        order_line = graphene.ID(required=True)
        rating = graphene.Int(required=True, description="1 to 5 stars.")
        text = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, order_line, rating, text=""):
        author = require_user(info)
        line = get_node_or_error(OrderLine, order_line, "OrderLine", "orderLine")
        return cls(errors=[], review=services.review_create(author, line, rating=rating, text=text or ""))


class ReviewHide(ReviewMutation):
    """An operator hides an abusive review; it leaves the shop's and product's ratings."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        permissions = (ReviewPermissions.MANAGE_REVIEWS,)

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        review = get_node_or_error(Review, id, "Review")
        return cls(errors=[], review=services.review_hide(review, actor=requestor(info), reason=reason))


class ReviewMutations(graphene.ObjectType):
    review_create = ReviewCreate.Field()
    review_hide = ReviewHide.Field()
