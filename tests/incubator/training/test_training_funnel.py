"""The staff's funnel counts each trainee at the furthest stage reached in order (enrolled →
completed → shop opened → first sale → first payout), read from real shops, orders and a paid payout
of the marketplace, per course and month, in a fixed number of queries whatever the number of
trainees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from incubator.training import services
from incubator.training.models import Enrolment
from incubator.training.selectors import training_funnel
from marketplace.settlement.selectors import shop_weekly_sales_by_kind
from marketplace.settlement.services.payouts import payout_batch_create, payout_mark_paid
from tests.incubator.training.courses import make_course
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.factories import open_shop
from tests.marketplace.settlement.journeys import released_at_store

pytestmark = pytest.mark.django_db


def _complete(user, course):
    services.course_enrol(user, course)
    for lesson in course.lessons.all():
        services.lesson_complete(user, lesson)


def _backdate(users, days: int):
    """The trainees enrolled (and completed) before their shops opened: the shops are the course's doing."""
    past = timezone.now() - timedelta(days=days)
    Enrolment.objects.filter(user__in=users).update(enrolled_at=past, completed_at=past + timedelta(hours=1))


def test_each_trainee_counts_up_to_the_stage_reached(make_user, buyer, rural, pears, cooker, rules, operator):
    course = make_course(2)
    only_enrolled, only_completed = make_user(), make_user()
    services.course_enrol(only_enrolled, course)
    for trainee in (only_completed, pears["owner"], cooker["owner"]):
        _complete(trainee, course)
    _backdate([pears["owner"], cooker["owner"]], days=40)
    # the pear farmer sold once; the store was paid out by the bank
    placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key="funnel-pears")
    released_at_store(buyer, rural, cooker)
    batch = payout_batch_create(timezone.localdate())
    payout_mark_paid(batch.payouts.get(shop=cooker["shop"]), actor=operator, bank_reference="ICBC-9")

    by_month, totals = training_funnel()
    [total] = totals
    assert total.counts == {"enrolled": 4, "completed": 3, "shop_opened": 2, "first_sale": 2, "first_payout": 1}
    months = {row.month: row.counts for row in by_month}
    this_month = timezone.localtime().strftime("%Y-%m")
    earlier = timezone.localtime(timezone.now() - timedelta(days=40)).strftime("%Y-%m")
    assert months[earlier] == {"enrolled": 2, "completed": 2, "shop_opened": 2, "first_sale": 2, "first_payout": 1}
    assert months[this_month] == {"enrolled": 2, "completed": 1, "shop_opened": 0, "first_sale": 0, "first_payout": 0}


def test_a_shop_opened_before_the_course_or_without_completing_does_not_count(make_user):
    course = make_course(1)
    had_shop_before, not_finished = make_user(), make_user()
    open_shop(had_shop_before)
    _complete(had_shop_before, course)  # enrolled after the shop opened
    services.course_enrol(not_finished, course)
    _backdate([not_finished], days=3)
    Enrolment.objects.filter(user=not_finished).update(completed_at=None)
    open_shop(not_finished)
    [total] = training_funnel()[1]
    assert total.counts == {"enrolled": 2, "completed": 1, "shop_opened": 0, "first_sale": 0, "first_payout": 0}


def test_the_funnel_costs_two_queries_whatever_its_size(make_user, django_assert_max_num_queries):
    courses = [make_course(1), make_course(1)]
    for n in range(3):
        services.course_enrol(make_user(), courses[n % 2])
    with django_assert_max_num_queries(2):
        training_funnel()
    for n in range(12):
        user = make_user()
        open_shop(user, active=n % 3 == 0)
        _complete(user, courses[n % 2])
    with django_assert_max_num_queries(2):
        by_month, totals = training_funnel()
    assert sum(row.counts["enrolled"] for row in totals) == 15
    assert {row.course_id for row in by_month} == {c.pk for c in courses}


def test_weekly_sales_per_shop_in_two_queries(buyer, rural, pears, cooker, django_assert_max_num_queries):
    """The console's table of shops and their weekly sales (marketplace selector): cancelled orders and
    shops of other kinds are left out; the week's total is the orders' totals."""
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE", key="week-1")
    with django_assert_max_num_queries(2):
        rows = shop_weekly_sales_by_kind(["microshop"], weeks=4)
    by_shop = {row["shop"].pk: row for row in rows}
    assert cooker["shop"].pk not in by_shop  # a store, not a microshop
    assert by_shop[pears["shop"].pk]["weeks"] == [order.total_amount, 0, 0, 0]
    assert by_shop[pears["shop"].pk]["total"] == order.total_amount
