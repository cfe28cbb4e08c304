"""Cash on delivery from the door to the hub's till: collected by the driver (on the driver's cash
account), counted in, and the day closed; a difference needs its explanation, is written off to the
difference account and flagged; every posting balances and nothing is created or lost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from logistics.cash.models import CashDay
from logistics.cash.selectors import cash_held_by, cash_holders
from logistics.cash.services import cash_day_close, cash_hand_in
from marketplace.orders.services.delivery import order_handover
from marketplace.orders.services.lifecycle import order_fulfill
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerPosting
from tests.marketplace.checkout.helpers import placed_orders
from tests.support.buying import html, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(make_user, buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")], local_delivery=True)
    driver = make_user(Role.DRIVER)
    order_handover(order, actor=driver, cash_collected=True)
    order.refresh_from_db()
    return order, driver


def cod_postings_sum() -> Decimal:
    return LedgerPosting.objects.filter(account__code__startswith="cod:").aggregate(t=Sum("amount"))["t"]


def test_the_driver_holds_the_cash_until_it_is_counted_in(delivered, make_user):
    order, driver = delivered
    cashier = make_user(Role.OPERATOR)
    assert cash_held_by(driver) == order.total_amount > 0
    cash_hand_in(driver, str(order.total_amount), actor=cashier)
    closed = cash_day_close(driver, timezone.localdate(), actor=cashier)
    assert (closed.collected, closed.handed_in, closed.difference) == (order.total_amount, order.total_amount, 0)
    assert cash_held_by(driver) == 0 and cod_postings_sum() == 0


def test_a_shortage_needs_an_explanation_and_is_flagged(delivered, make_user):
    order, driver = delivered
    cashier = make_user(Role.OPERATOR)
    cash_hand_in(driver, str(order.total_amount - Decimal("5.00")), actor=cashier)
    with pytest.raises(DomainError) as refused:
        cash_day_close(driver, timezone.localdate(), actor=cashier, explanation="   ")
    assert refused.value.code == "explanation_required" and not CashDay.objects.exists()
    closed = cash_day_close(driver, timezone.localdate(), actor=cashier, explanation="找零时少收 5 元")
    assert closed.difference == Decimal("5.00") and closed.flagged
    assert cash_held_by(driver) == 0 and cod_postings_sum() == 0
    with pytest.raises(DomainError) as again:
        cash_day_close(driver, timezone.localdate(), actor=cashier)
    assert again.value.code == "already_closed" and CashDay.objects.count() == 1


@pytest.mark.parametrize("amount", ["", "abc", "NaN", "Infinity", "1e30", "-3", "0", "1.234", "\x00"])
def test_bad_amounts_are_refused_and_nothing_moves(delivered, make_user, amount):
    order, driver = delivered
    before = LedgerPosting.objects.count()
    with pytest.raises(DomainError):
        cash_hand_in(driver, amount, actor=make_user(Role.OPERATOR))
    assert LedgerPosting.objects.count() == before and cash_held_by(driver) == order.total_amount


def test_the_till_page_counts_in_and_closes(delivered, make_user):
    order, driver = delivered
    cashier = login(make_user(Role.OPERATOR))
    page = html(cashier.get(reverse("station:cash")))
    assert driver.display_name in page and str(order.total_amount) in page
    cashier.post(reverse("station:cash_hand_in"), {"person": driver.pk, "amount": "1"})
    refused = cashier.post(reverse("station:cash_day_close"), {"person": driver.pk}, follow=True)
    assert not CashDay.objects.exists() and "说明" in html(refused)
    cashier.post(reverse("station:cash_day_close"), {"person": driver.pk, "explanation": "余款明早交"})
    assert CashDay.objects.get().difference == order.total_amount - 1
    [row] = cash_holders(timezone.localdate())
    assert row["closed"].flagged
    for role in (Role.DRIVER, Role.STATION_AGENT, Role.BUYER):
        assert login(make_user(role)).get(reverse("station:cash")).status_code == 403


def test_the_driver_sees_the_cash_to_hand_in(delivered):
    order, driver = delivered
    assert f"¥{order.total_amount}" in html(login(driver).get(reverse("station:runs")))
