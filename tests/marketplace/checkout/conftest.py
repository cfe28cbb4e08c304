import pytest

from meidu.accounts.roles import Role
from tests.conftest import GraphQLClient, token_for
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears, store_with_cooker, village_station


@pytest.fixture
def zones(db):
    return county_and_zones()


@pytest.fixture
def pears(make_user, rural, zones):
    owner = make_user(Role.BUYER)
    shop, variant = farmer_with_pears(owner, rural)
    return {"owner": owner, "shop": shop, "variant": variant, "warehouse": shop.warehouses.get()}


@pytest.fixture
def cooker(make_user, rural, zones):
    owner = make_user(Role.BUYER)
    shop, variant, store = store_with_cooker(owner, rural)
    return {"owner": owner, "shop": shop, "variant": variant, "store": store}


@pytest.fixture
def station_agent(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def station(make_user, station_agent, zones):
    return village_station(make_user(Role.BUYER), station_agent)


@pytest.fixture
def buyer_client(buyer):
    return GraphQLClient(token_for(buyer))
