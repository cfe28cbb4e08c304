"""The online agricultural fair: staff open it, a shop's member applies with the shop's products, staff
approve (each step an event row); a fair that is over refuses applications; fair sales are counted per
stall from the orders of its products during the fair."""

import datetime as dt

import pytest
from django.utils import timezone

from incubator.fairs.models import Fair, FairStall
from incubator.fairs.selectors import fair_phase, fair_sales, stall_list, stalls_by_town
from incubator.fairs.services import fair_open, stall_apply, stall_decide
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import placed_orders

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def fair(operator):
    return fair_open(operator, title="南果梨丰收节", theme="产地直发", starts_on=days(-1), ends_on=days(5))


def test_a_stall_is_applied_for_approved_and_its_sales_counted(fair, operator, pears, make_user, rural, zones):
    stall = stall_apply(pears["owner"], fair, shop=pears["shop"], products=[pears["product"]], pitch="自家果园")
    assert stall.status == "applied" and stall_list(fair) == []
    stall_decide(operator, stall, approve=True)
    assert [s.pk for s in stall_list(fair)] == [stall.pk]
    assert list(stall.events.values_list("status", flat=True)) == ["applied", "approved"]
    placed_orders(make_user(), rural, [(pears["variant"], 3)], key="fair-1")
    totals = fair_sales(fair, stall_list(fair))
    assert totals[stall.pk]["orders"] == 1 and totals[stall.pk]["quantity"] == 3
    assert stalls_by_town(stall_list(fair))[0][1][0].pk == stall.pk


def test_refusals(fair, operator, pears, cooker, make_user):
    with pytest.raises(DomainError) as stranger:
        stall_apply(make_user(), fair, shop=pears["shop"], products=[pears["product"]])
    assert stranger.value.code == "not_found"
    with pytest.raises(DomainError) as foreign:
        stall_apply(pears["owner"], fair, shop=pears["shop"], products=[cooker["product"]])
    assert foreign.value.code == "product_not_of_shop"
    with pytest.raises(DomainError) as empty:
        stall_apply(pears["owner"], fair, shop=pears["shop"], products=[])
    assert empty.value.code == "invalid"
    assert not FairStall.objects.exists()
    stall = stall_apply(pears["owner"], fair, shop=pears["shop"], products=[pears["product"]])
    with pytest.raises(DomainError) as twice:
        stall_apply(pears["owner"], fair, shop=pears["shop"], products=[pears["product"]])
    assert twice.value.code == "already_applied"
    stall_decide(operator, stall, approve=False)
    with pytest.raises(DomainError) as decided:
        stall_decide(operator, stall, approve=True)
    assert decided.value.code == "stall_not_applied"


def test_a_fair_that_is_over_refuses_stalls_and_reads_over(fair, pears):
    Fair.objects.filter(pk=fair.pk).update(starts_on=days(-10), ends_on=days(-1))
    fair.refresh_from_db()
    assert fair_phase(fair) == "over"
    with pytest.raises(DomainError) as closed:
        stall_apply(pears["owner"], fair, shop=pears["shop"], products=[pears["product"]])
    assert closed.value.code == "fair_closed"
    assert not FairStall.objects.exists()


@pytest.mark.parametrize(
    "title, start, end, code",
    [
        ("", 0, 3, "required"),
        ("农展\x00", 0, 3, "invalid"),
        ("农展", 3, 1, "fair_dates"),
        ("农展", -9, -2, "fair_dates"),
        ("农" * 81, 0, 1, "invalid"),
        ("农展", 0, 200, "fair_dates"),
    ],
)
def test_bad_fairs_are_refused(operator, title, start, end, code):
    with pytest.raises(DomainError) as refused:
        fair_open(operator, title=title, theme="", starts_on=days(start), ends_on=days(end))
    assert refused.value.code == code
    assert not Fair.objects.exists()
