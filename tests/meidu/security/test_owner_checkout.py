"""Issue 13, the owner columns of the checkout, payment and receipt mutations: the buyer whose
checkout (or order) it is succeeds; another signed-in buyer holding its id is refused with the
project's code and writes nothing at all (every table's row counter is compared)."""

from types import SimpleNamespace

import pytest
from graphql_relay import to_global_id

from marketplace.checkout.models import Checkout
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.payments.models import TransactionItem
from marketplace.payments.services.initialize import transaction_initialize
from meidu.accounts.roles import Role
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears, village_address
from tests.marketplace.checkout.helpers import ADDRESS, COD, OFFLINE, placed_orders
from tests.marketplace.factories import channels
from tests.meidu.security.owner_checks import refusal_code, writes
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    county_and_zones()
    _, rural = channels()
    seller = make_user(Role.BUYER)
    shop, variant = farmer_with_pears(seller, rural)
    owner = make_user(Role.BUYER)
    checkout = checkout_create(channel=rural, user=owner, lines=[(variant, 1)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    return SimpleNamespace(owner=owner, seller=seller, shop=shop, variant=variant, rural=rural, checkout=checkout)


def cid(w):
    return to_global_id("Checkout", str(w.checkout.pk))


def county(w):
    return to_global_id("ShippingMethod", w.shop.shipping_methods.get(kind="county").pk)


def ready_to_complete(w):
    checkout_delivery_method_update(w.checkout, shipping_method=w.shop.shipping_methods.get(kind="county"))
    transaction_initialize(checkout_token=w.checkout.pk, gateway_id=COD, idempotency_key="own-1", user=w.owner)
    return {"id": cid(w)}


def declined_transaction(w):
    transaction_initialize(checkout_token=w.checkout.pk, gateway_id=OFFLINE, data={"simulate": "decline"}, user=w.owner)
    return {"id": to_global_id("TransactionItem", str(TransactionItem.objects.get().token))}


def shipped_order(w):
    [order] = placed_orders(w.owner, w.rural, [(w.variant, 1)], gateway=OFFLINE, action="CHARGE", key="own-2")
    order_fulfill(order, actor=w.seller, lines=[(order.lines.get(), 1, "1.0")], tracking_number="SF9")
    return {"id": to_global_id("Order", order.pk)}


def checkout_state(w):
    checkout = Checkout.objects.get(pk=w.checkout.pk)
    return checkout.user_id, checkout.email, list(checkout.lines.values_list("quantity", flat=True))


# name: (document, variables of the owner's object, what the owner's success shows)
CASES = {
    "checkoutLinesUpdate": (
        "mutation($id: ID, $l: [CheckoutLineUpdateInput!]!) { checkoutLinesUpdate(id: $id, lines: $l) {"
        " checkout { quantity } errors { code } } }",
        lambda w: {"id": cid(w), "l": [{"variantId": to_global_id("ProductVariant", w.variant.pk), "quantity": 3}]},
        lambda w, p: p["checkout"]["quantity"] == 3,
    ),
    "checkoutEmailUpdate": (
        "mutation($id: ID) { checkoutEmailUpdate(id: $id, email: \"new@example.com\") {"
        " checkout { email } errors { code } } }",
        lambda w: {"id": cid(w)},
        lambda w, p: Checkout.objects.get(pk=w.checkout.pk).email == "new@example.com",
    ),
    "checkoutShippingAddressUpdate": (
        "mutation($id: ID, $a: AddressInput!) { checkoutShippingAddressUpdate(id: $id, shippingAddress: $a) {"
        " checkout { id } errors { code } } }",
        lambda w: {"id": cid(w), "a": village_address(firstName="桂兰")},
        lambda w, p: Checkout.objects.get(pk=w.checkout.pk).shipping_address.first_name == "桂兰",
    ),
    "checkoutBillingAddressUpdate": (
        "mutation($id: ID, $a: AddressInput!) { checkoutBillingAddressUpdate(id: $id, billingAddress: $a) {"
        " checkout { id } errors { code } } }",
        lambda w: {"id": cid(w), "a": village_address(firstName="桂兰")},
        lambda w, p: Checkout.objects.get(pk=w.checkout.pk).billing_address.first_name == "桂兰",
    ),
    "checkoutDeliveryMethodUpdate": (
        "mutation($id: ID, $m: ID!) { checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m) {"
        " checkout { id } errors { code } } }",
        lambda w: {"id": cid(w), "m": county(w)},
        lambda w, p: Checkout.objects.get(pk=w.checkout.pk).deliveries.count() == 1,
    ),
    "checkoutCustomerAttach": (
        "mutation($id: ID) { checkoutCustomerAttach(id: $id) { checkout { id } errors { code } } }",
        lambda w: {"id": cid(w)},
        lambda w, p: Checkout.objects.get(pk=w.checkout.pk).user == w.owner,
    ),
    "checkoutComplete": (
        "mutation($id: ID) { checkoutComplete(id: $id) { orders { number } errors { code } } }",
        ready_to_complete,
        lambda w, p: len(p["orders"]) == 1 and not Checkout.objects.filter(pk=w.checkout.pk).exists(),
    ),
    "paymentGatewayInitialize": (
        "mutation($id: ID!) { paymentGatewayInitialize(id: $id) { gatewayConfigs { id } errors { code } } }",
        lambda w: {"id": cid(w)},
        lambda w, p: "meidu.payments.cod" in {c["id"] for c in p["gatewayConfigs"]},
    ),
    "transactionProcess": (
        "mutation($id: ID!) { transactionProcess(id: $id) { transactionEvent { type } errors { code } } }",
        declined_transaction,
        lambda w, p: p["transactionEvent"]["type"] == "CHARGE_FAILURE",
    ),
    "orderConfirmReceipt": (
        "mutation($id: ID!) { orderConfirmReceipt(id: $id) { order { status } errors { code } } }",
        shipped_order,
        lambda w, p: p["order"]["status"] == "DELIVERED",
    ),
}
REFUSAL = {**{name: "NOT_FOUND" for name in CASES}, "orderConfirmReceipt": "PermissionDenied"}


@pytest.mark.parametrize("name", list(CASES))
def test_the_owner_succeeds_and_another_buyer_is_refused_writing_nothing(world, make_user, name):
    document, variables_of, succeeded = CASES[name]
    variables = variables_of(world)

    intruder = GraphQLClient(token_for(make_user(Role.BUYER)))
    before, state = writes(), checkout_state(world)
    body = intruder.post(document, variables).json()
    assert refusal_code(body, name) == REFUSAL[name], body
    assert writes() == before, f"{name}: another buyer's refused call wrote rows"
    assert checkout_state(world) == state

    payload = GraphQLClient(token_for(world.owner)).execute(document, variables)[name]
    assert payload["errors"] == [], payload
    assert succeeded(world, payload), payload
