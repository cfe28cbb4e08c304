"""The demo's month of commission: placed through the services, it leaves commission pending, earned,
clawed back and paid in the last complete week's batch, with the money exact; a second run adds nothing."""

import time

from django.db.models import Sum

from incubator.commission.demo_data import PLAN, seed_commission_month
from incubator.commission.models import CommissionLine
from incubator.commission.selectors import distributor_earnings
from meidu.accounts.roles import Role
from tests.support.commission import assert_distributor_balances_match_lines, assert_every_transaction_balances


def test_a_month_of_commission_in_every_state(make_user, rural, coop, offer, distributor, pick, rules):
    buyer = make_user(Role.BUYER, phone="+8613800009001")
    started = time.perf_counter()
    assert seed_commission_month(distributor["owner"].phone, buyer.phone) == len(PLAN)
    elapsed = time.perf_counter() - started
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
    assert elapsed < 15
