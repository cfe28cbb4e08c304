"""A farmer who delivers their own orders (“I can deliver orders myself”) and marks home as a pickup
point is offered to buyers as such: the seller's own delivery among the shipping methods (to the
county's villages, free) and the home pickup point before the village stations, in the API and on
the page; the order placed with it is the seller's to carry, not the county run's."""

import re

import pytest
from graphql_relay import to_global_id

from logistics.geography.models import Village
from marketplace.inventory.services import warehouse_create
from marketplace.orders.models import Fulfillment, Order
from marketplace.orders.selectors import order_by_county_run, orders_on_village_runs
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.shipping.models import ShippingKind, ShippingMethod
from marketplace.shipping.services import delivery_zone_create, shipping_method_enable
from marketplace.shops.selectors import shop_checklist
from marketplace.shops.services import shop_apply, shop_update
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from tests.marketplace.checkout.factories import village_address, village_station
from tests.marketplace.checkout.queries import COMPLETE, CREATE, DELIVERY, PAY, SHIPPING_ADDRESS
from tests.marketplace.factories import listed_product, open_shop, valid_id_number
from tests.support.buying import CHECKOUT, add, address_form, cart_of, html, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def farmer(make_user, rural, zones):
    """A farmer who delivers and whose home is the pickup point; no platform shipping method enabled."""
    owner = make_user(Role.BUYER)
    shop = open_shop(owner)  # offers_delivery=True, like the “I can deliver orders myself” box
    village = Village.objects.select_related("town").order_by("-code").first()
    warehouse_create(
        shop, actor=owner, name="老李家", kind="home", village=village, street_address="3组", is_pickup_point=True
    )
    product = listed_product(shop, owner, rural, name="笨鸡蛋")
    return {"owner": owner, "shop": shop, "variant": product.variants.get(), "home": shop.warehouses.get()}


@pytest.fixture
def stations(make_user, zones):
    return [village_station(make_user(Role.BUYER), make_user(Role.BUYER)) for _ in range(2)]


def test_offering_delivery_gives_the_shop_its_own_method_and_withdrawing_removes_it(farmer):
    shop = farmer["shop"]
    method = ShippingMethod.objects.get(shop=shop, kind=ShippingKind.SELLER)
    assert method.is_active and not shop.shipping_methods.exclude(kind=ShippingKind.SELLER).exists()

    shop_update(shop, actor=farmer["owner"], offers_delivery=False)
    method.refresh_from_db()
    assert not method.is_active
    shop_update(shop, actor=farmer["owner"], offers_delivery=True)
    method.refresh_from_db()
    assert method.is_active and ShippingMethod.objects.filter(shop=shop, kind=ShippingKind.SELLER).count() == 1


def test_a_platform_method_does_not_make_the_shop_deliver_itself(make_user, rural, zones):
    owner = make_user(Role.BUYER)
    shop = shop_apply(
        owner,
        name="百货二店",
        kind="store",
        track="business",
        real_name="李建国",
        id_number=valid_id_number(77),
        payout_account_name="李建国",
        payout_account_number="6222020000999999",
        accept_terms=True,
        business_licence_number="91210882MA0XY7777T",
    )
    shipping_method_enable(shop, actor=owner, kind="carrier")
    shop.refresh_from_db()
    assert not shop.offers_delivery and not shop.shipping_methods.filter(kind=ShippingKind.SELLER).exists()
    assert {item.code: item.done for item in shop_checklist(shop)}["delivery"]  # a carrier counts as delivery


def test_no_platform_zone_is_made_for_a_sellers_own_delivery(zones):
    with pytest.raises(DomainError) as refused:
        delivery_zone_create(actor=None, name="自送", kind="seller", base_fee="0", towns=zones["towns"][:1])
    assert refused.value.code == "invalid" and refused.value.field == "kind"


def test_the_api_offers_the_sellers_delivery_and_home_pickup_first(buyer_client, farmer, stations):
    created = buyer_client.execute(
        CREATE,
        {
            "input": {
                "channel": "rural",
                "lines": [{"variantId": to_global_id("ProductVariant", farmer["variant"].pk), "quantity": 2}],
            }
        },
    )["checkoutCreate"]
    checkout = created["checkout"]
    [group] = checkout["deliveries"]
    points = [point["id"] for point in group["availableCollectionPoints"]]
    assert points == [to_global_id("Warehouse", point.pk) for point in [farmer["home"], *stations]]

    in_county = buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": village_address()})
    [group] = in_county["checkoutShippingAddressUpdate"]["checkout"]["deliveries"]
    own = to_global_id("ShippingMethod", ShippingMethod.objects.get(shop=farmer["shop"], kind="seller").pk)
    assert [(method["id"], method["price"]["amount"]) for method in group["shippingMethods"]] == [(own, 0.0)]

    far = village_address(streetAddress1="朝阳区建国路1号", city="北京市", cityArea="朝阳区", countryArea="北京市")
    far_away = buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": far})
    [group] = far_away["checkoutShippingAddressUpdate"]["checkout"]["deliveries"]
    assert group["shippingMethods"] == []  # the farmer drives to the county's villages only
    refused = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": own})["checkoutDeliveryMethodUpdate"]
    assert [error["code"] for error in refused["errors"]] == ["SHIPPING_METHOD_NOT_APPLICABLE"]

    buyer_client.execute(SHIPPING_ADDRESS, {"id": checkout["id"], "a": village_address()})
    chosen = buyer_client.execute(DELIVERY, {"id": checkout["id"], "m": own})["checkoutDeliveryMethodUpdate"]
    assert chosen["errors"] == [] and chosen["checkout"]["deliveries"][0]["deliveryMethod"]["id"] == own
    buyer_client.execute(PAY, {"id": checkout["id"], "gateway": "meidu.payments.cod", "key": "own-1"})
    done = buyer_client.execute(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert done["errors"] == [] and done["order"]["deliveryKind"] == "shipping"

    order = Order.objects.get()
    assert order.shipping_method.kind == "seller" and not order_by_county_run(order)
    order_fulfill(order, actor=farmer["owner"], lines=[(order.lines.get(), 2, "2.0")])
    assert not Fulfillment.objects.get().local_delivery and list(orders_on_village_runs()) == []


def test_the_checkout_page_offers_the_sellers_delivery_and_home_first(buyer, farmer, stations):
    client = login(buyer)
    add(client, farmer["variant"], 1)
    assert client.post(CHECKOUT, address_form()).status_code == 302
    page = html(client.get(CHECKOUT))
    own = ShippingMethod.objects.get(shop=farmer["shop"], kind="seller")
    values = re.findall(rf'name="delivery_{farmer["shop"].pk}" value="(\w+)"', page)
    assert values == [f"m{own.pk}", f"p{farmer['home'].pk}", *[f"p{station.pk}" for station in stations]]
    assert "卖家送货上门" in page and f"{farmer['shop'].name} 亲自送货上门" in page and "到卖家处自提" in page

    client.cookies["django_language"] = "en"
    english = html(client.get(CHECKOUT))
    assert "Delivered by the seller" in english and "brings it to your door" in english
    assert cart_of(buyer).lines.count() == 1
