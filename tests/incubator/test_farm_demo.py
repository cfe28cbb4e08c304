"""The demo's farm information: 12 items, 3 markets, a year of daily prices with pears cheapest at harvest,
40 open supply and 15 demand posts (matched), one fair in progress with stalls; quick, and a second run
writes nothing. The nightly derivation is a beat job, so it runs in the demo too."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from incubator.demo_farm import FARM_DEMO_STEPS
from incubator.fairs.models import Fair
from incubator.fairs.selectors import fair_phase
from incubator.posts.models import PostMatch
from incubator.posts.selectors import post_list_open
from incubator.prices.models import Market, PriceObservation, ProduceItem
from incubator.prices.selectors import item_trend
from logistics.geography.services import geography_load_county
from marketplace.demo_data import seed_farmer_shops, seed_marketplace_setup
from meidu.accounts.demo_data import seed_demo_users

pytestmark = pytest.mark.django_db


def test_the_demo_farm_information_is_seeded_quickly_once():
    geography_load_county()
    seed_demo_users()
    seed_marketplace_setup()
    seed_farmer_shops(products_per_shop=3)
    for _label, step in FARM_DEMO_STEPS:
        step()
    assert ProduceItem.objects.count() == 12 and Market.objects.count() == 3
    assert PriceObservation.objects.count() == 12 * 3 * 365
    pear = ProduceItem.objects.get(code="nanguo-pear")
    wholesale = Market.objects.get(code="county-wholesale")
    series = dict(item_trend(pear.pk, timezone.localdate(), 365)[wholesale.pk])
    by_month: dict[int, list] = {}
    for day, price in series.items():
        by_month.setdefault(day.month, []).append(price)
    average = {month: sum(prices) / len(prices) for month, prices in by_month.items()}
    assert min(average, key=average.get) in (9, 10)  # cheapest at harvest
    assert post_list_open(side="supply").count() == 40 and post_list_open(side="demand").count() == 15
    assert PostMatch.objects.exists()
    fair = Fair.objects.get()
    assert fair_phase(fair) == "open" and fair.stalls.filter(status="approved").exists()
    assert [step() for _label, step in FARM_DEMO_STEPS] == [0, 0, 0]
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/farm/").content.decode()
    assert "南果梨" in html and "生猪" in html and "元/头" in html


def test_the_nightly_derivation_is_a_beat_job():
    entry = settings.CELERY_BEAT_SCHEDULE["farm-prices-derive-daily"]
    assert entry["task"] == "incubator.prices.tasks.farm_prices_derive_daily"
    expire = settings.CELERY_BEAT_SCHEDULE["farm-posts-expire-due"]
    assert expire["task"] == "incubator.posts.tasks.farm_posts_expire_due"
