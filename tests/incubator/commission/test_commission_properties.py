"""Property: random sequences of orders through a distributor, deliveries, partial refunds, returns
(a full refund after delivery), after-sales windows closing and weekly settlements keep the money
exact: every posting set sums to zero, supplier + distributor + platform = what the buyer paid (to
the fen) for every order, no commission survives a full refund, no distributor balance differs from
its postings, and a negative balance is never paid out. The same holds with a second level enabled
(the seller's inviter earning a capped share): both distributors' balances match their lines, and
no line is ever more than one level up."""

import itertools
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubator.commission.models import CommissionLine
from incubator.commission.services.lines import commission_earn_due
from incubator.commission.services.settings import commission_settings_change
from marketplace.inventory.services import stock_receive
from marketplace.orders.models import OrderStatus
from marketplace.orders.services.lifecycle import order_refund, order_return
from marketplace.settlement.models import Payout, PayoutPurpose
from marketplace.settlement.services.payouts import payout_batch_create
from meidu.core.errors import DomainError
from meidu.core.money import quantize
from tests.support.commission import (
    assert_distributor_balances_match_lines,
    assert_every_transaction_balances,
    delivered,
    fresh,
    order_split,
)
from tests.support.distribution import invite, resale_orders

ZERO = Decimal("0.00")
RETURNABLE = (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED)
FRACTIONS = [Decimal("0.1"), Decimal("0.333"), Decimal("0.5"), Decimal("1")]

step = st.one_of(
    st.tuples(st.just("order"), st.integers(1, 3)),
    st.tuples(st.just("deliver"), st.integers(0, 5)),
    st.tuples(st.just("refund"), st.integers(0, 5), st.sampled_from(FRACTIONS)),
    st.tuples(st.just("return"), st.integers(0, 5)),
    st.tuples(st.just("window"), st.just(0)),
    st.tuples(st.just("settle"), st.just(0)),
)


@pytest.fixture
def world(buyer, rural, coop, distributor, pick, rules):
    warehouse = coop["shop"].warehouses.first()
    stock_receive(warehouse, coop["variant"], actor=coop["owner"], quantity=1000, note="property test")
    return {"buyer": buyer, "rural": rural, "coop": coop, "distributor": distributor, "weeks": itertools.count(1)}


def check(orders, shop_id, inviter_id=None):
    assert_every_transaction_balances()
    for order in orders:
        order = fresh(order)
        split = order_split(order)
        net = order.charged_amount - order.refunded_amount
        assert sum(split.values()) == net, (order.number, split, net)
        assert split["platform"] >= 0 and split["distributor"] >= 0 and split["supplier"] >= 0
        if net == 0:
            assert split["distributor"] == 0
            assert not CommissionLine.objects.filter(order=order, pending_amount__gt=0).exists()
            assert not CommissionLine.objects.filter(order=order, earned_amount__gt=0).exists()
    assert_distributor_balances_match_lines(shop_id)
    if inviter_id is not None:
        assert_distributor_balances_match_lines(inviter_id)
        assert set(CommissionLine.objects.values_list("level", "distributor_id")) <= {(1, shop_id), (2, inviter_id)}
    assert not Payout.objects.filter(purpose=PayoutPurpose.COMMISSION, amount__lte=0).exists()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=7))
def test_random_histories_keep_the_money_exact(world, steps):
    # each history in a savepoint rolled back at its end: histories are independent (and a refused
    # one cannot break the next)
    with transaction.atomic():
        run_history(world, steps)
        transaction.set_rollback(True)


@pytest.fixture
def world_two_levels(world, operator, inviter):
    invite(inviter["link"], world["distributor"])
    commission_settings_change(actor=operator, levels="2", second_level_rate_percent="35", reason="法务审查")
    return {**world, "inviter_id": inviter["shop"].pk}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=7))
def test_random_histories_keep_the_money_exact_with_a_second_level(world_two_levels, steps):
    with transaction.atomic():
        run_history(world_two_levels, steps)
        assert CommissionLine.objects.filter(level=2).exists()  # the second level was really exercised
        transaction.set_rollback(True)


def run_history(world, steps):
    coop, shop = world["coop"], world["distributor"]["shop"]
    orders = []
    for action, *args in steps:
        if action == "order" or not orders:
            quantity = args[0] if action == "order" else 1
            [order] = resale_orders(
                world["buyer"],
                world["rural"],
                shop,
                [(coop["variant"], quantity)],
                key=f"prop-{uuid.uuid4().hex}",
            )
            orders.append(order)
        elif action == "deliver":
            order = fresh(orders[args[0] % len(orders)])
            if (
                order.status in (OrderStatus.UNCONFIRMED, OrderStatus.UNFULFILLED)
                and order.charged_amount > order.refunded_amount
            ):
                # a part refunded before shipping still ships (the buyer paid for the order); one refunded
                # in full is refused (CANNOT_FULFILL_UNPAID_ORDER), writes nothing, and the money stays exact
                try:
                    with transaction.atomic():
                        delivered(order, coop["owner"], world["buyer"])
                except DomainError:
                    pass
        elif action == "refund":
            order = fresh(orders[args[0] % len(orders)])
            amount = quantize((order.charged_amount - order.refunded_amount) * args[1])
            if amount > 0 and order.status != OrderStatus.CANCELED:
                order_refund(order, amount, actor=coop["owner"], reason=action)
        elif action == "return":
            # one unit back through the orders' return (refunds its share); a return the order's state
            # or its earlier refunds refuse writes nothing, and the invariants still hold
            order = fresh(orders[args[0] % len(orders)])
            [line] = order.lines.all()
            if order.status in RETURNABLE and line.quantity_returned < line.quantity_fulfilled:
                try:
                    with transaction.atomic():
                        order_return(order, actor=coop["owner"], lines=[(line, 1)], reason="退货")
                except DomainError:
                    pass
        elif action == "window":
            commission_earn_due(timezone.now() + timezone.timedelta(days=30))
        elif action == "settle":
            payout_batch_create(timezone.localdate() + timezone.timedelta(days=7 * next(world["weeks"])))
        check(orders, shop.pk, world.get("inviter_id"))
