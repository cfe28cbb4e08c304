"""The order webhooks go out once per step, and an app may act on orders through the API: its
actions reach the timeline naming the app (the timeline's user column holds people only)."""

import json

import pytest
from graphql_relay import to_global_id

from marketplace.orders.models import OrderEvent, OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.orders.services.pickup import order_pickup_verify
from meidu.accounts.roles import Role
from meidu.core.permissions import OrderPermissions
from meidu.integrations.models import EventPayload
from meidu.integrations.services.apps import app_create
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.meidu.integrations.webhook_rows import webhook_row_insert
from tests.support.graphql import GraphQLClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def erp(make_user):
    app, raw = app_create(
        name="县供销社ERP", permissions=[OrderPermissions.MANAGE_ORDERS], actor=make_user(Role.OPERATOR)
    )
    webhook_row_insert(app=app, target_url="https://erp.example/hooks", events=["any_events"])
    app.raw_token = raw
    return app


def sent(event: str) -> list[dict]:
    return [json.loads(p.payload)["data"] for p in EventPayload.objects.filter(event_type=event).order_by("pk")]


def test_a_pickup_is_delivered_once(erp, buyer, rural, pears, station, station_agent):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=station)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")])
    order_pickup_verify(station, order.pickup_code, agent=station_agent)
    delivered = sent("order_delivered")
    assert len(delivered) == 1 and delivered[0]["order"]["status"] == OrderStatus.DELIVERED
    assert OrderEvent.objects.filter(order=order, type="picked_up").count() == 1  # the timeline keeps the step


def test_an_app_confirms_an_order_and_the_timeline_names_it(erp, buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE")
    confirm = "mutation($id: ID!) { orderConfirm(id: $id) { order { status } errors { code } } }"
    response = GraphQLClient(erp.raw_token).post(confirm, {"id": to_global_id("Order", order.pk)}).json()
    assert "errors" not in response, response
    assert response["data"]["orderConfirm"] == {"order": {"status": "UNFULFILLED"}, "errors": []}
    event = OrderEvent.objects.get(order=order, type="confirmed")
    assert event.user is None and event.data["app"] == erp.identifier


def test_the_stores_assistant_takes_the_cash_at_the_pickup_counter(buyer, rural, pears, cooker, make_user):
    """The store that runs the pickup point has its own assistants (no driver or agent role): once the
    code matched, the assistant may take the cash for the parcel."""
    from marketplace.shops.services import shop_member_add

    assistant = make_user()
    shop_member_add(cooker["shop"], assistant, actor=cooker["owner"])
    [order] = placed_orders(buyer, rural, [(cooker["variant"], 1)], pickup=cooker["store"])  # cash on delivery
    order_fulfill(order, actor=cooker["owner"], lines=[(order.lines.get(), 1, None)])
    delivered = order_pickup_verify(cooker["store"], order.pickup_code, agent=assistant, cash_collected=True)
    assert delivered.status == OrderStatus.DELIVERED and delivered.charged_amount == delivered.total_amount
