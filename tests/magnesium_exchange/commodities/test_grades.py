"""Grades are assigned from an assay only when every bounded spec holds; quantities and prices follow steps
and ticks."""

from decimal import Decimal

import pytest

from magnesium_exchange.commodities.error_codes import ExchangeCommodityErrorCode as Code
from magnesium_exchange.commodities.models import Commodity, Grade
from magnesium_exchange.commodities.services import (
    commodities_seed,
    grade_assign,
    grade_create,
    price_check,
    quantity_check,
)
from meidu.core.errors import DomainError
from tests.magnesium_exchange.records_factories import FUSED_97_ASSAY, FUSED_98_ASSAY


def test_seed_creates_every_product_once(catalogue):
    assert set(catalogue) == {"fused-magnesia", "dead-burned", "light-burned", "magnesite-ore", "mgo-c-brick", "boron"}
    commodities_seed()
    assert Commodity.objects.count() == 6
    assert {"fm-97", "fm-98", "db-90", "db-95", "lb-85", "lb-90"} <= set(Grade.objects.values_list("code", flat=True))


def test_best_matching_grade_is_assigned(fused):
    assert grade_assign(fused, FUSED_98_ASSAY).code == "fm-98"
    assert grade_assign(fused, FUSED_97_ASSAY).code == "fm-97"
    # 98% MgO but too much silica for the 98 grade: falls to 97.
    assert grade_assign(fused, {**FUSED_98_ASSAY, "sio2": "0.900"}).code == "fm-97"


def test_dead_burned_and_light_burned_grades(catalogue):
    assert (
        grade_assign(
            catalogue["dead-burned"], {"mgo": "95.400", "sio2": "2.000", "cao": "1.500", "bulk_density": "3.300"}
        ).code
        == "db-95"
    )
    assert grade_assign(catalogue["light-burned"], {"mgo": "86.000", "sio2": "4.000", "cao": "1.800"}).code == "lb-85"


@pytest.mark.parametrize(
    "assay",
    [
        {"mgo": "95.000", "sio2": "0.400", "cao": "0.900", "fe2o3": "0.500", "bulk_density": "3.520"},  # MgO too low
        {"mgo": "98.200", "sio2": "0.400", "cao": "0.900", "fe2o3": "0.500"},  # bulk density bounded but not measured
        {
            "mgo": "98.200",
            "sio2": "3.000",
            "cao": "0.900",
            "fe2o3": "0.500",
            "bulk_density": "3.520",
        },  # silica too high
    ],
)
def test_assay_outside_every_grade_is_refused(fused, assay):
    with pytest.raises(DomainError) as exc:
        grade_assign(fused, assay)
    assert exc.value.code == Code.NO_MATCHING_GRADE.value


@pytest.mark.parametrize("assay", [{}, {"mgo": "abc"}, {"mgo": "101"}, {"mgo": "-1"}, {"tio2": "1"}, {"mgo": 97.5}])
def test_malformed_assay_is_refused(fused, assay):
    with pytest.raises(DomainError) as exc:
        grade_assign(fused, assay)
    assert exc.value.code == Code.INVALID_ASSAY.value


def test_quantity_step_minimum_and_three_decimals(catalogue):
    fused, bricks = catalogue["fused-magnesia"], catalogue["mgo-c-brick"]
    assert quantity_check(fused, "30") == Decimal("30")
    assert quantity_check(bricks, "2.5") == Decimal("2.5")
    for value, code in [
        ("30.5", Code.OFF_QUANTITY_STEP),
        ("5", Code.INVALID_QUANTITY),
        ("0", Code.INVALID_QUANTITY),
        ("10.0001", Code.INVALID_QUANTITY),
        ("x", Code.INVALID_QUANTITY),
        ("2.25", None),
    ]:
        target = bricks if code is None else fused
        with pytest.raises(DomainError) as exc:
            quantity_check(target, value)
        assert exc.value.code == (code or Code.OFF_QUANTITY_STEP).value


def test_price_tick(catalogue):
    bricks = catalogue["mgo-c-brick"]
    assert price_check(bricks, "5820") == Decimal("5820")
    with pytest.raises(DomainError) as exc:
        price_check(bricks, "5825")
    assert exc.value.code == Code.OFF_PRICE_TICK.value
    with pytest.raises(DomainError):
        price_check(bricks, "-10")


def test_grade_create_refuses_unknown_bounds(fused):
    with pytest.raises(DomainError) as exc:
        grade_create(fused, code="fm-x", name="x", tio2_max="1")
    assert exc.value.code == Code.INVALID.value


COMMODITIES = """
query { commodities { code name unit quantityStep priceTick kind
  grades { code name rank commodityCode spec { property label unit min max } } } }
"""


def test_commodities_query_is_public_and_batched(api_client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        data = api_client.execute(COMMODITIES)
    fused = next(c for c in data["commodities"] if c["code"] == "fused-magnesia")
    assert fused["unit"] == "t" and fused["quantityStep"] == "1.000"
    fm98 = next(g for g in fused["grades"] if g["code"] == "fm-98")
    assert {"property": "mgo", "label": "氧化镁 MgO", "unit": "%", "min": "98.000", "max": None} in fm98[
        "spec"
    ]  # zh-Hans by default


def test_commodity_grades_query(api_client, catalogue):
    data = api_client.execute('query { commodityGrades(commodity: "dead-burned") { code } }')
    assert [g["code"] for g in data["commodityGrades"]] == ["db-95", "db-90"]
    data = api_client.execute('query { commodityGrades(commodity: "nothing") { code } }')
    assert data["commodityGrades"] == []
