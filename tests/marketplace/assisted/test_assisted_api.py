"""assistedOrderStart / assistedOrderCodeSend / assistedOrderConfirm: the agent's door onto assisted
buying; refusals come back as AssistedOrderError codes and write nothing."""

from graphql_relay import to_global_id

from marketplace.assisted.models import AssistedOrder
from marketplace.orders.models import Order, OrderAssistance
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from tests.marketplace.checkout.factories import village_station
from tests.support.assisted import VILLAGER_PHONE
from tests.support.graphql import GraphQLClient, token_for
from tests.support.phone_codes import latest_code

START = """
mutation Start($station: ID!, $phone: String!, $lines: [AssistedOrderLineInput!]!, $delivery: AssistedDeliveryEnum!) {
  assistedOrderStart(stationId: $station, phone: $phone, lines: $lines, delivery: $delivery) {
    assistedOrder { token phone status delivery lines { productName quantity total { amount } } total { amount } }
    errors { field code message }
  }
}"""
SEND = """mutation Send($token: UUID!) {
  assistedOrderCodeSend(token: $token) { expiresIn errors { field code } }
}"""
CONFIRM = """
mutation Confirm($token: UUID!, $code: String, $signedName: String, $attested: Boolean) {
  assistedOrderConfirm(token: $token, code: $code, signedName: $signedName, attested: $attested) {
    assistedOrder { status orders { number total { amount } delivery } }
    errors { field code message }
  }
}"""


def _start(client, station, fertiliser, phone="13904178801", quantity=2):
    return client.execute(
        START,
        {
            "station": to_global_id("Warehouse", station.pk),
            "phone": phone,
            "lines": [{"variantId": to_global_id("ProductVariant", fertiliser["variant"].pk), "quantity": quantity}],
            "delivery": "STATION",
        },
    )["assistedOrderStart"]


def _written():
    return AssistedOrder.objects.count(), Order.objects.count(), OrderAssistance.objects.count(), User.objects.count()


def test_the_agent_prepares_texts_and_places_an_order_for_a_villager(station, station_agent, fertiliser):
    client = GraphQLClient(token_for(station_agent))
    started = _start(client, station, fertiliser)
    assert started["errors"] == []
    assisted = started["assistedOrder"]
    assert assisted["phone"] == "139****8801" and assisted["status"] == "open" and assisted["delivery"] == "station"
    assert assisted["lines"] == [{"productName": "复合肥 40kg", "quantity": 2, "total": {"amount": 300.0}}]
    refused = client.execute(CONFIRM, {"token": assisted["token"]})["assistedOrderConfirm"]
    assert refused["errors"][0]["code"] == "CONFIRMATION_REQUIRED" and Order.objects.count() == 0
    wrong = client.execute(CONFIRM, {"token": assisted["token"], "code": "12x456"})["assistedOrderConfirm"]
    assert wrong["errors"][0]["code"] == "INVALID_CODE"
    placed = client.execute(CONFIRM, {"token": assisted["token"], "code": latest_code(VILLAGER_PHONE)})
    result = placed["assistedOrderConfirm"]
    assert result["errors"] == [] and result["assistedOrder"]["status"] == "placed"
    [order] = Order.objects.all()
    assert result["assistedOrder"]["orders"] == [
        {"number": str(order.number), "total": {"amount": 300.0}, "delivery": station.name}
    ]
    assert order.user.phone == VILLAGER_PHONE and order.assistance.assistant == station_agent
    again = client.execute(SEND, {"token": assisted["token"]})["assistedOrderCodeSend"]
    assert again["errors"][0]["code"] == "ALREADY_PLACED"


def test_only_the_stations_agent_acts_and_another_agent_is_refused_writing_nothing(
    make_user, station, station_agent, fertiliser
):
    other_agent = make_user(Role.BUYER)
    other_station = village_station(make_user(Role.BUYER), other_agent)
    assisted = _start(GraphQLClient(token_for(station_agent)), station, fertiliser)["assistedOrder"]
    buyer = GraphQLClient(token_for(make_user(Role.BUYER)))
    before = _written()
    denied = buyer.post(CONFIRM, {"token": assisted["token"], "signedName": "王", "attested": True}).json()
    assert "ASSIST_ORDERS" in denied["errors"][0]["message"] or denied["errors"][0]["extensions"]
    other = GraphQLClient(token_for(other_agent))
    at_foreign_station = _start(other, station, fertiliser)
    assert at_foreign_station["errors"][0]["code"] == "NOT_STATION_AGENT"
    foreign = other.execute(CONFIRM, {"token": assisted["token"], "signedName": "王", "attested": True})
    assert foreign["assistedOrderConfirm"]["errors"][0]["code"] == "NOT_FOUND"
    resend = other.execute(SEND, {"token": assisted["token"]})["assistedOrderCodeSend"]
    assert resend["errors"][0]["code"] == "NOT_FOUND"
    assert _written() == before and other_station.pk != station.pk


def test_hostile_input_is_refused_with_codes(station, station_agent, fertiliser):
    client = GraphQLClient(token_for(station_agent))
    before = _written()
    nul = client.post(
        START,
        {
            "station": to_global_id("Warehouse", station.pk),
            "phone": "1390417\u00008801",
            "lines": [{"variantId": to_global_id("ProductVariant", fertiliser["variant"].pk), "quantity": 1}],
            "delivery": "STATION",
        },
    ).json()
    assert nul["errors"][0]["extensions"]["exception"]["code"] == "INVALID"  # refused by the API's scalar check
    for phone in ("NaN", "Infinity", "1e30", "1" * 5000, "+1 415 555 0100", "-1"):
        assert _start(client, station, fertiliser, phone=phone)["errors"][0]["code"] == "INVALID_PHONE"
    for quantity in (0, -3):
        errors = _start(client, station, fertiliser, quantity=quantity)["errors"]
        assert errors[0]["code"] in {"ZERO_QUANTITY", "INVALID"}
    assert _written() == before
