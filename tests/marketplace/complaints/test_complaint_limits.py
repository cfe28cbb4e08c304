"""Issue 13: one buyer may make COMPLAINTS_PER_USER_PER_DAY complaints; more are refused with
RATE_LIMITED in the buyer's language, and nothing is written."""

import json

from graphql_relay import to_global_id

from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.complaints.helpers import CREATE, state
from tests.marketplace.reviews.helpers import deliver
from tests.support.graphql import token_for


def _complain(client, user, order, language="zh-hans") -> dict:
    body = {
        "query": CREATE,
        "variables": {"order": to_global_id("Order", order.pk), "category": "QUALITY", "description": "梨子有黑心"},
    }
    response = client.post(
        "/graphql/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(user)}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return response.json()["data"]["complaintCreate"]


def _delivered(buyer, rural, pears):
    [order] = placed_orders(
        buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key=f"k{buyer.pk}-{rural.pk}"
    )
    return deliver(order, pears["owner"], buyer)


def test_complaints_beyond_the_daily_allowance_are_refused(client, settings, buyer, order, make_user, rural, pears):
    settings.COMPLAINTS_PER_USER_PER_DAY = 1
    second = deliver(
        placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key="second")[0],
        pears["owner"],
        buyer,
    )
    assert _complain(client, buyer, order)["errors"] == []
    before = state()
    [error] = _complain(client, buyer, second)["errors"]
    assert (
        error["code"] == "RATE_LIMITED" and error["message"] == "今天的投诉次数过多：请明天再试，或联系平台运营人员。"
    )
    [error] = _complain(client, buyer, second, language="en")["errors"]
    assert (
        error["message"]
        == "You have made too many complaints today: try again tomorrow, or contact the platform operator."
    )
    assert state() == before
    other = make_user()
    assert _complain(client, other, _delivered(other, rural, pears))["errors"] == []  # another buyer's allowance


def test_zero_turns_the_limit_off(client, settings, buyer, order, rural, pears):
    settings.COMPLAINTS_PER_USER_PER_DAY = 0
    second = deliver(
        placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key="second")[0],
        pears["owner"],
        buyer,
    )
    assert _complain(client, buyer, order)["errors"] == [] and _complain(client, buyer, second)["errors"] == []
