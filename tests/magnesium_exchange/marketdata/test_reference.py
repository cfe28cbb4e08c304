"""The reference price in force, its fallback, and the operator's audited override."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.marketdata.models import ReferencePrice, ReferenceSource
from magnesium_exchange.marketdata.selectors import reference_price_for
from magnesium_exchange.marketdata.services import daily_bars_build, reference_price_set
from meidu.accounts.roles import Role
from meidu.core.audit.models import AuditEvent
from meidu.core.errors import DomainError
from tests.magnesium_exchange.marketdata.support import DAY, tape

pytestmark = pytest.mark.django_db


def test_the_reference_in_force_is_the_latest_published_before_the_day(grades):
    fm97 = grades["fm-97"]
    assert reference_price_for(fm97, DAY) is None
    tape(fm97, DAY, [("3800.00", "10.000")])
    daily_bars_build(DAY)
    assert reference_price_for(fm97, DAY) is None  # published for DAY: in force from the next day
    assert reference_price_for(fm97, DAY + dt.timedelta(days=1)) == Decimal("3800.00")
    # Nothing built for the following days: the latest one before still governs.
    assert reference_price_for(fm97, DAY + dt.timedelta(days=10)) == Decimal("3800.00")
    assert reference_price_for(fm97.pk, DAY + dt.timedelta(days=1)) == Decimal("3800.00")


def test_operator_override_is_audited_and_kept_by_later_builds(grades, make_user):
    operator = make_user(Role.OPERATOR)
    fm97 = grades["fm-97"]
    tape(fm97, DAY, [("3800.00", "10.000")])
    daily_bars_build(DAY)
    row = reference_price_set(
        grade=fm97, day=DAY, price=Decimal("3750.00"), reason="成交量过小，参照市场调查价", actor=operator
    )
    assert (row.price, row.source, row.set_by) == (Decimal("3750.00"), ReferenceSource.OPERATOR, operator)
    event = AuditEvent.objects.get(action="exchange.reference_price_set")
    assert event.actor_user == operator
    assert event.data["previous"] == {"price": "3800.00", "source": "vwap"} and event.data["price"] == "3750.00"
    assert daily_bars_build(DAY).references_written == 0
    assert reference_price_for(fm97, DAY + dt.timedelta(days=1)) == Decimal("3750.00")
    # And a day without trades carries the operator's price.
    daily_bars_build(DAY + dt.timedelta(days=1))
    assert ReferencePrice.objects.get(grade=fm97, day=DAY + dt.timedelta(days=1)).price == Decimal("3750.00")


def test_an_operator_can_seed_a_grade_that_never_traded(grades):
    row = reference_price_set(grade=grades["ore-47"], day=DAY, price="520.00", reason="上市首日参考价")
    assert row.set_by is None and reference_price_for(grades["ore-47"], DAY + dt.timedelta(days=1)) == Decimal("520.00")


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"reason": " "}, "required"),
        ({"price": "0"}, "invalid_price"),
        ({"price": "12.345"}, "invalid_price"),
        ({"day": "tomorrow"}, "invalid_date"),
    ],
)
def test_override_refusals_write_nothing(grades, changes, code):
    kwargs = {"grade": grades["fm-97"], "day": DAY, "price": "3700.00", "reason": "测试"}
    kwargs.update(changes)
    if kwargs["day"] == "tomorrow":
        kwargs["day"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        reference_price_set(**kwargs)
    assert refused.value.code == code
    assert (
        not ReferencePrice.objects.exists()
        and not AuditEvent.objects.filter(action="exchange.reference_price_set").exists()
    )
