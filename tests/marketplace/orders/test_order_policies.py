"""marketplace.orders.policies: every rule's allow/deny matrix, actor kinds x order statuses.

The matrix is written out here (not derived from state.TRANSITIONS), so a change to the state
machine or to who may act shows up as a failing cell."""

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.orders import policies
from marketplace.orders.models import Fulfillment, OrderStatus
from meidu.accounts.roles import Role
from meidu.core.permissions import AccountPermissions, OrderPermissions
from meidu.integrations.services.apps import app_create
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.factories import open_shop

S = OrderStatus
ALL = list(S)
MANAGERS = {"owner", "operator", "orders_app"}
ACTORS = ["anonymous", "buyer", "other_buyer", "rival_seller", "driver", "owner", "operator", "orders_app", "other_app"]


@pytest.fixture
def placed(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE")
    return order


@pytest.fixture
def actors(make_user, buyer, pears):
    operator = make_user(Role.OPERATOR)
    rival = make_user()
    open_shop(rival)
    orders_app, _raw = app_create(name="ERP", permissions=[OrderPermissions.MANAGE_ORDERS], actor=operator)
    other_app, _raw = app_create(name="CRM", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    return {
        "anonymous": AnonymousUser(),
        "buyer": buyer,
        "other_buyer": make_user(),
        "rival_seller": rival,
        "driver": make_user(Role.DRIVER),
        "owner": pears["owner"],
        "operator": operator,
        "orders_app": orders_app,
        "other_app": other_app,
    }


def matrix(rule, actors, order):
    """{(actor, status): answer} for every actor kind and every status."""
    answers = {}
    for status in ALL:
        order.status = status
        for name in ACTORS:
            answers[name, status] = rule(actors[name], order)
    return answers


def expected(allow):
    return {(name, status): bool(allow(name, status)) for status in ALL for name in ACTORS}


def test_buyer_and_managers(placed, actors):
    for name in ACTORS:
        assert policies.order_is_buyer(actors[name], placed) == (name == "buyer")
        assert policies.order_may_manage(actors[name], placed) == (name in MANAGERS)


def test_view(placed, actors):
    assert matrix(policies.order_may_view, actors, placed) == expected(
        lambda name, status: name in MANAGERS | {"buyer"}
    )


def test_confirm(placed, actors):
    assert matrix(policies.order_may_confirm, actors, placed) == expected(
        lambda name, status: name in MANAGERS and status == S.UNCONFIRMED
    )


def test_fulfill_includes_the_implicit_confirmation(placed, actors):
    assert matrix(policies.order_may_fulfill, actors, placed) == expected(
        lambda name, status: name in MANAGERS and status in (S.UNCONFIRMED, S.UNFULFILLED, S.PARTIALLY_FULFILLED)
    )


def test_cancel(placed, actors):
    assert matrix(policies.order_buyer_may_cancel, actors, placed) == expected(
        lambda name, status: name == "buyer" and status == S.UNCONFIRMED
    )
    assert matrix(policies.order_may_cancel, actors, placed) == expected(
        lambda name, status: (
            (name == "buyer" and status == S.UNCONFIRMED)
            or (name in MANAGERS and status in (S.UNCONFIRMED, S.UNFULFILLED))
        )
    )


def test_confirm_receipt(placed, actors):
    assert matrix(policies.order_may_confirm_receipt, actors, placed) == expected(
        lambda name, status: name == "buyer" and status == S.FULFILLED
    )


def test_refund(placed, actors):
    assert matrix(policies.order_may_refund, actors, placed) == expected(
        lambda name, status: name in MANAGERS and status != S.CANCELED
    )


def test_return(placed, actors):
    assert matrix(policies.order_may_return, actors, placed) == expected(
        lambda name, status: name in MANAGERS and status in (S.FULFILLED, S.DELIVERED, S.PARTIALLY_RETURNED)
    )


def test_county_drivers(actors):
    drivers = {name for name in ACTORS if policies.order_is_county_driver(actors[name])}
    assert drivers == {"driver", "operator"}  # an app or a seller is never a driver


def test_hand_over_of_a_parcel_sent_by_the_shop(placed, actors):
    """Not on the county's runs: only the shop and operators, and only once shipped."""
    assert matrix(policies.order_may_hand_over, actors, placed) == expected(
        lambda name, status: name in MANAGERS and status == S.FULFILLED
    )


def test_hand_over_of_a_parcel_on_the_county_run(placed, actors):
    Fulfillment.objects.create(order=placed, fulfillment_order=1, local_delivery=True)
    assert matrix(policies.order_may_hand_over, actors, placed) == expected(
        lambda name, status: name in MANAGERS | {"driver"} and status == S.FULFILLED
    )
    placed.status = S.UNFULFILLED
    assert {name for name in ACTORS if policies.order_may_hand_over_as(actors[name], placed)} == MANAGERS | {"driver"}
