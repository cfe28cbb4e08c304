"""marketplace.shops.policies: who acts for a shop, who sees it, who adds members, which status
allows which transition and catalogue edits (actor kinds x shop statuses)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.shops import policies
from marketplace.shops.models import ShopMemberRole, ShopStatus
from marketplace.shops.services import shop_member_add
from meidu.accounts.roles import Role
from meidu.core.permissions import AccountPermissions, ShopPermissions
from meidu.integrations.services.apps import app_create
from tests.marketplace.factories import open_shop

S = ShopStatus
ACTORS = ["anonymous", "stranger", "rival_owner", "assistant", "owner", "operator", "shops_app", "other_app"]


@pytest.fixture
def world(make_user):
    owner, assistant, rival, operator = make_user(), make_user(), make_user(), make_user(Role.OPERATOR)
    shop = open_shop(owner)
    open_shop(rival)
    shop_member_add(shop, assistant, role=ShopMemberRole.ASSISTANT, actor=owner)
    shops_app, _raw = app_create(name="Registry", permissions=[ShopPermissions.MANAGE_SHOPS], actor=operator)
    other_app, _raw = app_create(name="CRM", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    actors = {
        "anonymous": AnonymousUser(),
        "stranger": make_user(),
        "rival_owner": rival,
        "assistant": assistant,
        "owner": owner,
        "operator": operator,
        "shops_app": shops_app,
        "other_app": other_app,
    }
    return shop, actors


def fresh(actor):
    """Each question as on a new request (the membership memo lives on the user object)."""
    if hasattr(actor, "_shop_ids"):
        del actor._shop_ids
    return actor


def test_act_for_the_shop(world):
    shop, actors = world
    acting = {
        name for name in ACTORS if policies.shop_may_act(fresh(actors[name]), shop.pk, ShopPermissions.MANAGE_SHOPS)
    }
    assert acting == {"assistant", "owner", "operator", "shops_app"}
    # The memoised memberships are asked first; the answers stay the same.
    assert {
        name for name in ACTORS if policies.shop_may_act(actors[name], shop.pk, ShopPermissions.MANAGE_SHOPS)
    } == acting
    another = {
        name for name in ACTORS if policies.shop_may_act(fresh(actors[name]), shop.pk, AccountPermissions.MANAGE_USERS)
    }
    assert another == {"assistant", "owner", "operator", "other_app"}


@pytest.mark.parametrize("status", list(S))
def test_view(world, status):
    shop, actors = world
    shop.status = status
    seeing = {name for name in ACTORS if policies.shop_may_view(fresh(actors[name]), shop)}
    assert seeing == (set(ACTORS) if status == S.ACTIVE else {"assistant", "owner", "operator", "shops_app"})


def test_add_member(world):
    shop, actors = world
    assert {name for name in ACTORS if policies.shop_may_add_member(actors[name], shop)} == {
        "owner",
        "operator",
        "shops_app",
    }


TRANSITION_MATRIX = {
    "submit": {S.APPLIED, S.REJECTED},
    "approve": {S.IN_REVIEW},
    "reject": {S.IN_REVIEW},
    "suspend": {S.ACTIVE},
    "reinstate": {S.SUSPENDED},
    "close": {S.APPLIED, S.IN_REVIEW, S.ACTIVE, S.REJECTED, S.SUSPENDED},
    "explode": set(),
}


@pytest.mark.parametrize("action", sorted(TRANSITION_MATRIX))
def test_transitions(world, action):
    shop, _actors = world
    allowed = set()
    for status in S:
        shop.status = status
        if policies.shop_may_transition(shop, action):
            allowed.add(status)
    assert allowed == TRANSITION_MATRIX[action]


def test_catalogue_editable_until_closed(world):
    shop, _actors = world
    editable = set()
    for status in S:
        shop.status = status
        if policies.shop_catalogue_editable(shop):
            editable.add(status)
    assert editable == set(S) - {S.CLOSED}
