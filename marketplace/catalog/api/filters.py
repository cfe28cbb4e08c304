"""Saleor's product `where` (with AND/OR), the deprecated `filter`, `search` and `sortBy`."""

from __future__ import annotations

import graphene
from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from graphql import GraphQLError

from marketplace.catalog.selectors import (
    CHANNEL_LISTING,
    available_filter,
    category_descendant_ids,
    in_stock_filter,
    origin_town_filter,
    price_lookup,
    with_min_price,
)
from meidu.core.graphql.connection import SortKey
from meidu.core.graphql.ids import pks_from_global_ids
from meidu.core.search.spec import RANK as SEARCH_RANK

MAX_FILTER_ITEMS = 100


class StringFilterInput(graphene.InputObjectType):
    eq = graphene.String()
    one_of = graphene.List(graphene.NonNull(graphene.String))


class GlobalIDFilterInput(graphene.InputObjectType):
    eq = graphene.ID()
    one_of = graphene.List(graphene.NonNull(graphene.ID))


class DecimalRangeInput(graphene.InputObjectType):
    gte = graphene.Decimal()
    lte = graphene.Decimal()


class DecimalFilterInput(graphene.InputObjectType):
    eq = graphene.Decimal()
    one_of = graphene.List(graphene.NonNull(graphene.Decimal))
    range = graphene.Field(DecimalRangeInput)


class ProductWhereInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID))
    name = graphene.Field(StringFilterInput)
    slug = graphene.Field(StringFilterInput)
    category = graphene.Field(GlobalIDFilterInput)
    product_type = graphene.Field(GlobalIDFilterInput)
    shop = graphene.Field(GlobalIDFilterInput, description="Products of these shops.")
    is_available = graphene.Boolean()
    price = graphene.Field(DecimalFilterInput)
    in_stock = graphene.Boolean(description="Meidu extension: with units on hand (a search facet).")
    origin_town = graphene.String(description="Meidu extension: code of the town of origin (a search facet).")
    shop_kind = graphene.List(graphene.NonNull(graphene.String), description="Meidu extension: shop kinds.")
    rating = graphene.Field(DecimalRangeInput, description="Meidu extension: rating range (a search facet).")
    AND = graphene.List(graphene.NonNull(lambda: ProductWhereInput))
    OR = graphene.List(graphene.NonNull(lambda: ProductWhereInput))


class PriceRangeInput(graphene.InputObjectType):
    gte = graphene.Float()
    lte = graphene.Float()


class ProductFilterInput(graphene.InputObjectType):
    search = graphene.String()
    categories = graphene.List(graphene.NonNull(graphene.ID))
    product_types = graphene.List(graphene.NonNull(graphene.ID))
    price = graphene.Field(PriceRangeInput)


class ProductOrderField(graphene.Enum):
    NAME = "name"
    PRICE = "price"
    RANK = "rank"
    CREATED_AT = "created_at"
    RATING = "rating"


class OrderDirection(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


class ProductOrder(graphene.InputObjectType):
    field = graphene.Field(ProductOrderField, required=True)
    direction = graphene.Field(OrderDirection, required=True)


def _limited(values, name):
    values = list(values or [])
    if len(values) > MAX_FILTER_ITEMS:
        raise GraphQLError(f"`{name}` takes at most {MAX_FILTER_ITEMS} items.")
    return values


def _string(field: str, spec) -> Q:
    if spec.get("eq") is not None:
        return Q(**{field: spec["eq"]})
    if spec.get("one_of") is not None:
        return Q(**{f"{field}__in": _limited(spec["one_of"], field)})
    return Q()


def _ids(field: str, spec, type_name: str) -> list[int]:
    values = [spec["eq"]] if spec.get("eq") is not None else _limited(spec.get("one_of"), field)
    return [int(pk) for pk in pks_from_global_ids(values, type_name, field)]


def where_q(where: dict, channel) -> Q:
    """Translate a ProductWhereInput into a Q; every given field narrows (AND), OR lists widen."""
    q = Q()
    if where.get("ids") is not None:
        q &= Q(pk__in=[int(pk) for pk in pks_from_global_ids(_limited(where["ids"], "ids"), "Product", "ids")])
    if where.get("name"):
        q &= _string("name", where["name"])
    if where.get("slug"):
        q &= _string("slug", where["slug"])
    if where.get("category"):
        q &= Q(category_id__in=_ids("category", where["category"], "Category"))
    if where.get("product_type"):
        q &= Q(product_type_id__in=_ids("productType", where["product_type"], "ProductType"))
    if where.get("shop"):
        q &= Q(shop_id__in=_ids("shop", where["shop"], "MarketplaceShop"))
    if where.get("is_available") is not None:
        q &= available_filter(channel) if where["is_available"] else ~available_filter(channel)
    if where.get("price"):
        price = where["price"]
        if price.get("eq") is not None:
            q &= Q(**{price_lookup(): price["eq"]})
        if price.get("one_of") is not None:
            q &= Q(**{price_lookup("in"): _limited(price["one_of"], "price")})
        if price.get("range"):
            if price["range"].get("gte") is not None:
                q &= Q(**{price_lookup("gte"): price["range"]["gte"]})
            if price["range"].get("lte") is not None:
                q &= Q(**{price_lookup("lte"): price["range"]["lte"]})
    if where.get("in_stock") is not None:
        q &= in_stock_filter() if where["in_stock"] else ~in_stock_filter()
    if where.get("origin_town"):
        q &= origin_town_filter(where["origin_town"][:16])
    if where.get("shop_kind") is not None:
        q &= Q(shop__kind__in=_limited(where["shop_kind"], "shopKind"))
    if where.get("rating"):
        if where["rating"].get("gte") is not None:
            q &= Q(rating__gte=where["rating"]["gte"])
        if where["rating"].get("lte") is not None:
            q &= Q(rating__lte=where["rating"]["lte"])
    for part in _limited(where.get("AND"), "AND"):
        q &= where_q(part, channel)
    ors = _limited(where.get("OR"), "OR")
    if ors:
        any_of = Q()
        for part in ors:
            any_of |= where_q(part, channel)
        q &= any_of
    return q


def legacy_filter_q(spec: dict) -> Q:
    q = Q()  # its `search` is applied with the query's own (products_search), not as a filter
    if spec.get("categories"):
        ids = [
            int(pk) for pk in pks_from_global_ids(_limited(spec["categories"], "categories"), "Category", "categories")
        ]
        q &= Q(category_id__in=category_descendant_ids(ids))
    if spec.get("product_types"):
        q &= Q(
            product_type_id__in=[
                int(pk)
                for pk in pks_from_global_ids(
                    _limited(spec["product_types"], "productTypes"), "ProductType", "productTypes"
                )
            ]
        )
    if spec.get("price"):
        if spec["price"].get("gte") is not None:
            q &= Q(**{price_lookup("gte"): spec["price"]["gte"]})
        if spec["price"].get("lte") is not None:
            q &= Q(**{price_lookup("lte"): spec["price"]["lte"]})
    return q


def apply_sort(qs, sort_by: dict | None, search: str | None, *, listing_names: bool = False):
    """Order (and annotate) for the keyset paginator; RANK needs a search and is its default.
    ``listing_names``: sort NAME on the channel listing's copy of the name (its index walks one
    channel); callers who also see unlisted products (operators) sort on the product's name.
    ``qs`` None: only the sort keys (a compiled first page needs them, not the queryset)."""

    def annotated(**annotations):
        return None if qs is None else qs.annotate(**annotations)

    field = getattr(sort_by["field"], "value", sort_by["field"]) if sort_by else ("rank" if search else "name")
    descending = bool(sort_by and getattr(sort_by["direction"], "value", sort_by["direction"]) == "desc")
    if field == "rank":
        if not search:
            raise GraphQLError("Sorting by RANK is available only when using a search filter.")
        # search_rank: annotated by products_search (an integer). Best first unless ASC was asked for.
        return qs, [SortKey(SEARCH_RANK, descending=not (sort_by and not descending))]
    if field == "price":
        return (None if qs is None else with_min_price(qs)), [SortKey("min_price", descending)]
    if field == "rating":
        return annotated(rating_sort=Coalesce("rating", Value(0), output_field=IntegerField())), [
            SortKey("rating_sort", descending)
        ]
    if field == "created_at":
        return qs, [SortKey("created_at", descending)]
    if listing_names:
        return annotated(name_sort=F(f"{CHANNEL_LISTING}__product_name")), [SortKey("name_sort", descending)]
    return qs, [SortKey("name", descending)]
