"""Exchange listings found through the shared search interface: by commodity or grade words
(Chinese, pinyin), by guaranteed spec (MgO ≥ x), by warehouse, by price cap."""

from decimal import Decimal

import pytest

from magnesium_exchange.commodities.models import GradeSearchDocument
from magnesium_exchange.trading.selectors import listing_search
from magnesium_exchange.trading.services import listing_open
from tests.magnesium_exchange.trading_factories import REFERENCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(market):
    seller = market.member("海城市华鑫镁业有限公司")
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal("3000"),
        receipts=[market.receipt(seller, "100.000")],
        reference_price_fallback=REFERENCE,
    )
    return listing


def test_every_grade_has_a_search_document(listed):
    assert GradeSearchDocument.objects.filter(vector__isnull=False).count() >= 10


@pytest.mark.parametrize("text", ["电熔镁砂", "电熔", "電熔鎂砂", "drms", "98", "镁砂 98", "dianrongmeisha"])
def test_words_find_the_listing_through_its_grade(listed, text):
    assert listed in list(listing_search(text))


def test_other_commodities_do_not_match(listed):
    assert listed not in list(listing_search("轻烧氧化镁"))
    assert list(listing_search("榴莲")) == []


def test_spec_warehouse_and_price_narrow_the_search(listed, market):
    assert listed in list(listing_search("电熔镁砂", mgo_min=Decimal("97")))
    assert listed not in list(listing_search("电熔镁砂", mgo_min=Decimal("99")))
    assert listed in list(listing_search("", warehouse_code="hc01"))
    assert listed not in list(listing_search("", warehouse_code="XX99"))
    assert listed not in list(listing_search("电熔镁砂", price_max=Decimal("2999")))


@pytest.mark.parametrize("text", ["", "!!!", "x" * 5000, "a:* & b", "🔥"])
def test_hostile_words_answer_sensibly(listed, text):
    assert isinstance(list(listing_search(text)), list)
