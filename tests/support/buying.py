"""The buying world, one set of fixtures for the checkout, order, settlement and page tests (a plugin
registered in tests/conftest.py): a farmer selling pears (village delivery and carrier), a department
store selling rice cookers (store pickup and carrier), a village station with its agent, delivery
zones, the commission rules; and the helpers of the buying pages (log in, cart, address form).
"""

import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from logistics.geography.models import Village
from marketplace.catalog.models import Category
from marketplace.checkout.models import Checkout
from marketplace.settlement.models import CommissionRule
from meidu.accounts.roles import Role
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears, store_with_cooker, village_station
from tests.marketplace.factories import catalogue_basics, channels
from tests.support.graphql import GraphQLClient, token_for


@pytest.fixture
def rural(db):
    """The rural channel (tests/marketplace's conftest gives the same one through ``channel_pair``)."""
    return channels()[1]


@pytest.fixture
def zones(db):
    return county_and_zones()


@pytest.fixture
def pears(make_user, rural, zones):
    owner = make_user(Role.BUYER)
    shop, variant = farmer_with_pears(owner, rural)
    return {
        "owner": owner,
        "shop": shop,
        "variant": variant,
        "product": variant.product,
        "warehouse": shop.warehouses.get(),
    }


@pytest.fixture
def cooker(make_user, rural, zones):
    owner = make_user(Role.BUYER)
    shop, variant, store = store_with_cooker(owner, rural)
    return {"owner": owner, "shop": shop, "variant": variant, "store": store, "product": variant.product}


@pytest.fixture
def station_agent(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def station(make_user, station_agent, zones):
    return village_station(make_user(Role.BUYER), station_agent)


@pytest.fixture
def buyer_client(buyer):
    """The buyer on the GraphQL API."""
    return GraphQLClient(token_for(buyer))


@pytest.fixture
def buyer_web(buyer):
    """The buyer on the pages."""
    client = Client()
    client.force_login(buyer)
    return client


@pytest.fixture
def rules(db):
    """Default 5%; fruit 4%; pears (a sub-category of fruit) 3%; fruit sold by stores 6%; stores 8%.
    The pears of the farmer's microshop pay 3%, the department store's cooker (filed under fruit) 6%."""
    basics = catalogue_basics()
    start = timezone.now() - timezone.timedelta(days=30)
    made = {
        "default": CommissionRule.objects.create(rate_percent="5.00", effective_from=start),
        "fruit": CommissionRule.objects.create(category=basics["fruit"], rate_percent="4.00", effective_from=start),
        "pears": CommissionRule.objects.create(category=basics["pears"], rate_percent="3.00", effective_from=start),
        "fruit_store": CommissionRule.objects.create(
            category=basics["fruit"], shop_kind="store", rate_percent="6.00", effective_from=start
        ),
        "store": CommissionRule.objects.create(shop_kind="store", rate_percent="8.00", effective_from=start),
    }
    assert Category.objects.get(slug="pears").parent_id == basics["fruit"].pk
    return made


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def address_form(**changes) -> dict:
    village = Village.objects.select_related("town").order_by("code").first()
    data = {
        "recipient": "王秀英",
        "phone": "139 0417 0001",
        "province": "辽宁省",
        "city": "营口市",
        "county": "大石桥市",
        "village": village.pk,
        "street": "3组12号",
        "postal_code": "",
    }
    return {**data, **changes}


def html(response) -> str:
    return response.content.decode()


CART, CHECKOUT, PLACE = "/shop/cart/", "/shop/checkout/", "/shop/checkout/place/"


def add(client, variant, quantity=1):
    return client.post("/shop/cart/add/", {"variant": variant.pk, "quantity": quantity})


def cart_of(user) -> Checkout:
    return Checkout.objects.get(user=user)


def place_form(checkout, **choices) -> dict:
    data = {"token": str(checkout.pk), "attempt": uuid.uuid4().hex, "action": "place"}
    data.update(choices)
    return data


def prepared(buyer_web, buyer, pears, cooker, station):
    """Pears and a cooker in the cart, address saved: (checkout, choices picking station and store pickup)."""
    add(buyer_web, pears["variant"], 2)
    add(buyer_web, cooker["variant"], 1)
    assert buyer_web.post(CHECKOUT, address_form()).status_code == 302
    checkout = cart_of(buyer)
    return checkout, {
        f"delivery_{pears['shop'].pk}": f"p{station.pk}",
        f"delivery_{cooker['shop'].pk}": f"p{cooker['store'].pk}",
    }


def expected_total(client) -> str:
    return re.search(r'name="expected_total" value="([0-9.]+)"', html(client.get(CHECKOUT))).group(1)
