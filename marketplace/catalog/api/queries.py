"""Saleor's storefront catalogue queries: products, product, productVariant, categories, category, collections."""

from __future__ import annotations

from datetime import datetime

import graphene
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from graphql import GraphQLError

from marketplace.catalog.api.context import sees_all_products, use_channel
from marketplace.catalog.api.filters import (
    ProductFilterInput,
    ProductOrder,
    ProductWhereInput,
    apply_sort,
    legacy_filter_q,
    where_q,
)
from marketplace.catalog.api.types import (
    CategoryCountableConnection,
    CategoryType,
    ProductCountableConnection,
    ProductType_,
    ProductVariantType,
    product_columns,
)
from marketplace.catalog.error_codes import ProductErrorCode
from marketplace.catalog.models import Category, ProductVariant
from marketplace.catalog.selectors import (
    CHANNEL_LISTING,
    category_descendant_ids,
    product_suggestions_for,
    products_listed_for_search,
    products_search,
    products_search_page,
    products_visible,
    with_price_filter,
    with_thumbnail,
)
from marketplace.channels.models import Channel
from marketplace.checkout.availability import stocks_sellable_prefetch
from marketplace.shops.selectors import shop_ids_of_member
from meidu.core.errors import DomainError
from meidu.core.graphql.batching import batch_prefetch
from meidu.core.graphql.connection import (
    CountableConnection,
    SortKey,
    cursor_values,
    invalid_cursor,
    keyset_ordering,
    paginate,
    sort_keys,
)
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.selection import selected_fields
from meidu.core.search.spec import RANK as SEARCH_RANK
from meidu.core.search.spec import SearchUnavailable
from meidu.core.sql.compiled import CompiledQuery


def _plain_search(text, where, filter, sort_by, category_ids, public, kwargs) -> bool:
    """Whether the index alone answers: an anonymous buyer's search, no other filter, in rank order,
    paged forwards (products_search_page)."""
    if not text or not public or where or category_ids or kwargs.get("last") is not None or kwargs.get("before"):
        return False
    if filter and any(value for key, value in filter.items() if key != "search"):
        return False
    field = getattr(sort_by["field"], "value", sort_by["field"]) if sort_by else "rank"
    return field == "rank"


def resolve_product_list(
    info, channel=None, search=None, where=None, filter=None, sort_by=None, category_ids=None, **kwargs
):
    channel_obj = use_channel(info, channel)
    sees_all = sees_all_products(info)
    text = search or (filter or {}).get("search")
    # Every product of the page has the channel's listing only when the caller sees published ones alone.
    public = not sees_all and not shop_ids_of_member(info.context.user)
    if _plain_search(text, where, filter, sort_by, category_ids, public, kwargs):
        try:
            return _resolve_plain_search(info, channel_obj, text, sort_by, **kwargs)
        except SearchUnavailable:
            raise _search_unavailable() from None
    selected = frozenset(selected_fields(info, ("edges", "node")))
    if public and not (text or where or filter or category_ids):
        # The first page is compiled once per process (listing_page_rows); the queryset itself is
        # built only if something reads it (totalCount, a page after a cursor): building it was
        # ~1.5 ms of Python per request for nothing on a storefront's first page.
        sort = apply_sort(None, sort_by, None, listing_names=True)[1]

        def listing_queryset():
            visible = products_visible(channel_obj, sees_all=False, user=info.context.user, for_listing=True)
            return _listing_order(_listing_joins(visible, selected), selected, sort_by, None, True)[0]

        page_rows = listing_page_rows(channel_obj.pk, selected, sort_by, sort)
        return paginate(listing_queryset, info, ProductCountableConnection, sort=sort, page_rows=page_rows, **kwargs)
    if text and public:  # visibility from the search documents, not a join per match
        qs = products_listed_for_search(channel_obj)
    else:
        qs = products_visible(channel_obj, sees_all=sees_all, user=info.context.user, for_listing=True)
    qs = _listing_joins(qs, selected)
    if category_ids:
        qs = qs.filter(category_id__in=category_descendant_ids(category_ids))
    if where:
        qs = qs.filter(where_q(where, channel_obj))
    if filter:
        qs = qs.filter(legacy_filter_q(filter))
    if text:
        try:
            qs = products_search(qs, text)[0]
        except SearchUnavailable:
            raise _search_unavailable() from None
    qs, sort = _listing_order(qs, selected, sort_by, text, public)
    return paginate(qs, info, ProductCountableConnection, sort=sort, **kwargs)


def _listing_joins(qs, selected: frozenset[str]):
    """Before any filter (price filters read ``listed_min_price``): the channel's listing rides along
    in the page query (pricing and availability read it), so does the first photo when thumbnails are
    asked for (no prefetch of media rows)."""
    qs = with_price_filter(qs).select_related(CHANNEL_LISTING)
    if "thumbnail" in selected:
        qs = with_thumbnail(qs)
    return qs


def _listing_order(qs, selected: frozenset[str], sort_by, text, public: bool):
    """After the filters: the sort, and only the product columns the selected fields show."""
    qs, sort = apply_sort(qs, sort_by, text, listing_names=public)
    columns = product_columns(set(selected))
    if columns is not None:  # and the product's own columns the cursor is made of
        columns.update(key.field for key in sort if key.field in PRODUCT_SORT_COLUMNS)
        qs = qs.only(*columns)
    return qs, sort


_COMPILED_PAGES: dict[tuple, CompiledQuery] = {}


def listing_page_rows(channel_id: int, selected: frozenset[str], sort_by, sort):
    """``paginate``'s page query of a public listing (no search, filter or category; a first page),
    compiled once per process and shape (meidu.core.sql.compiled): building and compiling that
    queryset was ~2 ms of Python per request. The queryset stays the one ``resolve_product_list``
    builds (``_listing_joins`` and ``_listing_order`` over ``products_visible``): the build below is that code run with
    marker values, and CompiledQuery refuses it if its SQL depended on them."""
    field = getattr(sort_by["field"], "value", sort_by["field"]) if sort_by else None
    direction = getattr(sort_by["direction"], "value", sort_by["direction"]) if sort_by else None
    related = tuple(lookup for name, lookup in (ProductType_.batched_selects or {}).items() if name in selected)

    def rows(limit: int) -> list:
        key = (selected, field, direction, limit)
        compiled = _COMPILED_PAGES.get(key)
        if compiled is None:

            def build(channel_id, now):
                qs = products_visible(Channel(pk=channel_id), sees_all=False, user=None, for_listing=True, now=now)
                qs = _listing_order(_listing_joins(qs, selected), selected, sort_by, None, True)[0]
                if related:
                    qs = qs.select_related(*related)
                return qs.order_by(*keyset_ordering(sort_keys(sort)))[:limit]

            if len(_COMPILED_PAGES) >= 200:
                _COMPILED_PAGES.clear()
            compiled = _COMPILED_PAGES[key] = CompiledQuery(build, channel_id=int, now=datetime)
        return compiled(channel_id=channel_id, now=timezone.now())

    return rows


PRODUCT_SORT_COLUMNS = frozenset({"name", "created_at"})


def _resolve_plain_search(info, channel_obj, text, sort_by, **kwargs):
    """A plain search paged by the index (products_search_page): the page's products and the total
    come from one statement on the search documents; ``facets`` (when asked for) count over every
    match through ``products_search`` on the same visibility."""
    descending = not (sort_by and getattr(sort_by["direction"], "value", sort_by["direction"]) == "asc")
    after = None
    if kwargs.get("after"):
        values = cursor_values(kwargs["after"], 2, "after")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise invalid_cursor("after")  # (RANK, id): integers, or a forged cursor
        after = (values[0], values[1])
    # paginate refuses a negative or too large `first` below; the index is asked for a sane page meanwhile.
    size = max(0, min(kwargs.get("first") or settings.GRAPHQL_PAGE_MAX, settings.GRAPHQL_PAGE_MAX))
    page_qs, total = products_search_page(channel_obj, text, size=size + 1, after=after, descending=descending)
    page_qs = with_price_filter(page_qs).select_related(CHANNEL_LISTING)
    if "thumbnail" in selected_fields(info, ("edges", "node")):
        page_qs = with_thumbnail(page_qs)
    sort = [SortKey(SEARCH_RANK, descending=descending)]
    connection = paginate(page_qs, info, ProductCountableConnection, sort=sort, **kwargs)
    connection.known_total = total
    if "facets" in selected_fields(info):  # they count over every match, not over the page
        connection.queryset = products_search(products_listed_for_search(channel_obj), text)[0]
    return connection


def _search_unavailable() -> DomainError:
    """Elasticsearch is down and no fallback is configured: a code, not a server error."""
    return DomainError(
        _("Search is unavailable at the moment. Please try again shortly."),
        ProductErrorCode.SEARCH_UNAVAILABLE,
        field="search",
    )


def _single(info, obj, node_type):
    if obj is not None:
        batch_prefetch([obj], info, node_type)
    return obj


class CollectionType(graphene.ObjectType):
    """Saleor's collections; curated collections come with the search issue."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    slug = graphene.String(required=True)

    class Meta:
        name = "Collection"


class CollectionCountableConnection(CountableConnection):
    class Meta:
        node = CollectionType


class CatalogQueries(graphene.ObjectType):
    products = graphene.relay.ConnectionField(
        ProductCountableConnection,
        channel=graphene.String(),
        search=graphene.String(),
        where=ProductWhereInput(),
        filter=ProductFilterInput(deprecation_reason="Use `where` and `search`."),
        sort_by=ProductOrder(),
    )
    product = graphene.Field(ProductType_, id=graphene.ID(), slug=graphene.String(), channel=graphene.String())
    product_suggestions = graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(graphene.String))),
        text=graphene.String(required=True),
        channel=graphene.String(),
        description=(
            "Meidu extension: at most 10 product names for a search box, found by the prefix of a word, "
            "its pinyin or initials (ngl → 南果梨) or a synonym (苞米 → 玉米)."
        ),
    )
    product_variant = graphene.Field(
        ProductVariantType, id=graphene.ID(), sku=graphene.String(), channel=graphene.String()
    )
    categories = graphene.relay.ConnectionField(CategoryCountableConnection, level=graphene.Int())
    category = graphene.Field(CategoryType, id=graphene.ID(), slug=graphene.String())
    collections = graphene.relay.ConnectionField(CollectionCountableConnection, channel=graphene.String())
    collection = graphene.Field(CollectionType, id=graphene.ID(), slug=graphene.String(), channel=graphene.String())

    @staticmethod
    def resolve_products(root, info, **kwargs):
        return resolve_product_list(info, **kwargs)

    @staticmethod
    def resolve_product_suggestions(root, info, text, channel=None):
        try:
            return product_suggestions_for(use_channel(info, channel), text)
        except SearchUnavailable:
            raise _search_unavailable() from None

    @staticmethod
    def resolve_product(root, info, id=None, slug=None, channel=None):
        if bool(id) == bool(slug):
            raise GraphQLError("Provide exactly one of `id` or `slug`.")
        channel_obj = use_channel(info, channel)
        qs = products_visible(channel_obj, sees_all=sees_all_products(info), user=info.context.user, for_listing=False)
        qs = qs.select_related("category", "shop", "product_type", CHANNEL_LISTING)
        product = qs.filter(pk=from_global_id_or_error(id, "Product")).first() if id else qs.filter(slug=slug).first()
        return _single(info, product, ProductType_)

    @staticmethod
    def resolve_product_variant(root, info, id=None, sku=None, channel=None):
        if bool(id) == bool(sku):
            raise GraphQLError("Provide exactly one of `id` or `sku`.")
        channel_obj = use_channel(info, channel)
        visible = products_visible(
            channel_obj, sees_all=sees_all_products(info), user=info.context.user, for_listing=False
        )
        qs = ProductVariant.objects.filter(product__in=visible).prefetch_related(
            "channel_listings", stocks_sellable_prefetch()
        )
        return qs.filter(pk=from_global_id_or_error(id, "ProductVariant")).first() if id else qs.filter(sku=sku).first()

    @staticmethod
    def resolve_categories(root, info, level=None, **kwargs):
        qs = Category.objects.all() if level is None else Category.objects.filter(level=level)
        return paginate(qs, info, CategoryCountableConnection, sort=[SortKey("slug")], **kwargs)

    @staticmethod
    def resolve_category(root, info, id=None, slug=None):
        if bool(id) == bool(slug):
            raise GraphQLError("Provide exactly one of `id` or `slug`.")
        return (
            Category.objects.filter(pk=from_global_id_or_error(id, "Category")).first()
            if id
            else Category.objects.filter(slug=slug).first()
        )

    @staticmethod
    def resolve_collections(root, info, channel=None, **kwargs):
        connection = CollectionCountableConnection(
            edges=[], page_info=graphene.relay.PageInfo(has_next_page=False, has_previous_page=False)
        )
        connection.queryset = Category.objects.none()  # totalCount: 0
        return connection

    @staticmethod
    def resolve_collection(root, info, **kwargs):
        return None
