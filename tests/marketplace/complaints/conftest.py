import pytest

from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.factories import open_shop
from tests.marketplace.reviews.helpers import deliver
from tests.support.graphql import GraphQLClient, token_for


@pytest.fixture
def order(buyer, rural, pears):
    """A prepaid order of pears, delivered (the after-sales window is open)."""
    [placed] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    return deliver(placed, pears["owner"], buyer)


@pytest.fixture
def owner(pears):
    return pears["owner"]


@pytest.fixture
def clients(make_user, buyer, owner):
    """GraphQL clients of everyone who may or may not act on the buyer's complaint."""
    rival = make_user()
    open_shop(rival)
    return {
        "anonymous": GraphQLClient(),
        "buyer": GraphQLClient(token_for(buyer)),
        "owner": GraphQLClient(token_for(owner)),
        "rival_seller": GraphQLClient(token_for(rival)),
        "stranger": GraphQLClient(token_for(make_user())),
        "operator": GraphQLClient(token_for(make_user(Role.OPERATOR))),
    }
