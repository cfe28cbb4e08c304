"""A returning buyer's saved address is offered again at the next checkout: a checkout opened by the
buyer (or attached to them) starts with their last saved address, so delivery can be chosen and priced
without typing it again. Nobody else's address leaks in, and a given address is never replaced."""

import pytest

from marketplace.checkout.models import Checkout
from marketplace.checkout.services import checkout_create, checkout_shipping_address_update
from meidu.accounts.models import Address
from tests.marketplace.checkout.factories import village_address
from tests.marketplace.checkout.helpers import ADDRESS, placed_orders
from tests.marketplace.checkout.queries import CREATE
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

ATTACH = (
    "mutation($id: ID) { checkoutCustomerAttach(id: $id) {"
    " checkout { shippingAddress { streetAddress1 } } errors { code } } }"
)


def lines(pears, quantity=1):
    return [{"variantId": _variant_id(pears), "quantity": quantity}]


def _variant_id(pears):
    from graphql_relay import to_global_id

    return to_global_id("ProductVariant", pears["variant"].pk)


def test_the_next_checkout_starts_with_the_saved_address(buyer, buyer_client, rural, pears):
    placed_orders(buyer, rural, [(pears["variant"], 1)])  # saves ADDRESS through the first checkout
    saved_rows = Address.objects.filter(user=buyer).count()

    data = buyer_client.execute(CREATE, {"input": {"channel": "rural", "lines": lines(pears)}})["checkoutCreate"]
    assert data["errors"] == []
    checkout = data["checkout"]
    assert checkout["shippingAddress"]["phone"].endswith("13904170001")
    assert checkout["shippingAddress"]["cityArea"] == ADDRESS["city_area"]
    # Delivery is offered and priced straight away: the shop's village delivery reaches the saved address.
    [delivery] = checkout["deliveries"]
    assert any(method["price"]["amount"] > 0 for method in delivery["shippingMethods"])
    assert Address.objects.filter(user=buyer).count() == saved_rows  # offered, not copied again


def test_the_newest_saved_address_wins_and_a_given_address_is_kept(buyer, rural, pears):
    first = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)])
    assert first.shipping_address is None  # nothing saved yet
    checkout_shipping_address_update(first, dict(ADDRESS))
    checkout_shipping_address_update(first, dict(ADDRESS, street_address_1="博洛铺镇大岭村1组1号"))
    newest = Address.objects.filter(user=buyer).order_by("-pk").first()
    Checkout.objects.all().delete()

    again = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)])
    assert again.shipping_address_id == newest.pk
    Checkout.objects.all().delete()
    given = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)], shipping_address=dict(ADDRESS))
    assert (
        given.shipping_address_id != newest.pk
        and given.shipping_address.street_address_1 == ADDRESS["street_address_1"]
    )


def test_anonymous_checkouts_and_other_buyers_get_no_saved_address(buyer, make_user, rural, pears):
    placed_orders(buyer, rural, [(pears["variant"], 1)])
    anonymous = GraphQLClient().execute(
        CREATE, {"input": {"channel": "rural", "lines": lines(pears), "email": "a@example.com"}}
    )
    assert anonymous["checkoutCreate"]["checkout"]["shippingAddress"] is None
    other = make_user()
    created = GraphQLClient(token_for(other)).execute(CREATE, {"input": {"channel": "rural", "lines": lines(pears)}})
    assert created["checkoutCreate"]["checkout"]["shippingAddress"] is None


def test_attaching_a_cart_offers_the_saved_address_but_keeps_a_typed_one(buyer, rural, pears):
    placed_orders(buyer, rural, [(pears["variant"], 1)])
    client = GraphQLClient(token_for(buyer))
    anonymous = GraphQLClient()
    bare = anonymous.execute(CREATE, {"input": {"channel": "rural", "lines": lines(pears), "email": "a@example.com"}})
    attached = client.execute(ATTACH, {"id": bare["checkoutCreate"]["checkout"]["id"]})["checkoutCustomerAttach"]
    assert attached["errors"] == []
    assert attached["checkout"]["shippingAddress"]["streetAddress1"] == ADDRESS["street_address_1"]

    typed = village_address(streetAddress1="博洛铺镇大岭村1组1号")
    created = anonymous.execute(
        CREATE,
        {"input": {"channel": "rural", "lines": lines(pears), "email": "b@example.com", "shippingAddress": typed}},
    )
    kept = client.execute(ATTACH, {"id": created["checkoutCreate"]["checkout"]["id"]})["checkoutCustomerAttach"]
    assert kept["checkout"]["shippingAddress"]["streetAddress1"] == "博洛铺镇大岭村1组1号"
