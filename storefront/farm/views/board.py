"""The price board pages: today's board (phone first), an item's trend over 30/90/365 days with a
server-side SVG chart, the comparison of one item across markets, and the reporters' entry form.

The three public pages are shared by anonymous visitors (storefront/shell/page_cache.py) until a
price is reported or derived (FARM_PRICES) or the day turns."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from incubator.prices.selectors import (
    board_cells,
    item_trend,
    market_get,
    market_list,
    observation_list_latest,
    produce_item_get,
    produce_item_list,
)
from incubator.prices.services import observation_create
from meidu.core.cache_versions import FARM_PRICES
from meidu.core.errors import DomainError
from meidu.core.permissions import FarmPermissions
from meidu.integrations.services.apps import actor_has_permission
from storefront.farm.forms import ObservationForm, form_field
from storefront.farm.trend_chart import trend_chart
from storefront.shell.page_cache import cached_page

PERIODS = (30, 90, 365)


def board_rows(today):
    """[(item, [(market, cell or None)])] for the board and its feeds."""
    items = list(produce_item_list())
    markets = market_list()
    cells = board_cells(today)
    return items, markets, [(item, [(m, cells.get((item.pk, m.pk))) for m in markets]) for item in items]


@cached_page(FARM_PRICES)
def board(request):
    today = timezone.localdate()
    _items, markets, rows = board_rows(today)
    return render(
        request,
        "farm/board.html",
        {
            "rows": rows,
            "markets": markets,
            "today": today,
            "may_report": actor_has_permission(request.user, FarmPermissions.REPORT_PRICES),
        },
    )


@cached_page(FARM_PRICES)
def item_trend_page(request, code):
    item = produce_item_get(code)
    if item is None:
        raise Http404
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    today = timezone.localdate()
    markets = market_list()
    series = item_trend(item.pk, today, days)
    chart = trend_chart(series, markets, today, days)
    summary = []
    for market in markets:
        points = series.get(market.pk, [])
        if points:
            values = [price for _day, price in points]
            summary.append((market, points[-1], min(values), max(values), sum(values) / len(values)))
    return render(
        request,
        "farm/item.html",
        {
            "item": item,
            "days": days,
            "periods": PERIODS,
            "chart": chart,
            "summary": summary,
            "latest": observation_list_latest(item.pk, 10),
        },
    )


@cached_page(FARM_PRICES)
def compare(request):
    """Every item across the markets side by side: the latest price and its change at each."""
    today = timezone.localdate()
    _items, markets, rows = board_rows(today)
    return render(request, "farm/compare.html", {"rows": rows, "markets": markets, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def report(request):
    if not actor_has_permission(request.user, FarmPermissions.REPORT_PRICES):
        return render(request, "403.html", status=403)
    items, markets = list(produce_item_list()), market_list()
    form = ObservationForm(request.POST or None, items=items, markets=markets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item, market = produce_item_get(data["item"]), market_get(data["market"])
        try:
            observation = observation_create(
                request.user,
                item=item,
                market=market,
                day=data["day"],
                price=data["price"],
                unit=data["unit"],
                grade=data["grade"] or "",
                confirm=data["confirm"],
            )
        except DomainError as exc:
            field = form_field(exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Recorded: %(item)s %(price)s at %(market)s.")
                % {"item": item.name, "price": observation.price, "market": market.name},
            )
            return redirect("farm:report")
    return render(request, "farm/report.html", {"form": form}, status=400 if form.errors else 200)
