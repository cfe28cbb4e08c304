"""Publish once, syndicate: the board, an item's trend and the open posts as RSS 2.0, Atom and JSON
Feed 1.1, so other county sites can carry them. Entry IDs are stable URNs: a price is named by its
item, market and day (urn:meidu:farm:price:pear:county-wholesale:2026-09-15), a post by its number
(urn:meidu:farm:post:42), so a reader that polls again sees an entry once."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from incubator.posts.selectors import post_list_open
from incubator.prices.models import PriceUnit
from incubator.prices.selectors import item_trend, market_list, produce_item_get
from storefront.farm.views.board import board_rows

FORMATS = {"rss": Rss201rev2Feed, "atom": Atom1Feed}
FEED_LIMIT = 100


def _when(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(18, 0), tzinfo=timezone.get_current_timezone())


def _render(request, fmt: str, title: str, link: str, entries: list[dict]):
    absolute = request.build_absolute_uri
    if fmt == "json":
        body = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": absolute(link),
            "feed_url": absolute(request.path),
            "items": [
                {
                    "id": e["id"],
                    "url": absolute(e["link"]),
                    "title": e["title"],
                    "content_text": e["text"],
                    "date_published": e["when"].isoformat(),
                }
                for e in entries
            ],
        }
        return JsonResponse(body, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})
    if fmt not in FORMATS:
        raise Http404
    feed = FORMATS[fmt](
        title=title,
        link=absolute(link),
        description=title,
        language=request.LANGUAGE_CODE,
        feed_url=absolute(request.path),
    )
    for e in entries:
        feed.add_item(
            title=e["title"],
            link=absolute(e["link"]),
            description=e["text"],
            unique_id=e["id"],
            unique_id_is_permalink=False,
            pubdate=e["when"],
            updateddate=e["when"],
        )
    return HttpResponse(feed.writeString("utf-8"), content_type=f"{feed.content_type}")


def _price_entry(item, market, day, price, extra: str = "") -> dict:
    unit = PriceUnit(item.unit).label
    return {
        "id": f"urn:meidu:farm:price:{item.code}:{market.code}:{day.isoformat()}",
        "link": reverse("farm:item", args=[item.code]),
        "title": f"{item.name} {price} {unit} · {market.name} · {day.isoformat()}",
        "text": f"{item.name} ({item.name_en}) {price} {unit}, {market.name}, {day.isoformat()}{extra}",
        "when": _when(day),
    }


def board_feed(request, fmt):
    _items, _markets, rows = board_rows(timezone.localdate())
    entries = [
        _price_entry(item, market, cell.day, cell.price)
        for item, cells in rows
        for market, cell in cells
        if cell is not None
    ]
    entries.sort(key=lambda e: e["when"], reverse=True)
    return _render(request, fmt, _("Farm prices today"), reverse("farm:board"), entries[:FEED_LIMIT])


def item_feed(request, code, fmt):
    item = produce_item_get(code)
    if item is None:
        raise Http404
    today = timezone.localdate()
    markets = {m.pk: m for m in market_list()}
    series = item_trend(item.pk, today, 30)
    entries = [
        _price_entry(item, markets[market_id], day, price)
        for market_id, points in series.items()
        for day, price in points
    ]
    entries.sort(key=lambda e: (e["when"], e["id"]), reverse=True)
    title = _("%(item)s prices, last 30 days") % {"item": item.name}
    return _render(request, fmt, title, reverse("farm:item", args=[item.code]), entries[:FEED_LIMIT])


def posts_feed(request, fmt):
    side = request.GET.get("side") if request.GET.get("side") in ("supply", "demand") else None
    posts = list(post_list_open(side=side)[:FEED_LIMIT])
    entries = []
    for post in posts:
        place = f"{post.town.name}{post.village.name if post.village_id else ''}"
        side_label = post.get_side_display()
        amount = f"{post.quantity.normalize():f} {post.get_quantity_unit_display()}"
        entries.append(
            {
                "id": f"urn:meidu:farm:post:{post.pk}",
                "link": reverse("farm:post", args=[post.pk]),
                "title": f"{side_label} {post.item.name} {amount} · {place}",
                "text": f"{side_label} {post.item.name}, {place}, {post.window_start} – {post.window_end}",
                "when": post.created_at,
            }
        )
    return _render(request, fmt, _("Open supply and demand posts"), reverse("farm:posts"), entries)
