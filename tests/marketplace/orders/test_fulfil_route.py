"""The buyer's delivery choice decides how a parcel travels: an order whose buyer chose village
delivery goes on the county's run however the seller ships it (page, API, service), and a seller
cannot put a carrier order on the run or take a village delivery order off it."""

import pytest
from django.utils import translation
from graphql_relay import to_global_id

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.models import Fulfillment, OrderStatus
from marketplace.orders.selectors import order_by_county_run, orders_on_village_runs
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.payments.services import transaction_initialize
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import ADDRESS, COD, placed_orders
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

FULFILL = """mutation($id: ID!, $line: ID!, $local: Boolean) {
  orderFulfill(order: $id, input: {lines: [{orderLineId: $line, quantity: 1, actualWeight: "1.0"}],
                                   localDelivery: $local}) {
    fulfillments { localDelivery } errors { field code message } } }"""


def carrier_order(buyer, rural, pears):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=pears["shop"].shipping_methods.get(kind="carrier"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=COD, action=None, idempotency_key="carrier", user=buyer
    )
    return checkout_complete(checkout.pk, user=buyer).orders[0]


def test_a_village_delivery_order_goes_on_the_run_without_any_tick(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)])
    assert order_by_county_run(order)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")])
    assert Fulfillment.objects.get(order=order).local_delivery
    assert list(orders_on_village_runs()) == [order]


def test_a_carrier_order_never_goes_on_the_run(buyer, rural, pears):
    order = carrier_order(buyer, rural, pears)
    assert not order_by_county_run(order)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")], tracking_number="SF123")
    assert not Fulfillment.objects.get(order=order).local_delivery
    assert list(orders_on_village_runs()) == []


@pytest.mark.parametrize("route", ["county", "carrier"])
def test_a_contradicting_route_is_refused_and_nothing_is_sent(buyer, rural, pears, route):
    order = (
        placed_orders(buyer, rural, [(pears["variant"], 1)])[0]
        if route == "county"
        else carrier_order(buyer, rural, pears)
    )
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        order_fulfill(
            order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")], local_delivery=route != "county"
        )
    assert refused.value.code == "invalid" and refused.value.field == "localDelivery"
    assert "村级配送" in refused.value.message
    order.refresh_from_db()
    assert order.status == OrderStatus.UNCONFIRMED and not Fulfillment.objects.exists()
    assert order.lines.get().quantity_fulfilled == 0


def test_the_api_follows_the_buyer_and_refuses_a_contradiction(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)])
    seller = GraphQLClient(token_for(pears["owner"]))
    variables = {"id": to_global_id("Order", order.pk), "line": to_global_id("OrderLine", order.lines.get().pk)}

    refused = seller.execute(FULFILL, {**variables, "local": False})["orderFulfill"]
    assert refused["fulfillments"] is None
    assert [(error["field"], error["code"]) for error in refused["errors"]] == [("localDelivery", "INVALID")]
    assert "村级配送" in refused["errors"][0]["message"]
    assert not Fulfillment.objects.exists()

    sent = seller.execute(FULFILL, variables)["orderFulfill"]
    assert sent["errors"] == [] and sent["fulfillments"] == [{"localDelivery": True}]
    assert list(orders_on_village_runs()) == [order]
