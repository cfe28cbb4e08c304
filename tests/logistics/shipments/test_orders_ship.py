"""Each fulfilment ships as a shipment: the county run's parcel carries its cash due and weight, and is
delivered with the order by the driver's hand-over or the station's pickup code; the buyer reads it in
`order.shipments { events }`, and apps hear SHIPMENT_* webhooks."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from logistics.geography.models import Village
from marketplace.orders.services.delivery import order_handover
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.orders.services.pickup import order_pickup_verify
from meidu.accounts.models import Address
from meidu.accounts.roles import Role
from meidu.core.permissions import OrderPermissions
from meidu.integrations.models import EventPayload
from meidu.integrations.services.apps import app_create
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.meidu.integrations.webhook_rows import webhook_row_insert
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

QUERY = """query($id: ID!) { order(id: $id) { number shipments { number status carrier weightKg
  events { action status statusDisplay reason happenedAt } } } }"""


@pytest.fixture
def erp(make_user):
    app, _raw = app_create(
        name="物流看板", permissions=[OrderPermissions.MANAGE_ORDERS], actor=make_user(Role.OPERATOR)
    )
    webhook_row_insert(app=app, target_url="https://erp.example/hooks", events=["any_events"])
    return app


def sent(event: str) -> list[dict]:
    return [json.loads(p.payload)["data"] for p in EventPayload.objects.filter(event_type=event).order_by("pk")]


def test_a_village_parcel_ships_and_is_handed_over(erp, make_user, buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])  # cash on delivery
    village = Village.objects.order_by("code").first()
    Address.objects.filter(pk=order.shipping_address_id).update(village=village)
    fulfillment = order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")])
    shipment = fulfillment.shipment
    assert shipment.carrier == "county" and shipment.reference == f"order:{order.number}/1"
    assert shipment.cash_to_collect == order.total_amount > 0 and shipment.village == village
    assert shipment.weight_kg > 0 and shipment.recipient_phone
    assert [d["status"] for d in sent("shipment_created")] == ["created"]

    order_handover(order, actor=make_user(Role.DRIVER), cash_collected=True)
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.proof_kind == "handed_over"
    assert shipment.events.last().source == "driver"
    assert [d["status"] for d in sent("shipment_status_changed")] == ["delivered"]
    assert sent("shipment_status_changed")[0]["order"] == order.number

    client = GraphQLClient(token_for(buyer))
    with_events = client.execute(QUERY, {"id": to_global_id("Order", order.pk)})
    [ship] = with_events["order"]["shipments"]
    assert ship["number"] == shipment.number and ship["status"] == "DELIVERED"
    assert [e["action"] for e in ship["events"]] == ["create", "deliver"]


def test_a_pickup_parcel_is_delivered_by_its_code(buyer, rural, pears, station, station_agent):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=station)
    shipment = order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")]).shipment
    assert shipment.carrier == "counter" and shipment.cash_to_collect == Decimal("0")
    order.refresh_from_db()
    order_pickup_verify(station, order.pickup_code, agent=station_agent)
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.proof_kind == "pickup_code"
    assert shipment.events.last().source == "station"


MY_ORDERS = """{ me { orders(first: 20) { edges { node { number shipments { number events { action } } } } } } }"""


def test_shipments_on_a_list_of_orders_cost_a_fixed_number_of_queries(buyer, rural, pears):
    def ship_one(key):
        [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], key=key)
        order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")])

    client = GraphQLClient(token_for(buyer))
    ship_one("k1")
    with CaptureQueriesContext(connection) as one:
        client.execute(MY_ORDERS)
    ship_one("k2")
    ship_one("k3")
    with CaptureQueriesContext(connection) as three:
        data = client.execute(MY_ORDERS)
    assert len(data["me"]["orders"]["edges"]) == 3
    assert all(len(edge["node"]["shipments"]) == 1 for edge in data["me"]["orders"]["edges"])
    assert len(three.captured_queries) == len(one.captured_queries)


def test_a_signature_at_the_door_is_the_proof(make_user, buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], key="sig-1")
    shipment = order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")]).shipment
    order_handover(order, actor=make_user(Role.DRIVER), cash_collected=True, signed_by="  王 秀英\x00 ")
    shipment.refresh_from_db()
    assert (shipment.proof_kind, shipment.proof_text) == ("signature", "王 秀英")
