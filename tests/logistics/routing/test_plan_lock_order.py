"""The day's lock comes first in every write of a day's plan (logistics.routing.services' lock order):
a re-plan or a stop pin that arrives while the day is being dispatched waits for the dispatch, then
is refused ALREADY_DISPATCHED, and writes nothing (before, each saw "not dispatched" and wrote a
draft or a pin for a day whose vans had left)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from logistics.routing.models import PlanState, RoutePlan, StopLock
from logistics.routing.services import route_plan_create, route_plan_dispatch, route_stop_lock
from meidu.core.errors import DomainError
from tests.logistics.routing.test_plans import demands, dispatcher, fleet  # noqa: F401 - fixtures
from tests.support.races import holding, in_background

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("late", ["re_plan", "stop_pin"])
def test_a_write_arriving_during_dispatch_waits_then_is_refused(fleet, dispatcher, late):  # noqa: F811
    today = timezone.localdate()
    wanted = demands()
    plan = route_plan_create(today, wanted, actor=dispatcher, seconds=0.3)
    calls = {
        "re_plan": lambda: route_plan_create(today, wanted, actor=dispatcher, seconds=0.3),
        "stop_pin": lambda: route_stop_lock(today, wanted[0].key, fleet[0], actor=dispatcher),
    }
    with holding(lambda: route_plan_dispatch(plan, actor=dispatcher)):
        waiting = in_background(calls[late])
        assert waiting.running_after(1.0)  # queued behind the dispatch's day lock
    with pytest.raises(DomainError) as refused:
        waiting.result()
    assert refused.value.code == "already_dispatched"
    assert list(RoutePlan.objects.values_list("state", flat=True)) == [PlanState.DISPATCHED]
    assert not StopLock.objects.exists()


def test_a_dispatch_arriving_during_a_re_plan_dispatches_nothing_superseded(fleet, dispatcher):  # noqa: F811
    today = timezone.localdate()
    wanted = demands()
    first = route_plan_create(today, wanted, actor=dispatcher, seconds=0.3)
    with holding(lambda: route_plan_create(today, wanted, actor=dispatcher, seconds=0.3)):
        waiting = in_background(lambda: route_plan_dispatch(first, actor=dispatcher))
        assert waiting.running_after(1.0)
    with pytest.raises(DomainError) as refused:
        waiting.result()
    assert refused.value.code == "already_dispatched"
    assert sorted(RoutePlan.objects.values_list("state", flat=True)) == [PlanState.DRAFT, PlanState.SUPERSEDED]
