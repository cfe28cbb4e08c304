"""Issue 13, the owner columns of the shops' own fields: two farmers' shops, each with a buyer who
filed a complaint about their order. Each buyer lists only their own complaints, each shop only
its own (the other shop's member is refused), each seller only the shops they work for; a
pre-sale is opened on a shop's variant by that shop alone, the other shop writing nothing."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.complaints.services import complaint_create
from meidu.accounts.roles import Role
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.factories import channels
from tests.marketplace.reviews.helpers import deliver
from tests.meidu.security.owner_checks import refusal_code, writes
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

MY_COMPLAINTS = "{ myComplaints(first: 10) { totalCount edges { node { id } } } }"
SHOP_COMPLAINTS = "query($shop: ID!) { shopComplaints(shop: $shop, first: 10) { totalCount edges { node { id } } } }"
MY_SHOPS = "{ myShops { id } }"
PRESALE = """mutation($v: ID!, $on: Date!) { presaleCampaignOpen(variant: $v, channel: "rural", depositPercent: "25",
  expectedQuantity: 8, harvestExpectedOn: $on) { campaign { status } errors { code } } }"""


def shop_gid(shop):
    return to_global_id("MarketplaceShop", shop.pk)


@pytest.fixture
def two_shops(make_user):
    """Shops ``a`` and ``b``: each a seller, a variant, a buyer and that buyer's complaint."""
    county_and_zones()
    _, rural = channels()
    sides = {}
    for name in ("a", "b"):
        seller, buyer = make_user(Role.BUYER), make_user(Role.BUYER)
        shop, variant = farmer_with_pears(seller, rural)
        [order] = placed_orders(buyer, rural, [(variant, 1)], gateway=OFFLINE, action="CHARGE", key=f"own-{name}")
        complaint = complaint_create(deliver(order, seller, buyer), buyer=buyer, category="quality", description="坏果")
        sides[name] = SimpleNamespace(
            seller=GraphQLClient(token_for(seller)),
            buyer=GraphQLClient(token_for(buyer)),
            shop=shop,
            variant=variant,
            complaint=to_global_id("Complaint", complaint.pk),
        )
    return sides


def ids(connection):
    return {edge["node"]["id"] for edge in connection["edges"]}


def test_each_buyer_and_each_shop_lists_only_their_own_complaints(two_shops):
    for mine, theirs in (("a", "b"), ("b", "a")):
        me, other = two_shops[mine], two_shops[theirs]
        assert ids(me.buyer.execute(MY_COMPLAINTS)["myComplaints"]) == {me.complaint}
        assert ids(me.seller.execute(SHOP_COMPLAINTS, {"shop": shop_gid(me.shop)})["shopComplaints"]) == {me.complaint}
        refused = me.seller.post(SHOP_COMPLAINTS, {"shop": shop_gid(other.shop)}).json()
        assert refusal_code(refused, "shopComplaints") == "PermissionDenied", refused
        # A seller is nobody's buyer here: their own complaints are none.
        assert me.seller.execute(MY_COMPLAINTS)["myComplaints"]["totalCount"] == 0


def test_each_seller_lists_only_the_shops_they_work_for(two_shops):
    for mine, _theirs in (("a", "b"), ("b", "a")):
        assert two_shops[mine].seller.execute(MY_SHOPS)["myShops"] == [{"id": shop_gid(two_shops[mine].shop)}]
        assert two_shops[mine].buyer.execute(MY_SHOPS)["myShops"] == []


def test_only_the_variants_shop_opens_its_presale_and_the_other_shop_writes_nothing(two_shops):
    variables = {
        "v": to_global_id("ProductVariant", two_shops["a"].variant.pk),
        "on": str(timezone.localdate() + timedelta(days=20)),
    }
    before = writes()
    refused = two_shops["b"].seller.post(PRESALE, variables).json()
    assert refusal_code(refused, "presaleCampaignOpen") == "PermissionDenied", refused
    assert "MANAGE_PRODUCTS" in refused["errors"][0]["message"]
    assert writes() == before, "the other shop's refused pre-sale wrote rows"

    opened = two_shops["a"].seller.execute(PRESALE, variables)["presaleCampaignOpen"]
    assert opened == {"campaign": {"status": "OPEN"}, "errors": []}
