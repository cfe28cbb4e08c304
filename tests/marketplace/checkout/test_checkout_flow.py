"""A buyer in a village checks out pears from a farmer and a rice cooker from the department store:
station pickup for one, store pickup for the other, cash on delivery; one order per shop."""

from graphql_relay import to_global_id

from marketplace.checkout.models import Checkout, Reservation
from marketplace.inventory.models import Stock, StockMovement
from marketplace.orders.models import Order
from tests.marketplace.checkout.factories import village_address
from tests.marketplace.checkout.helpers import new_checkout, vid
from tests.marketplace.checkout.queries import COMPLETE, DELIVERY, PAY, SHIPPING_ADDRESS

COD = "meidu.payments.cod"


def test_two_shops_station_and_store_pickup_cash_on_delivery(buyer_client, buyer, pears, cooker, station):
    checkout = new_checkout(
        buyer_client,
        [{"variantId": vid(pears["variant"]), "quantity": 2}, {"variantId": vid(cooker["variant"]), "quantity": 1}],
    )
    assert checkout["quantity"] == 3
    assert checkout["subtotalPrice"]["gross"] == {"amount": 224.0, "currency": "CNY"}
    assert len(checkout["deliveries"]) == 2
    assert checkout["stockReservationExpires"] is not None
    assert Reservation.objects.filter(checkout_line__checkout_id=checkout["token"]).count() == 2

    farmer_group = next(
        g
        for g in checkout["deliveries"]
        if g["shop"]["id"].endswith(str(pears["shop"].pk)) or g["shop"]["name"] == pears["shop"].name
    )
    station_id = to_global_id("Warehouse", station.pk)
    store_id = to_global_id("Warehouse", cooker["store"].pk)
    assert station_id in {p["id"] for p in farmer_group["availableCollectionPoints"]}

    farmer_shop_id = farmer_group["shop"]["id"]
    data = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": station_id, "shop": farmer_shop_id})[
        "checkoutDeliveryMethodUpdate"
    ]
    assert data["errors"] == []
    data = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": store_id})["checkoutDeliveryMethodUpdate"]
    assert data["errors"] == []
    kinds = {g["shop"]["name"]: g["deliveryMethod"]["id"] for g in data["checkout"]["deliveries"]}
    assert kinds == {pears["shop"].name: station_id, cooker["shop"].name: store_id}
    assert data["checkout"]["totalPrice"]["gross"]["amount"] == 224.0  # pickup costs nothing

    unpaid = buyer_client.execute(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert [e["code"] for e in unpaid["errors"]] == ["CHECKOUT_NOT_FULLY_PAID"]
    assert Order.objects.count() == 0

    paid = buyer_client.execute(PAY, {"id": checkout["id"], "gateway": COD, "key": "cod-1"})["transactionInitialize"]
    assert paid["errors"] == [] and paid["transaction"]["authorizedAmount"]["amount"] == 224.0

    done = buyer_client.execute(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert done["errors"] == []
    orders = done["orders"]
    assert len(orders) == 2 and done["order"]["id"] == orders[0]["id"]
    assert sorted(o["total"]["gross"]["amount"] for o in orders) == [25.0, 199.0]
    assert all(o["status"] == "UNCONFIRMED" and o["deliveryKind"] == "collection" for o in orders)
    assert all(len(o["pickupCode"]) == 6 for o in orders)
    assert all(o["authorizeStatus"] == "FULL" and o["chargeStatus"] == "NONE" for o in orders)
    assert int(orders[1]["number"]) == int(orders[0]["number"]) + 1
    assert not Checkout.objects.filter(pk=checkout["token"]).exists()
    assert not Reservation.objects.exists()

    pear_stock = Stock.objects.get(variant=pears["variant"])
    assert (pear_stock.quantity, pear_stock.quantity_allocated) == (20, 2)
    assert StockMovement.objects.filter(stock=pear_stock, kind="allocated", allocated_delta=2).exists()

    again = buyer_client.execute(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert again["errors"] == [] and [o["id"] for o in again["orders"]] == [o["id"] for o in orders]
    assert Order.objects.count() == 2


def test_village_delivery_is_priced_by_zone_and_weight(buyer_client, pears):
    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 2}])
    data = buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": village_address()})[
        "checkoutShippingAddressUpdate"
    ]
    assert data["errors"] == []
    address = data["checkout"]["shippingAddress"]
    assert address["phone"] == "+8613904170001" and address["village"]
    methods = {m["kind"]: m for m in data["checkout"]["shippingMethods"]}
    # 2 × 2.5 kg = 5 kg: near zone 3.00 + 4 started kg × 1.00; north-east carrier 8.00 + 4 × 2.00.
    assert methods["county"]["price"]["amount"] == 7.0
    assert methods["carrier"]["price"]["amount"] == 16.0
    chosen = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": methods["county"]["id"]})[
        "checkoutDeliveryMethodUpdate"
    ]
    assert chosen["errors"] == []
    assert chosen["checkout"]["shippingPrice"]["gross"]["amount"] == 7.0
    assert chosen["checkout"]["totalPrice"]["gross"]["amount"] == 32.0


def test_a_cart_filled_before_login_is_attached_to_the_buyer(pears, buyer, make_user):
    from tests.support.graphql import GraphQLClient, token_for

    anonymous = GraphQLClient()
    checkout = new_checkout(anonymous, [{"variantId": vid(pears["variant"]), "quantity": 1}])
    attach = "mutation($id: ID) { checkoutCustomerAttach(id: $id) { checkout { id } errors { code } } }"
    assert anonymous.post(attach, {"id": checkout["id"]}).json()["errors"]
    data = GraphQLClient(token_for(buyer)).execute(attach, {"id": checkout["id"]})["checkoutCustomerAttach"]
    assert data["errors"] == [] and Checkout.objects.get(pk=checkout["token"]).user == buyer
    other = GraphQLClient(token_for(make_user())).execute(attach, {"id": checkout["id"]})["checkoutCustomerAttach"]
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
    assert Checkout.objects.get(pk=checkout["token"]).user == buyer
