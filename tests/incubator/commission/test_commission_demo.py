"""The demo's month of commission: placed through the services, it leaves commission pending, earned,
clawed back and paid in the last complete week's batch, with the money exact; a second run adds nothing."""

import pytest
from django.db.models import Sum

from incubator.commission.demo_data import COMMISSION_DEMO_STEPS, DISTRIBUTOR_PHONE, PLAN, seed_commission_month
from incubator.commission.models import CommissionLine
from incubator.commission.selectors import distributor_earnings
from incubator.demo_data import INCUBATOR_DEMO_STEPS, seed_incubator
from marketplace.demo_data import marketplace_demo
from marketplace.demo_orders import ORDER_DEMO_STEPS, seed_demo_orders
from marketplace.shops.models import Shop
from meidu.accounts.roles import Role
from meidu.demo_data import DEMO_STEPS, seed_demo_users, seed_geography
from tests.support.commission import assert_distributor_balances_match_lines, assert_every_transaction_balances

pytestmark = pytest.mark.django_db


def test_a_month_of_commission_in_every_state(make_user, rural, coop, offer, distributor, pick, rules):
    buyer = make_user(Role.BUYER, phone="+8613800009001")
    assert seed_commission_month(distributor["owner"].phone, buyer.phone) == len(PLAN)
    shop = distributor["shop"]
    statuses = set(CommissionLine.objects.filter(distributor=shop).values_list("status", flat=True))
    assert statuses == {"paid", "earned", "clawed_back", "pending"}
    assert CommissionLine.objects.filter(distributor=shop).aggregate(c=Sum("clawed_back_amount"))["c"] > 0
    earnings = distributor_earnings(shop)
    assert earnings.paid > 0 and earnings.earned > 0 and earnings.pending > 0
    assert sum(1 for week in earnings.weeks if week.earned) >= 4
    assert_distributor_balances_match_lines(shop.pk)
    assert_every_transaction_balances()
    assert seed_commission_month(distributor["owner"].phone, buyer.phone) == 0


def test_the_demo_distributor_gets_its_month_on_the_demos_pool(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=3)
    for _label, step in ORDER_DEMO_STEPS:
        if step is not seed_demo_orders:
            step()
    seed_incubator()
    assert seed_commission_month() == len(PLAN)
    shop = Shop.objects.get(kind="distributor", members__user__phone=DISTRIBUTOR_PHONE)
    statuses = set(CommissionLine.objects.filter(distributor=shop).values_list("status", flat=True))
    assert {"paid", "earned", "pending"} <= statuses
    assert_distributor_balances_match_lines(shop.pk)
    assert_every_transaction_balances()
    assert COMMISSION_DEMO_STEPS[0] in DEMO_STEPS
    assert DEMO_STEPS.index(COMMISSION_DEMO_STEPS[0]) > DEMO_STEPS.index(INCUBATOR_DEMO_STEPS[-1])
