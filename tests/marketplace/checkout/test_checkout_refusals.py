"""Every refusal of the checkout mutations: the code, and nothing written."""

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.catalog import services as catalog
from marketplace.checkout.models import Checkout, CheckoutDelivery, CheckoutLine
from marketplace.shipping.services import shipping_method_enable
from marketplace.shops.services import shop_holiday_set
from meidu.accounts.models import Address
from tests.marketplace.checkout.factories import village_address
from tests.marketplace.checkout.helpers import new_checkout, vid
from tests.marketplace.checkout.queries import COMPLETE, CREATE, DELIVERY, LINES_ADD, LINES_UPDATE, SHIPPING_ADDRESS
from tests.marketplace.factories import listed_product, open_shop


def codes(payload):
    return [error["code"] for error in payload["errors"]]


def create(client, lines):
    return client.execute(CREATE, {"input": {"channel": "rural", "lines": lines}})["checkoutCreate"]


def test_zero_and_excessive_quantities(buyer_client, pears):
    assert codes(create(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 0}])) == ["ZERO_QUANTITY"]
    assert codes(create(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 51}])) == [
        "QUANTITY_GREATER_THAN_LIMIT"
    ]
    assert codes(create(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 21}])) == ["INSUFFICIENT_STOCK"]
    assert Checkout.objects.count() == 0 and CheckoutLine.objects.count() == 0


def test_quantity_limit_per_customer(buyer_client, pears):
    catalog.variant_update(pears["variant"], actor=pears["owner"], quantity_limit_per_customer=3)
    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 2}])
    data = buyer_client.execute(
        LINES_ADD, {"id": checkout["id"], "lines": [{"variantId": vid(pears["variant"]), "quantity": 2}]}
    )
    assert codes(data["checkoutLinesAdd"]) == ["QUANTITY_GREATER_THAN_LIMIT"]
    assert CheckoutLine.objects.get().quantity == 2


def test_unpriced_unpublished_and_holiday_products(buyer_client, rural, make_user, pears):
    owner = pears["owner"]
    unpriced = listed_product(pears["shop"], owner, rural, name="没定价", price=None).variants.get()
    hidden = listed_product(pears["shop"], owner, rural, name="未发布", published=False).variants.get()
    assert codes(create(buyer_client, [{"variantId": vid(unpriced), "quantity": 1}])) == [
        "UNAVAILABLE_VARIANT_IN_CHANNEL"
    ]
    assert codes(create(buyer_client, [{"variantId": vid(hidden), "quantity": 1}])) == ["PRODUCT_NOT_PUBLISHED"]
    shop_holiday_set(pears["shop"], actor=owner, on=True)
    assert codes(create(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])) == [
        "PRODUCT_NOT_PUBLISHED"
    ]
    assert Checkout.objects.count() == 0


def test_wrong_id_types_and_unknown_variants(buyer_client, pears):
    wrong = buyer_client.post(
        CREATE, {"input": {"channel": "rural", "lines": [{"variantId": to_global_id("Product", 1), "quantity": 1}]}}
    ).json()
    assert codes(wrong["data"]["checkoutCreate"]) == ["GRAPHQL_ERROR"]
    missing = create(buyer_client, [{"variantId": to_global_id("ProductVariant", 999999), "quantity": 1}])
    assert codes(missing) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "override,field",
    [
        ({"phone": "12345"}, "phone"),
        ({"countryArea": "火星省"}, "countryArea"),
        ({"firstName": ""}, "first_name"),
        ({"postalCode": "11"}, "postalCode"),
        ({"country": "US"}, "country"),
    ],
    ids=["bad_phone", "bad_province", "no_name", "bad_postal_code", "abroad"],
)
def test_invalid_addresses_are_refused(buyer_client, pears, override, field):
    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])
    before = Address.objects.count()
    data = buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": village_address(**override)})[
        "checkoutShippingAddressUpdate"
    ]
    assert data["errors"] and data["errors"][0]["field"] == field
    assert data["errors"][0]["code"] in {"INVALID", "REQUIRED"}
    assert Address.objects.count() == before and Checkout.objects.get().shipping_address is None


def test_delivery_method_of_another_shop_or_out_of_zone(buyer_client, pears, cooker, make_user, rural):
    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])
    buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": village_address()})
    stranger = open_shop(make_user())
    foreign = shipping_method_enable(stranger, actor=None, kind="county")
    data = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": to_global_id("ShippingMethod", foreign.pk)})
    assert codes(data["checkoutDeliveryMethodUpdate"]) == ["DELIVERY_METHOD_NOT_APPLICABLE"]
    store = to_global_id("Warehouse", cooker["store"].pk)
    data = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": store})
    assert codes(data["checkoutDeliveryMethodUpdate"]) == ["DELIVERY_METHOD_NOT_APPLICABLE"]
    own_county = pears["shop"].shipping_methods.get(kind="county")
    data = buyer_client.execute(
        DELIVERY,
        {
            "id": checkout["id"],
            "m": to_global_id("ShippingMethod", own_county.pk),
            "shop": to_global_id("MarketplaceShop", cooker["shop"].pk),
        },
    )
    assert codes(data["checkoutDeliveryMethodUpdate"]) == ["DELIVERY_METHOD_NOT_APPLICABLE"]
    # Beijing is outside every zone of the village delivery and of the north-east carrier zone.
    beijing = village_address(countryArea="北京市", city="北京市", cityArea="朝阳区", streetAddress1="建国路1号")
    buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": beijing})
    data = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": to_global_id("ShippingMethod", own_county.pk)})
    assert codes(data["checkoutDeliveryMethodUpdate"]) == ["SHIPPING_METHOD_NOT_APPLICABLE"]
    assert CheckoutDelivery.objects.count() == 0


def test_complete_needs_delivery_and_lines(buyer_client, pears):
    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])
    data = buyer_client.execute(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert codes(data) == ["SHIPPING_METHOD_NOT_SET"] and data["orders"] == []
    buyer_client.execute(
        LINES_UPDATE, {"id": checkout["id"], "lines": [{"variantId": vid(pears["variant"]), "quantity": 0}]}
    )
    data = buyer_client.execute(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert codes(data) == ["NO_LINES"]


def test_another_users_checkout_is_not_found(buyer_client, pears, make_user):
    from tests.support.graphql import GraphQLClient, token_for

    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])
    other = GraphQLClient(token_for(make_user()))
    data = other.execute(
        LINES_ADD, {"id": checkout["id"], "lines": [{"variantId": vid(pears["variant"]), "quantity": 1}]}
    )
    assert codes(data["checkoutLinesAdd"]) == ["NOT_FOUND"]
    assert CheckoutLine.objects.get().quantity == 1


def test_available_for_purchase_later_is_refused(buyer_client, pears, rural):
    product = pears["variant"].product
    catalog.product_channel_listing_update(
        product,
        actor=pears["owner"],
        update_channels=[
            {
                "channel": rural,
                "is_published": True,
                "available_for_purchase_at": timezone.now() + timezone.timedelta(days=3),
            }
        ],
    )
    assert codes(create(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])) == [
        "PRODUCT_UNAVAILABLE_FOR_PURCHASE"
    ]


def test_email_billing_address_and_foreign_lines_are_refused(buyer_client, pears, cooker):
    from tests.marketplace.checkout.queries import BILLING_ADDRESS, EMAIL, LINES_DELETE

    mine = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])
    other = new_checkout(buyer_client, [{"variantId": vid(cooker["variant"]), "quantity": 1}])
    bad_email = buyer_client.execute(EMAIL, {"id": mine["id"], "email": "not-an-address"})["checkoutEmailUpdate"]
    assert codes(bad_email) == ["INVALID"] and Checkout.objects.get(pk=mine["token"]).email == ""
    before = Address.objects.count()
    billing = buyer_client.execute(BILLING_ADDRESS, {"id": mine["id"], "a": village_address(phone="123")})[
        "checkoutBillingAddressUpdate"
    ]
    assert codes(billing) == ["INVALID"] and Address.objects.count() == before
    foreign_line = other["lines"][0]["id"]
    deleted = buyer_client.execute(LINES_DELETE, {"id": mine["id"], "ids": [foreign_line]})["checkoutLinesDelete"]
    assert codes(deleted) == ["NOT_FOUND"] and CheckoutLine.objects.count() == 2


def test_delivery_refuses_the_checkout_before_the_method(buyer_client, pears, make_user):
    """The checkout is read once, under its lock, and the method looked up after its access check: a foreign or
    unknown checkout is refused on ``id`` whatever method it names, then an unknown method on ``deliveryMethodId``."""
    from tests.support.graphql import GraphQLClient, token_for

    checkout = new_checkout(buyer_client, [{"variantId": vid(pears["variant"]), "quantity": 1}])
    stranger = GraphQLClient(token_for(make_user()))
    unknown_method = to_global_id("ShippingMethod", 999999)
    gone = to_global_id("Checkout", "5c1b0f33-51a4-4a5e-9d1c-8c0a3c9c2f00")
    for client, checkout_id, method, expected in [
        (stranger, checkout["id"], unknown_method, ("id", "NOT_FOUND")),
        (stranger, checkout["id"], "garbage", ("id", "NOT_FOUND")),
        (buyer_client, gone, "garbage", ("id", "NOT_FOUND")),
        (buyer_client, checkout["id"], unknown_method, ("deliveryMethodId", "NOT_FOUND")),
        (buyer_client, checkout["id"], "garbage", ("deliveryMethodId", "GRAPHQL_ERROR")),
    ]:
        data = client.execute(DELIVERY, {"id": checkout_id, "m": method})["checkoutDeliveryMethodUpdate"]
        assert [(e["field"], e["code"]) for e in data["errors"]] == [expected]
    assert CheckoutDelivery.objects.count() == 0
