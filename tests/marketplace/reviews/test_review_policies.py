"""marketplace.reviews.policies: the buyer reviews a delivered line; operators moderate (actor
kinds x delivery states). Unsaved order and line rows: the rules read their fields."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from marketplace.orders.models import Order, OrderLine
from marketplace.reviews import policies
from meidu.accounts.roles import Role
from meidu.core.permissions import AccountPermissions, ReviewPermissions
from meidu.integrations.services.apps import app_create

ACTORS = ["anonymous", "buyer", "other_buyer", "owner", "operator", "reviews_app", "other_app"]


@pytest.fixture
def actors(make_user, buyer, pears):
    operator = make_user(Role.OPERATOR)
    reviews_app, _raw = app_create(name="Moderation", permissions=[ReviewPermissions.MANAGE_REVIEWS], actor=operator)
    other_app, _raw = app_create(name="CRM", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    return {
        "anonymous": AnonymousUser(),
        "buyer": buyer,
        "other_buyer": make_user(),
        "owner": pears["owner"],
        "operator": operator,
        "reviews_app": reviews_app,
        "other_app": other_app,
    }


STATES = {  # (delivered, units shipped) -> may the buyer review
    (False, 0): False,
    (False, 1): False,
    (True, 0): False,
    (True, 1): True,
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_write(actors, buyer, pears, state):
    delivered, shipped = state
    order = Order(user=buyer, shop=pears["shop"], delivered_at=timezone.now() if delivered else None)
    line = OrderLine(order=order, quantity=1, quantity_fulfilled=shipped)
    assert {name for name in ACTORS if policies.review_is_line_buyer(actors[name], line)} == {"buyer"}
    assert policies.review_line_delivered(line) == STATES[state]
    assert {name for name in ACTORS if policies.review_may_write(actors[name], line)} == (
        {"buyer"} if STATES[state] else set()
    )


def test_moderate(actors):
    assert {name for name in ACTORS if policies.review_may_moderate(actors[name])} == {"operator", "reviews_app"}
