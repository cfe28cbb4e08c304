"""The incubator demo (issue 16): 60 suppliers and cooperatives with offers, 100 distributors with the demo
distributor among them, picks within bounds, every offer lawful by the contract; quick and idempotent."""

import pytest

from incubator.demo_data import DISTRIBUTOR_PHONE, INCUBATOR_DEMO_STEPS, SUPPLIER_PHONE, seed_incubator
from incubator.distribution.models import DistributionPick
from incubator.referrals.models import ReferralLink
from incubator.supply.models import SupplyOffer
from incubator.supply.pricing import commission_amount
from incubator.supply.selectors import supply_offers_awaiting_review
from marketplace.demo_data import marketplace_demo
from marketplace.shops.models import Shop
from meidu.demo_data import DEMO_STEPS, seed_demo_users, seed_geography

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_the_pool_and_the_distributors_are_seeded_lawfully_and_once():
    assert all(step in DEMO_STEPS for step in INCUBATOR_DEMO_STEPS)
    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=3)
    made = seed_incubator()
    assert made >= 60
    suppliers = Shop.objects.filter(kind__in=["supplier", "cooperative"], supply_offers__isnull=False).distinct()
    assert suppliers.count() == 60
    assert Shop.objects.filter(kind="distributor").count() == 100
    demo_distributor = Shop.objects.get(kind="distributor", members__user__phone=DISTRIBUTOR_PHONE)
    assert demo_distributor.status == "active"
    assert Shop.objects.get(kind="supplier", members__user__phone=SUPPLIER_PHONE).supply_offers.exists()
    mine = DistributionPick.objects.filter(distributor_shop=demo_distributor)
    assert mine.filter(offer__variant__product__name__contains="梨").exists()
    assert ReferralLink.objects.filter(distributor_shop=demo_distributor).exists()
    names = " ".join(SupplyOffer.objects.values_list("variant__product__name", flat=True))
    for word in ["玉米", "南果梨", "猪", "米", "蘑", "蛋", "镁"]:
        assert word in names, word
    for offer in SupplyOffer.objects.all():
        assert offer.supply_price < offer.min_retail_price <= offer.suggested_retail_price <= offer.max_retail_price
        low = commission_amount(offer.commission_kind, offer.commission_value, offer.min_retail_price, 1)
        assert offer.supply_price + low <= offer.min_retail_price
    for pick in DistributionPick.objects.select_related("offer"):
        assert pick.offer.min_retail_price <= pick.retail_price <= pick.offer.max_retail_price
    assert supply_offers_awaiting_review().exists()
    assert seed_incubator() == 0
