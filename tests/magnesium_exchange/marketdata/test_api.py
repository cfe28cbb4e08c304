"""marketGrades, dailyBars, referencePrice (public, anonymous) and referencePriceSet (operators)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.marketdata.models import ReferencePrice
from magnesium_exchange.marketdata.services import daily_bars_build
from meidu.accounts.roles import Role
from tests.magnesium_exchange.marketdata.support import tape
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

MARKET_GRADES = """
query { marketGrades { gradeCode gradeName commodityName currency lastPrice lastTradeAt referencePrice change
        changePercent volume tradeCount grade { code commodityCode } } }
"""
DAILY_BARS = """
query($grade: String!, $days: Int) { dailyBars(grade: $grade, days: $days) {
  date open high low close vwap volume turnover tradeCount } }
"""
REFERENCE = """
query($grade: String!, $date: Date) { referencePrice(grade: $grade, date: $date) {
  gradeCode publishedFor price source reason } }
"""
SET = """
mutation($grade: String!, $date: Date!, $price: Decimal!, $reason: String!) {
  referencePriceSet(grade: $grade, date: $date, price: $price, reason: $reason) {
    errors { field code message } referencePrice { gradeCode publishedFor price source reason } } }
"""


@pytest.fixture
def market(grades):
    """Yesterday fm-97 traded at a VWAP of 3800; today it trades at 3838 and 3990 (last)."""
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    tape(grades["fm-97"], yesterday, [("3790.00", "50.000"), ("3810.00", "50.000")])
    daily_bars_build(yesterday)
    tape(grades["fm-97"], today, [("3838.00", "20.000"), ("3990.00", "5.500")])
    return today, yesterday


def test_market_grades_is_public_with_last_price_change_and_volume(market, grades, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        data = GraphQLClient().execute(MARKET_GRADES)["marketGrades"]
    assert len(data) == len(grades)
    fm97 = next(row for row in data if row["gradeCode"] == "fm-97")
    assert fm97 == {
        "gradeCode": "fm-97",
        "gradeName": "电熔镁砂 97",
        "commodityName": "电熔镁砂",
        "currency": "CNY",
        "lastPrice": "3990.00",
        "lastTradeAt": fm97["lastTradeAt"],
        "referencePrice": "3800.00",
        "change": "190.00",
        "changePercent": "5.00",
        "volume": "25.500",
        "tradeCount": 2,
        "grade": {"code": "fm-97", "commodityCode": "fused-magnesia"},
    }
    quiet = next(row for row in data if row["gradeCode"] == "ore-46")
    assert (
        quiet["lastPrice"] is None
        and quiet["change"] is None
        and quiet["volume"] == "0.000"
        and quiet["tradeCount"] == 0
    )


def test_market_grades_costs_the_same_queries_with_more_grades(market, grades, django_assert_max_num_queries):
    for code in ("fm-98", "db-90", "lb-85", "ore-47"):
        tape(grades[code], market[0], [("1000.00", "1.000")])
    with django_assert_max_num_queries(6):
        GraphQLClient().execute(MARKET_GRADES)


def test_daily_bars_of_a_grade(market, django_assert_max_num_queries):
    today, yesterday = market
    daily_bars_build(today)
    with django_assert_max_num_queries(3):
        bars = GraphQLClient().execute(DAILY_BARS, {"grade": "fm-97", "days": 7})["dailyBars"]
    assert [bar["date"] for bar in bars] == [yesterday.isoformat(), today.isoformat()]
    assert bars[0] == {
        "date": yesterday.isoformat(),
        "open": "3790.00",
        "high": "3810.00",
        "low": "3790.00",
        "close": "3810.00",
        "vwap": "3800.00",
        "volume": "100.000",
        "turnover": "380000.00",
        "tradeCount": 2,
    }
    assert (
        GraphQLClient().execute(DAILY_BARS, {"grade": "fm-97", "days": 1})["dailyBars"][0]["date"] == today.isoformat()
    )
    assert GraphQLClient().execute(DAILY_BARS, {"grade": "nope"})["dailyBars"] == []


def test_reference_price_in_force(market):
    today, yesterday = market
    data = GraphQLClient().execute(REFERENCE, {"grade": "fm-97"})["referencePrice"]
    assert data == {
        "gradeCode": "fm-97",
        "publishedFor": yesterday.isoformat(),
        "price": "3800.00",
        "source": "vwap",
        "reason": "",
    }
    assert (
        GraphQLClient().execute(REFERENCE, {"grade": "fm-97", "date": yesterday.isoformat()})["referencePrice"] is None
    )
    assert GraphQLClient().execute(REFERENCE, {"grade": "nope"})["referencePrice"] is None


def test_operator_sets_a_reference_price(market, make_user):
    today, yesterday = market
    client = GraphQLClient(token_for(make_user(Role.OPERATOR)))
    data = client.execute(
        SET, {"grade": "fm-97", "date": yesterday.isoformat(), "price": "3780.00", "reason": "成交异常，人工校正"}
    )
    assert data["referencePriceSet"] == {
        "errors": [],
        "referencePrice": {
            "gradeCode": "fm-97",
            "publishedFor": yesterday.isoformat(),
            "price": "3780.00",
            "source": "operator",
            "reason": "成交异常，人工校正",
        },
    }
    assert GraphQLClient().execute(REFERENCE, {"grade": "fm-97"})["referencePrice"]["price"] == "3780.00"


@pytest.mark.parametrize(
    "variables, field, code",
    [
        ({"reason": ""}, "reason", "REQUIRED"),
        ({"price": "-5"}, "price", "INVALID_PRICE"),
        ({"grade": "nope"}, "grade", "NOT_FOUND"),
    ],
)
def test_reference_price_set_refusals_write_nothing(market, make_user, variables, field, code):
    client = GraphQLClient(token_for(make_user(Role.OPERATOR)))
    base = {"grade": "fm-97", "date": market[1].isoformat(), "price": "3780.00", "reason": "校正"}
    data = client.execute(SET, {**base, **variables})["referencePriceSet"]
    assert data["referencePrice"] is None and [(e["field"], e["code"]) for e in data["errors"]] == [(field, code)]
    assert ReferencePrice.objects.get(day=market[1]).price == Decimal("3800.00")


def test_reference_price_set_needs_an_operator(market, make_user):
    for client in (GraphQLClient(), GraphQLClient(token_for(make_user(Role.TRADER)))):
        response = client.post(
            SET, {"grade": "fm-97", "date": market[1].isoformat(), "price": "1.00", "reason": "x"}
        ).json()
        assert "MANAGE_EXCHANGE" in response["errors"][0]["message"]
    assert ReferencePrice.objects.get(day=market[1]).price == Decimal("3800.00")
