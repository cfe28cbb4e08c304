"""The address and delivery mutations answer from the CheckoutInfo their service computed under the
checkout's lock (not a second read): their answer must equal what the next read of the checkout says,
also when the write changed that info (a chosen delivery the new address no longer allows is cleared;
a delivery just chosen is priced)."""

from tests.marketplace.checkout.factories import village_address
from tests.marketplace.checkout.helpers import new_checkout, vid
from tests.marketplace.checkout.queries import CHECKOUT_FIELDS, DELIVERY, SHIPPING_ADDRESS

READ = "query($id: ID) { checkout(id: $id) { %s } }" % CHECKOUT_FIELDS
VOLATILE = {"stockReservationExpires"}  # moves with every write, not part of the info


def _read(client, checkout_id):
    return _stable(client.execute(READ, {"id": checkout_id})["checkout"])


def _stable(checkout):
    return {key: value for key, value in checkout.items() if key not in VOLATILE}


def test_address_and_delivery_answers_equal_the_next_read(buyer_client, pears):
    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 2}])
    addressed = buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": village_address()})[
        "checkoutShippingAddressUpdate"
    ]
    assert addressed["errors"] == []
    assert _stable(addressed["checkout"]) == _read(buyer_client, checkout["id"])
    county = next(m for m in addressed["checkout"]["shippingMethods"] if m["kind"] == "county")

    chosen = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": county["id"]})["checkoutDeliveryMethodUpdate"]
    assert chosen["errors"] == []
    assert chosen["checkout"]["deliveries"][0]["deliveryMethod"] == {"__typename": "ShippingMethod", "id": county["id"]}
    assert chosen["checkout"]["shippingPrice"]["gross"]["amount"] == 7.0
    assert _stable(chosen["checkout"]) == _read(buyer_client, checkout["id"])

    # Beijing is outside the village delivery's zones: the choice is cleared, in the answer as in the read.
    beijing = village_address(countryArea="北京市", city="北京市", cityArea="朝阳区", streetAddress1="建国路1号")
    moved = buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": beijing})[
        "checkoutShippingAddressUpdate"
    ]
    assert moved["errors"] == []
    assert moved["checkout"]["deliveries"][0]["deliveryMethod"] is None
    assert moved["checkout"]["shippingPrice"]["gross"]["amount"] == 0.0
    assert _stable(moved["checkout"]) == _read(buyer_client, checkout["id"])
