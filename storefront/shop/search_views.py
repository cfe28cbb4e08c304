"""The buyer's search: results with facets (phone first), a "no results" page with related terms, and
the suggestions the search box of every shop page asks for as the buyer types (JSON, static JS)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from marketplace.catalog.selectors import (
    PRICE_BUCKETS,
    SEARCH_SORTS,
    category_get_by_slug,
    product_facets,
    product_search_for_page,
    product_suggestions_for,
    search_related_terms,
)
from marketplace.shops.models import ShopKind
from meidu.core.search.analysis import max_query_chars
from meidu.core.search.spec import SearchUnavailable
from storefront.shop.listing import CHANNEL_TABS, PAGE_SIZE, channel_from_request

# Longest text read from the address bar (the query itself is cut to SEARCH_MAX_QUERY_CHARS later).
MAX_PARAM = 200


def _param(request, name: str) -> str:
    return request.GET.get(name, "")[:MAX_PARAM].replace("\x00", "").strip()


def _int(value: str, low: int, high: int) -> int | None:
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def _price_label(i: int) -> str:
    edges = (None, *PRICE_BUCKETS, None)
    low, high = edges[i], edges[i + 1]
    if low is None:
        return _("Under ¥%(high)s") % {"high": high}
    if high is None:
        return _("¥%(low)s and up") % {"low": low}
    return _("¥%(low)s–%(high)s") % {"low": low, "high": high}


@require_safe
def search(request):
    channel = channel_from_request(request)
    text = _param(request, "q")
    sort = _param(request, "sort")
    sort = sort if sort in SEARCH_SORTS else "rank"
    category = category_get_by_slug(_param(request, "category")) if _param(request, "category") else None
    price = _int(_param(request, "price"), 0, len(PRICE_BUCKETS))
    town = _param(request, "town")[:16]
    kind = _param(request, "kind") if _param(request, "kind") in ShopKind.values else ""
    in_stock = _param(request, "stock") == "1"
    rating = _int(_param(request, "rating"), 1, 5)
    context = {
        "channel": channel,
        "channel_tabs": CHANNEL_TABS,
        "search": text,
        "sort": sort,
        "truncated": len(text) > max_query_chars(),
        "selected": {
            "category": category.slug if category else "",
            "price": "" if price is None else str(price),
            "town": town,
            "kind": kind,
            "stock": "1" if in_stock else "",
            "rating": "" if rating is None else str(rating),
        },
    }
    if not text:
        return render(request, "shop/search.html", {**context, "page": None, "facets": None})
    try:
        page_qs, matched, relaxed, query = product_search_for_page(
            channel,
            text,
            category=category,
            price_bucket=price,
            town=town,
            shop_kind=kind,
            in_stock=in_stock,
            min_rating=rating,
            sort=sort,
        )
        page = Paginator(page_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    except SearchUnavailable:
        context["unavailable"] = True
        return render(request, "shop/search.html", {**context, "page": None, "facets": None}, status=503)
    facets = product_facets(matched) if page.paginator.count else None
    if facets:
        for i, bucket in enumerate(facets["prices"]):
            bucket["index"], bucket["label"] = str(i), _price_label(i)
        kinds = dict(ShopKind.choices)
        for row in facets["shop_kinds"]:
            row["label"] = kinds.get(row["kind"], row["kind"])
    related = [] if page.paginator.count else search_related_terms(channel, text)
    return render(
        request,
        "shop/search.html",
        {
            **context,
            "page": page,
            "facets": facets,
            "relaxed": relaxed,
            "no_words": query.empty,
            "related": related,
        },
    )


@require_safe
def suggest(request):
    """At most ten product names for the search box (prefix, pinyin, initials, synonyms)."""
    channel = channel_from_request(request)
    text = _param(request, "q")
    try:
        suggestions = product_suggestions_for(channel, text) if text else []
    except SearchUnavailable:  # the box simply shows nothing; the search page says why
        suggestions = []
    response = JsonResponse({"suggestions": suggestions})
    response["Cache-Control"] = "public, max-age=60"
    return response
