"""Every order mutation run as anonymous, another buyer, a member of another shop, the shop's owner
and an operator: only the shop and operators act on an order; the buyer reads and cancels their own."""

import pytest
from graphql_relay import to_global_id

from marketplace.orders.models import OrderEvent, OrderStatus
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.factories import open_shop
from tests.support.graphql import GraphQLClient, token_for

ROLES = ["anonymous", "other_buyer", "rival_seller", "owner", "operator"]
ALLOWED = {"owner", "operator"}

CONFIRM = "mutation($id: ID!) { orderConfirm(id: $id) { order { status } errors { code } } }"
FULFILL = """mutation($id: ID!, $line: ID!) {
  orderFulfill(order: $id, input: {lines: [{orderLineId: $line, quantity: 1, actualWeight: "1.0"}]}) {
  order { status } errors { code } } }"""
REFUND = "mutation($id: ID!) { orderRefund(id: $id, amount: \"1.00\") { order { status } errors { code } } }"
CANCEL = "mutation($id: ID!) { orderCancel(id: $id) { order { status } errors { code } } }"
READ = "query($id: ID!) { order(id: $id) { id number pickupCode } }"


@pytest.fixture
def placed(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE")
    return order


def client_for(role, make_user, pears):
    if role == "anonymous":
        return GraphQLClient()
    if role == "owner":
        return GraphQLClient(token_for(pears["owner"]))
    if role == "operator":
        return GraphQLClient(token_for(make_user(Role.OPERATOR)))
    user = make_user()
    if role == "rival_seller":
        open_shop(user)
    return GraphQLClient(token_for(user))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("mutation", ["confirm", "fulfill", "refund", "cancel"])
def test_order_mutations_by_role(role, mutation, placed, make_user, pears):
    client = client_for(role, make_user, pears)
    document = {"confirm": CONFIRM, "fulfill": FULFILL, "refund": REFUND, "cancel": CANCEL}[mutation]
    variables = {"id": to_global_id("Order", placed.pk)}
    if mutation == "fulfill":
        variables["line"] = to_global_id("OrderLine", placed.lines.get().pk)
    events_before = OrderEvent.objects.filter(order=placed).count()
    response = client.post(document, variables).json()
    if role in ALLOWED:
        assert "errors" not in response, response
        payload = next(iter(response["data"].values()))
        assert payload["errors"] == []
        assert OrderEvent.objects.filter(order=placed).count() > events_before
    else:
        assert response["errors"][0]["message"]
        assert OrderEvent.objects.filter(order=placed).count() == events_before
        placed.refresh_from_db()
        assert placed.status == OrderStatus.UNCONFIRMED and placed.refunded_amount == 0


@pytest.mark.parametrize("role", ROLES + ["buyer"])
def test_reading_an_order(role, placed, make_user, pears, buyer):
    client = GraphQLClient(token_for(buyer)) if role == "buyer" else client_for(role, make_user, pears)
    data = client.execute(READ, {"id": to_global_id("Order", placed.pk)})["order"]
    if role in ALLOWED | {"buyer"}:
        assert data["number"] == str(placed.number)
        assert (data["pickupCode"] is not None) == (role == "buyer" and bool(placed.pickup_code))
    else:
        assert data is None


BY_TOKEN = "query($token: UUID!) { orderByToken(token: $token) { number shippingAddress { phone } } }"


@pytest.mark.parametrize("role", ROLES + ["buyer", "app_without_orders"])
def test_reading_a_buyers_order_by_token_needs_the_right_to_read_it(role, placed, make_user, pears, buyer):
    """The token travels in order webhooks and links: holding it is not enough to read a registered
    buyer's address and phone."""
    if role == "buyer":
        client = GraphQLClient(token_for(buyer))
    elif role == "app_without_orders":
        from meidu.core.permissions import AccountPermissions
        from meidu.integrations.services.apps import app_create

        _app, raw = app_create(
            name="CRM", permissions=[AccountPermissions.MANAGE_USERS], actor=make_user(Role.OPERATOR)
        )
        client = GraphQLClient(raw)
    else:
        client = client_for(role, make_user, pears)
    data = client.execute(BY_TOKEN, {"token": str(placed.token)})["orderByToken"]
    if role in ALLOWED | {"buyer"}:
        assert data["number"] == str(placed.number) and data["shippingAddress"]["phone"] == "+8613904170001"
    else:
        assert data is None


def test_buyer_cancels_before_confirmation_only(placed, buyer, pears):
    client = GraphQLClient(token_for(buyer))
    from marketplace.orders.services.lifecycle import order_confirm

    order_confirm(placed, actor=pears["owner"])
    response = client.post(CANCEL, {"id": to_global_id("Order", placed.pk)}).json()
    assert response["errors"] and OrderStatus.UNFULFILLED == type(placed).objects.get(pk=placed.pk).status


def test_shop_orders_listing_is_the_shops_own(placed, make_user, pears, django_assert_max_num_queries):
    listing = """query($shop: ID!) { shopOrders(shop: $shop, first: 20) {
      totalCount edges { node { number total { gross { amount } }
      lines { productName } shop { id } } } } }"""
    shop_id = to_global_id("MarketplaceShop", pears["shop"].pk)
    owner = GraphQLClient(token_for(pears["owner"]))
    with django_assert_max_num_queries(12):
        data = owner.execute(listing, {"shop": shop_id})["shopOrders"]
    assert data["totalCount"] == 1
    rival = make_user()
    open_shop(rival)
    response = GraphQLClient(token_for(rival)).post(listing, {"shop": shop_id}).json()
    assert response["errors"] and response["data"]["shopOrders"] is None


def test_me_lists_orders_addresses_and_checkouts(placed, buyer, pears, rural, django_assert_max_num_queries):
    from marketplace.checkout.services import checkout_create

    checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)])
    query = """{ me { orders(first: 10) { totalCount edges { node { number shop { id } lines { productName } } } }
      addresses { cityArea phone } defaultShippingAddress { streetAddress1 } checkoutIds(channel: "rural") } }"""
    client = GraphQLClient(token_for(buyer))
    with django_assert_max_num_queries(12):
        me = client.execute(query)["me"]
    assert me["orders"]["totalCount"] == 1 and me["orders"]["edges"][0]["node"]["number"] == str(placed.number)
    assert me["addresses"][0]["phone"] == "+8613904170001" and me["defaultShippingAddress"]["streetAddress1"]
    assert len(me["checkoutIds"]) == 1


RETURN = """mutation($id: ID!, $line: ID!) { orderReturn(id: $id, input: {lines: [{orderLineId: $line, quantity: 1}]}) {
  order { status } errors { code } } }"""
HANDOVER = "mutation($id: ID!) { orderHandover(id: $id, cashCollected: true) { order { status } errors { code } } }"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("mutation", ["return", "handover"])
def test_after_shipping_mutations_by_role(role, mutation, placed, make_user, pears):
    """Shipped first; then only the shop and operators may take goods back or hand them over."""
    from marketplace.orders.services.lifecycle import order_fulfill

    order_fulfill(placed, actor=pears["owner"], lines=[(placed.lines.get(), 1, "1.0")])
    client = client_for(role, make_user, pears)
    variables = {"id": to_global_id("Order", placed.pk)}
    if mutation == "return":
        variables["line"] = to_global_id("OrderLine", placed.lines.get().pk)
    response = client.post(RETURN if mutation == "return" else HANDOVER, variables).json()
    placed.refresh_from_db()
    if role in ALLOWED:
        payload = next(iter(response["data"].values()))
        assert "errors" not in response and payload["errors"] == []
        assert placed.status == (OrderStatus.RETURNED if mutation == "return" else OrderStatus.DELIVERED)
    else:
        assert response["errors"][0]["message"]
        assert placed.status == OrderStatus.FULFILLED


def test_pickup_verify_through_the_api_needs_the_points_staff(buyer, rural, pears, station, station_agent, make_user):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=station)
    from marketplace.orders.services.lifecycle import order_fulfill

    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")])
    verify = """mutation($point: ID!, $code: String!) { orderPickupVerify(collectionPoint: $point, code: $code) {
      order { status } errors { code } } }"""
    variables = {"point": to_global_id("Warehouse", station.pk), "code": order.pickup_code}
    seller = GraphQLClient(token_for(pears["owner"])).execute(verify, variables)["orderPickupVerify"]
    assert [e["code"] for e in seller["errors"]] == ["NOT_COLLECTION_POINT_AGENT"]
    anonymous = GraphQLClient().post(verify, variables).json()
    assert anonymous["errors"]
    agent = GraphQLClient(token_for(station_agent)).execute(verify, variables)["orderPickupVerify"]
    assert agent["errors"] == [] and agent["order"]["status"] == "DELIVERED"
    again = GraphQLClient(token_for(station_agent)).execute(verify, variables)["orderPickupVerify"]
    assert [e["code"] for e in again["errors"]] == ["PICKUP_CODE_USED"]


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("driver", True),
        ("owner", True),
        ("operator", True),
        ("rival_seller", False),
        ("station_agent", False),
        ("other_buyer", False),
    ],
)
def test_a_locally_delivered_parcel_is_handed_over_by_a_driver_not_by_another_shop(
    role, allowed, buyer, rural, pears, make_user
):
    """Sellers collect cash at their own counter (COLLECT_CASH_ON_DELIVERY): that does not make a rival
    seller a county driver for another shop's parcels."""
    from marketplace.orders.services.lifecycle import order_fulfill

    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)])  # cash on delivery, village delivery
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")], local_delivery=True)
    if role in ("driver", "station_agent"):
        client = GraphQLClient(token_for(make_user(Role.DRIVER if role == "driver" else Role.STATION_AGENT)))
    else:
        client = client_for(role, make_user, pears)
    response = client.post(HANDOVER, {"id": to_global_id("Order", order.pk)}).json()
    order.refresh_from_db()
    if allowed:
        assert response["data"]["orderHandover"]["errors"] == []
        assert order.status == OrderStatus.DELIVERED and order.charged_amount == order.total_amount
    else:
        assert response["errors"][0]["message"]
        assert order.status == OrderStatus.FULFILLED and order.charged_amount == 0
