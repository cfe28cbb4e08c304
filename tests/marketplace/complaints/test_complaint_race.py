"""Complaint steps raced on separate database connections: two complaints filed at once keep one
open, and two resolutions with a refund at once move the money once."""

from decimal import Decimal

import pytest

from marketplace.complaints.models import Complaint, ComplaintEvent
from marketplace.complaints.services import complaint_create, complaint_resolve
from marketplace.orders.models import Order
from meidu.accounts.roles import Role
from tests.support.races import codes, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_complaints_at_once_keep_one_open(buyer, order):
    outcomes = race(
        *[
            lambda k=k: complaint_create(order, buyer=buyer, category="quality", description=f"第{k}次")
            for k in range(3)
        ]
    )
    assert codes(outcomes) == ["already_open", "already_open", "ok"]
    assert Complaint.objects.filter(order=order).count() == 1


def test_two_refunds_at_once_move_the_money_once(buyer, owner, order, make_user):
    complaint = complaint_create(order, buyer=buyer, category="quality", description="坏了")
    operator = make_user(Role.OPERATOR)
    outcomes = race(
        lambda: complaint_resolve(complaint, actor=owner, as_operator=False, resolution="refund", amount="10.00"),
        lambda: complaint_resolve(complaint, actor=operator, as_operator=True, resolution="refund", amount="10.00"),
    )
    assert codes(outcomes) == ["already_resolved", "ok"]
    assert Order.objects.get(pk=order.pk).refunded_amount == Decimal("10.00")
    assert ComplaintEvent.objects.filter(complaint=complaint, type="resolved").count() == 1
