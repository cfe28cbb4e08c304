"""The public price page: a table of grades and a server-rendered SVG chart per grade, in Chinese."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from magnesium_exchange.marketdata.services import daily_bars_build
from tests.magnesium_exchange.marketdata.support import tape

pytestmark = pytest.mark.django_db


@pytest.fixture
def traded(grades):
    today = timezone.localdate()
    for back in (3, 2, 1):
        day = today - dt.timedelta(days=back)
        tape(grades["fm-97"], day, [("3800.00", "20.000"), (f"{3800 + back * 10}.00", "10.000")])
        tape(grades["db-90"], day, [("1400.00", "30.000")])
        daily_bars_build(day)
    tape(grades["fm-97"], today, [("3900.00", "5.000")])
    return today


def test_price_page_is_public_and_in_chinese(traded):
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/exchange/prices/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "镁砂价格" in html and "最新价" in html and "参考价" in html
    assert 'data-grade="fm-97"' in html and "电熔镁砂 97" in html
    # fm-97: yesterday's VWAP (3800*20 + 3810*10) / 30 = 3803.33; last 3900.00 -> +96.67
    row = html.split('data-grade="fm-97"')[1].split("</tr>")[0]
    assert "3900.00" in row and "+96.67" in row and "3803.33" in row and "5.000" in row
    chart = html.split('id="chart-fm-97"')[1].split("</section>")[0]
    assert "<svg" in chart and chart.count('class="candle"') == 3 and "<polyline" in chart
    quiet = html.split('id="chart-ore-46"')[1].split("</section>")[0]
    assert "<svg" not in quiet and "暂无成交" in quiet


def test_price_page_query_count_does_not_grow_with_grades(traded, grades, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        Client().get("/exchange/prices/")
    for code in ("fm-98", "lb-85", "lb-90", "ore-47"):
        tape(grades[code], traded - dt.timedelta(days=1), [("900.00", "1.000")])
    daily_bars_build(traded - dt.timedelta(days=1))
    with django_assert_max_num_queries(6):
        assert Client().get("/exchange/prices/").status_code == 200


def test_price_page_renders_with_no_trades_at_all(catalogue):
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/exchange/prices/").content.decode()
    assert "<svg" not in html.split('class="grade-charts"')[1] and "暂无成交" in html


def test_price_page_in_english(traded):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/exchange/prices/").content.decode()
    assert "Magnesia prices" in html and "The last 30 days" in html and "Last price" in html
