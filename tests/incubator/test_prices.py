"""The price board's rules: units normalised on entry, wrong units and absurd values refused with a
code and nothing written, alerts firing once per crossing (notice and webhook), the nightly median
derived from the platform's own sales."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from incubator.prices.models import FarmNotice, PriceAlert, PriceAlertFiring, PriceObservation
from incubator.prices.services import alert_create, observation_create, prices_derive_day
from incubator.prices.units import pack_jin
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventPayload
from tests.incubator.farm_world import history
from tests.marketplace.checkout.helpers import placed_orders

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def report(officer, farm, price, unit="jin", **extra):
    return observation_create(
        officer,
        item=extra.pop("item", farm["pear"]),
        market=extra.pop("market", farm["wholesale"]),
        day=extra.pop("day", TODAY()),
        price=price,
        unit=unit,
        **extra,
    )


def test_a_price_per_kg_is_stored_per_jin(farm, pear_history, info_officer):
    observation = report(info_officer, farm, "5.20", "kg")
    assert observation.price == Decimal("2.60")
    assert (observation.entered_price, observation.entered_unit) == (Decimal("5.20"), "kg")
    assert observation.reporter == info_officer and observation.source == "reporter"


@pytest.mark.parametrize(
    "price, unit, code",
    [
        ("3000", "head", "wrong_unit"),  # pears are not sold per head
        ("26", "jin", "price_out_of_band"),  # ten times the recent median
        ("0.30", "jin", "price_out_of_band"),
        ("NaN", "jin", "invalid"),
        ("Infinity", "jin", "invalid"),
        ("1e30", "jin", "invalid"),
        ("-2", "jin", "invalid"),
        ("0", "jin", "invalid"),
        ("2.555", "jin", "invalid"),
        ("abc", "jin", "invalid"),
        ("2.50\x00", "jin", "invalid"),
        ("2.5", "ton", "invalid"),
    ],
)
def test_bad_prices_are_refused_with_a_code_and_nothing_written(farm, pear_history, info_officer, price, unit, code):
    before = PriceObservation.objects.count()
    with pytest.raises(DomainError) as refused:
        report(info_officer, farm, price, unit)
    assert refused.value.code == code
    assert PriceObservation.objects.count() == before


def test_an_absurd_price_is_kept_when_confirmed_and_marked(farm, pear_history, info_officer):
    observation = report(info_officer, farm, "26", confirm=True)
    assert observation.confirmed_outlier is True


def test_the_refusal_speaks_the_readers_language(farm, pear_history, info_officer):
    with override("zh-hans"), pytest.raises(DomainError) as zh:
        report(info_officer, farm, "26")
    with override("en"), pytest.raises(DomainError) as en:
        report(info_officer, farm, "26")
    assert "中位" in zh.value.message and "median" in en.value.message


def test_a_price_for_a_future_day_or_the_platform_market_is_refused(farm, info_officer):
    with pytest.raises(DomainError) as future:
        report(info_officer, farm, "2.5", day=TODAY() + dt.timedelta(days=1))
    assert future.value.code == "invalid" and future.value.field == "day"
    with pytest.raises(DomainError) as platform:
        report(info_officer, farm, "2.5", market=farm["platform"])
    assert platform.value.field == "market"
    assert not PriceObservation.objects.exists()


def test_a_head_item_takes_a_price_per_head(farm, info_officer):
    observation = report(info_officer, farm, "2100", "head", item=farm["pig"])
    assert observation.price == Decimal("2100.00")
    with pytest.raises(DomainError) as refused:
        report(info_officer, farm, "12", "jin", item=farm["pig"])
    assert refused.value.code == "wrong_unit"


def test_an_alert_fires_once_per_crossing_with_a_notice_and_a_webhook(
    farm, pear_history, info_officer, farmer, farm_alert_webhook
):
    alert = alert_create(farmer, item=farm["pear"], market=None, direction="above", threshold="3", unit="jin")
    assert alert.beyond is False
    report(info_officer, farm, "3.10")  # crosses: fires
    report(info_officer, farm, "3.20")  # still above: nothing
    report(info_officer, farm, "2.90")  # back below: re-armed
    report(info_officer, farm, "3.05")  # crosses again: fires
    alert.refresh_from_db()
    assert alert.fired_count == 2
    assert PriceAlertFiring.objects.filter(alert=alert).count() == 2
    notices = FarmNotice.objects.filter(user=farmer, kind="price_alert")
    assert notices.count() == 2
    assert notices.first().data["price"] == "3.05"
    payloads = EventPayload.objects.filter(event_type=WebhookEventType.FARM_PRICE_ALERT_FIRED.value)
    assert payloads.count() == 2


def test_an_alert_set_while_already_past_waits_for_the_next_crossing(farm, pear_history, info_officer, farmer):
    alert = alert_create(farmer, item=farm["pear"], market=None, direction="below", threshold="6", unit="kg")
    assert alert.threshold == Decimal("3.00") and alert.beyond is True  # 2.8 is already below 3
    report(info_officer, farm, "2.7")
    alert.refresh_from_db()
    assert alert.fired_count == 0


def test_a_back_dated_price_moves_no_alert(farm, pear_history, info_officer, farmer):
    alert = alert_create(farmer, item=farm["pear"], market=None, direction="above", threshold="3", unit="jin")
    report(info_officer, farm, "3.3", day=TODAY() - dt.timedelta(days=20))
    alert.refresh_from_db()
    assert alert.fired_count == 0


@pytest.mark.parametrize("threshold", ["NaN", "-1", "0", "1e30", "x"])
def test_bad_alert_thresholds_are_refused(farm, farmer, threshold):
    with pytest.raises(DomainError) as refused:
        alert_create(farmer, item=farm["pear"], market=None, direction="above", threshold=threshold, unit="jin")
    assert refused.value.code == "invalid"
    assert not PriceAlert.objects.exists()


def test_pack_weights_are_read_from_names():
    assert pack_jin("南果梨 5斤家庭装") == Decimal(5)
    assert pack_jin("干榛蘑 250克") == Decimal("0.500")
    assert pack_jin("大米 10kg") == Decimal(20)
    assert pack_jin("柴鸡蛋 30枚装") is None


def test_the_nightly_job_derives_the_median_of_the_platforms_sales(farm, make_user, rural, pears, zones):
    buyer = make_user()
    # 南果梨 sold by weight at 12.50 per 斤 (the test shop's produce type is priced per 斤)
    placed_orders(buyer, rural, [(pears["variant"], 2)], key="farm-1")
    assert prices_derive_day(TODAY()) == 1
    assert prices_derive_day(TODAY()) == 1  # again: replaces, never duplicates
    derived = PriceObservation.objects.get(market=farm["platform"], source="sales")
    assert (derived.item, derived.price, derived.sales_count) == (farm["pear"], Decimal("12.50"), 1)


def test_history_helper_builds_consecutive_days(farm):
    rows = history(farm["corn"], farm["town"], [1.1, 1.2])
    assert rows[1].day - rows[0].day == dt.timedelta(days=1)
