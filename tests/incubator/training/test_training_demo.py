"""The demo's training: three courses with lessons and mentors, trainees at each stage the demo's
marketplace reaches (enrolled, completed, shop opened, first sale), written in bulk and idempotent."""

import pytest

from incubator.training.demo_data import TRAINING_DEMO_STEPS, seed_training
from incubator.training.models import Certificate, Course, Enrolment
from incubator.training.selectors import training_funnel
from marketplace.demo_data import marketplace_demo
from marketplace.demo_orders import ORDER_DEMO_STEPS
from meidu.demo_data import DEMO_STEPS, seed_demo_users, seed_geography

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_demo_training_fills_the_funnel_once():
    # after the marketplace, whose shops, sales and payouts it reads
    assert DEMO_STEPS.index(TRAINING_DEMO_STEPS[0]) > DEMO_STEPS.index(ORDER_DEMO_STEPS[-1])
    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=1)
    for _, step in ORDER_DEMO_STEPS:
        step()
    written = seed_training()
    assert written == Enrolment.objects.count() > 60
    assert list(Course.objects.values_list("title", flat=True)) == ["电商入门", "直播带货", "农产品包装与品牌"]
    assert all(course.lessons.count() >= 3 and course.mentors.count() == 2 for course in Course.objects.all())
    by_month, totals = training_funnel()
    stage = {key: sum(row.counts[key] for row in totals) for key in totals[0].counts}
    assert stage["enrolled"] > stage["completed"] > stage["shop_opened"] >= stage["first_sale"] >= 1
    assert len({row.month for row in by_month}) >= 3  # three months of cohorts
    assert Certificate.objects.count() == Enrolment.objects.filter(completed_at__isnull=False).count()
    assert seed_training() == 0 and Enrolment.objects.count() == written
