"""marketplace.complaints.policies: who sees, answers, resolves and rates a complaint (actor kinds x
complaint statuses). The complaint is an unsaved row: the rules read its status, buyer and shop."""

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.complaints import policies
from marketplace.complaints.models import Complaint, ComplaintStatus
from meidu.accounts.roles import Role
from meidu.core.permissions import AccountPermissions, ComplaintPermissions
from meidu.integrations.services.apps import app_create
from tests.marketplace.factories import open_shop

S = ComplaintStatus
ACTORS = ["anonymous", "buyer", "other_buyer", "rival_seller", "owner", "operator", "complaints_app", "other_app"]
HANDLERS = {"owner", "operator", "complaints_app"}
OPERATORS = {"operator", "complaints_app"}


@pytest.fixture
def world(make_user, buyer, pears):
    operator, rival = make_user(Role.OPERATOR), make_user()
    open_shop(rival)
    complaints_app, _raw = app_create(name="Desk", permissions=[ComplaintPermissions.MANAGE_COMPLAINTS], actor=operator)
    other_app, _raw = app_create(name="CRM", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    actors = {
        "anonymous": AnonymousUser(),
        "buyer": buyer,
        "other_buyer": make_user(),
        "rival_seller": rival,
        "owner": pears["owner"],
        "operator": operator,
        "complaints_app": complaints_app,
        "other_app": other_app,
    }
    return Complaint(shop=pears["shop"], buyer=buyer), actors


def answers(rule, world):
    complaint, actors = world
    found = {}
    for status in S:
        complaint.status = status
        found[status] = {name for name in ACTORS if rule(actors[name], complaint)}
    return found


def test_who_is_who(world):
    complaint, actors = world
    assert {name for name in ACTORS if policies.complaint_is_operator(actors[name])} == OPERATORS
    assert {name for name in ACTORS if policies.complaint_is_buyer(actors[name], complaint)} == {"buyer"}
    assert {name for name in ACTORS if policies.complaint_is_shop_member(actors[name], complaint)} == {"owner"}
    assert {name for name in ACTORS if policies.may_handle_as_operator(actors[name])} == {
        "operator"
    }  # the pages: users only
    assert {name for name in HANDLERS if policies.complaint_handles_as_operator(actors[name], complaint)} == OPERATORS


def test_view(world):
    assert answers(policies.complaint_may_view, world) == {status: OPERATORS | {"buyer", "owner"} for status in S}


def test_handle(world):
    assert answers(policies.complaint_may_handle, world) == {status: HANDLERS for status in S}


def test_respond(world):
    assert answers(policies.complaint_may_respond, world) == {
        status: HANDLERS if status == S.AWAITING_SHOP else set() for status in S
    }


def test_resolve_the_shop_until_escalated_operators_until_resolved(world):
    assert answers(policies.complaint_may_resolve, world) == {
        S.AWAITING_SHOP: HANDLERS,
        S.RESPONDED: HANDLERS,
        S.ESCALATED: OPERATORS,
        S.RESOLVED: set(),
        S.CLOSED: set(),
    }


def test_rate(world):
    assert answers(policies.complaint_may_rate, world) == {
        status: {"buyer"} if status == S.RESOLVED else set() for status in S
    }
