"""The public price page: every grade's last price, change and volume, with a candle chart of the
last days. Five queries whatever the number of grades (summaries: four; bars: one).

Anonymous visitors share one rendering (storefront/shell/page_cache.py) until a trade prints, a day's
bars or a reference price are published or the grades change (MAGNESIA_PRICES), or the day turns."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from magnesium_exchange.marketdata.selectors import daily_bar_series, market_grade_summaries
from meidu.core.cache_versions import MAGNESIA_PRICES
from storefront.exchange.price_chart import price_chart
from storefront.shell.page_cache import cached_page

CHART_DAYS = 30


@cached_page(MAGNESIA_PRICES)
@require_safe
def price_page(request):
    today = timezone.localdate()
    summaries = market_grade_summaries(today)
    series = daily_bar_series([summary.grade.pk for summary in summaries], CHART_DAYS, today)
    rows = [
        {
            "summary": summary,
            "chart": price_chart(series[summary.grade.pk], today, CHART_DAYS),
            "last_bar": (series[summary.grade.pk] or [None])[-1],
        }
        for summary in summaries
    ]
    return render(request, "exchange/prices.html", {"rows": rows, "today": today, "chart_days": CHART_DAYS})
