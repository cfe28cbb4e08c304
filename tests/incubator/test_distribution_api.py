"""Distribution through the API (issue 16): a distributor picks an offer within its bounds, changes the price,
takes it off; a supplier pausing hides every pick at once; a supplier's new bounds pause the picks they
leave out and tell the distributor; orders show the buyer masked; another distributor is refused and
writes nothing; bad prices and picks of paused offers are refused with a code."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from incubator.distribution.models import DistributionPick, DistributionPickEvent
from incubator.distribution.selectors import distribution_pick_list_live
from incubator.distribution.services import distribution_pick
from incubator.referrals.models import ReferralLink
from incubator.supply.services import supply_offer_open, supply_offer_pause, supply_offer_update
from marketplace.shops.models import ShopNotice
from meidu.accounts.roles import Role
from meidu.integrations.models import EventPayload
from tests.marketplace.factories import open_shop
from tests.support.distribution import resale_orders
from tests.support.graphql import GraphQLClient, token_for

PICK = """mutation($shop: ID!, $offer: ID!, $price: String!) {
  distributionPick(shop: $shop, offer: $offer, retailPrice: $price) {
    pick { id retailPrice state isOnSale offer { productName } } errors { field code } } }"""
PRICE = """mutation($pick: ID!, $price: String!) {
  distributionPriceSet(pick: $pick, retailPrice: $price) { pick { retailPrice state } errors { field code } } }"""
UNPICK = "mutation($pick: ID!) { distributionUnpick(pick: $pick) { pick { state } errors { field code } } }"
PICKS = "query($shop: ID!) { distributionPicks(shop: $shop) { id retailPrice state reason isOnSale } }"
ORDERS = """query($shop: ID!) { distributorOrders(shop: $shop) {
  number supplierShopName total buyerName buyerPhone buyerAddress lines { productName quantity unitPrice } } }"""
LINK = """mutation($shop: ID!, $pick: ID) { referralLinkCreate(shop: $shop, pick: $pick) {
  link { code url qrCodeUrl } errors { field code } } }"""


def sid(shop):
    return to_global_id("MarketplaceShop", shop.pk)


def gid(kind, obj):
    return to_global_id(kind, obj.pk)


def test_pick_price_and_unpick(distributor, offer):
    client = GraphQLClient(token_for(distributor["owner"]))
    picked = client.execute(
        PICK, {"shop": sid(distributor["shop"]), "offer": gid("SupplyOffer", offer), "price": "13.80"}
    )
    result = picked["distributionPick"]
    assert result["errors"] == [] and result["pick"]["isOnSale"] and result["pick"]["retailPrice"] == "13.80"
    pick = DistributionPick.objects.get()
    again = client.execute(
        PICK, {"shop": sid(distributor["shop"]), "offer": gid("SupplyOffer", offer), "price": "13.00"}
    )
    assert again["distributionPick"]["errors"] == [{"field": "offer", "code": "ALREADY_PICKED"}]
    priced = client.execute(PRICE, {"pick": gid("DistributionPick", pick), "price": "15.00"})["distributionPriceSet"]
    assert priced["errors"] == [] and priced["pick"]["retailPrice"] == "15.00"
    off = client.execute(UNPICK, {"pick": gid("DistributionPick", pick)})["distributionUnpick"]
    assert off["pick"]["state"] == "REMOVED"
    assert list(pick.events.values_list("action", flat=True)) == ["picked", "priced", "unpicked"]
    assert EventPayload.objects.filter(event_type="distribution_picked").count() == 0  # no app subscribed
    back = client.execute(
        PICK, {"shop": sid(distributor["shop"]), "offer": gid("SupplyOffer", offer), "price": "12.00"}
    )
    assert back["distributionPick"]["pick"]["state"] == "LIVE"


BAD_PRICES = [
    ("9.99", "RETAIL_OUT_OF_BOUNDS"),
    ("16.01", "RETAIL_OUT_OF_BOUNDS"),
    ("NaN", "INVALID_AMOUNT"),
    ("Infinity", "INVALID_AMOUNT"),
    ("1e30", "INVALID_AMOUNT"),
    ("-13", "INVALID_AMOUNT"),
    ("13.001", "INVALID_AMOUNT"),
]


@pytest.mark.parametrize("price, code", BAD_PRICES)
def test_bad_retail_prices_are_refused_writing_nothing(distributor, offer, pick, price, code):
    client = GraphQLClient(token_for(distributor["owner"]))
    events = DistributionPickEvent.objects.count()
    priced = client.execute(PRICE, {"pick": gid("DistributionPick", pick), "price": price})["distributionPriceSet"]
    assert priced["errors"] == [{"field": "retailPrice", "code": code}]
    pick.refresh_from_db()
    assert pick.retail_price == Decimal("13.80") and DistributionPickEvent.objects.count() == events
    other = open_shop(distributor["owner"], name="第二家店", kind="distributor")
    picked = client.execute(PICK, {"shop": sid(other), "offer": gid("SupplyOffer", offer), "price": price})
    assert picked["distributionPick"]["errors"] == [{"field": "retailPrice", "code": code}]
    assert not DistributionPick.objects.filter(distributor_shop=other).exists()


def test_a_paused_offer_cannot_be_picked_and_its_picks_disappear_at_once(coop, distributor, offer, pick, make_user):
    second_owner = make_user(Role.BUYER)
    second = open_shop(second_owner, name="另一家分销店", kind="distributor")
    assert list(distribution_pick_list_live(distributor["shop"].pk)) == [pick]
    supply_offer_pause(offer, actor=coop["owner"])
    assert list(distribution_pick_list_live(distributor["shop"].pk)) == []
    client = GraphQLClient(token_for(second_owner))
    refused = client.execute(PICK, {"shop": sid(second), "offer": gid("SupplyOffer", offer), "price": "13.00"})
    assert refused["distributionPick"]["errors"] == [{"field": "offer", "code": "OFFER_NOT_OPEN"}]
    assert not DistributionPick.objects.filter(distributor_shop=second).exists()
    mine = GraphQLClient(token_for(distributor["owner"])).execute(PICKS, {"shop": sid(distributor["shop"])})
    assert mine["distributionPicks"][0]["isOnSale"] is False and mine["distributionPicks"][0]["state"] == "LIVE"
    supply_offer_open(offer, actor=coop["owner"])
    assert list(distribution_pick_list_live(distributor["shop"].pk)) == [pick]


def test_new_bounds_pause_the_picks_they_leave_out_and_tell_the_distributor(coop, distributor, offer, pick, make_user):
    inside_owner = make_user(Role.BUYER)
    inside_shop = open_shop(inside_owner, name="价格合适的店", kind="distributor")
    inside = distribution_pick(actor=inside_owner, shop=inside_shop, offer=offer, retail_price="15.00")
    supply_offer_update(
        offer, actor=coop["owner"], data={"min_retail_price": "14.00", "suggested_retail_price": "15.00"}
    )
    pick.refresh_from_db()
    inside.refresh_from_db()
    assert (pick.state, pick.reason) == ("paused", "price_out_of_bounds")
    assert inside.state == "live"
    notice = ShopNotice.objects.get(shop=distributor["shop"], kind="distribution_pick_paused")
    assert "14.00" in notice.message and notice.data["pick"] == pick.pk
    assert not ShopNotice.objects.filter(shop=inside_shop, kind="distribution_pick_paused").exists()
    client = GraphQLClient(token_for(distributor["owner"]))
    picks = client.execute(PICKS, {"shop": sid(distributor["shop"])})["distributionPicks"]
    assert picks[0]["reason"] == "PRICE_OUT_OF_BOUNDS" and not picks[0]["isOnSale"]
    priced = client.execute(PRICE, {"pick": gid("DistributionPick", pick), "price": "14.50"})["distributionPriceSet"]
    assert priced["pick"]["state"] == "LIVE"


def test_another_distributor_is_refused_reading_and_acting_writing_nothing(
    buyer, rural, coop, distributor, offer, pick, make_user
):
    resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 2)])
    rival_owner = make_user(Role.BUYER)
    open_shop(rival_owner, name="别人家的店", kind="distributor")
    rival = GraphQLClient(token_for(rival_owner))
    shop = sid(distributor["shop"])
    for query in (PICKS, ORDERS):
        body = rival.post(query, {"shop": shop}).json()
        assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
        assert body["data"] is None or not any(body["data"].values())
    events = DistributionPickEvent.objects.count()
    priced = rival.execute(PRICE, {"pick": gid("DistributionPick", pick), "price": "15.00"})["distributionPriceSet"]
    assert priced["errors"][0]["code"] == "FORBIDDEN"
    off = rival.execute(UNPICK, {"pick": gid("DistributionPick", pick)})["distributionUnpick"]
    assert off["errors"][0]["code"] == "FORBIDDEN"
    picked = rival.execute(PICK, {"shop": shop, "offer": gid("SupplyOffer", offer), "price": "13.00"})
    assert picked["distributionPick"]["errors"][0]["code"] == "FORBIDDEN"
    link = rival.execute(LINK, {"shop": shop, "pick": gid("DistributionPick", pick)})["referralLinkCreate"]
    assert link["errors"][0]["code"] == "FORBIDDEN"
    pick.refresh_from_db()
    assert pick.retail_price == Decimal("13.80") and pick.state == "live"
    assert DistributionPickEvent.objects.count() == events and not ReferralLink.objects.exists()
    # the shop's own owner reads its orders, buyer masked
    orders = GraphQLClient(token_for(distributor["owner"])).execute(ORDERS, {"shop": shop})["distributorOrders"]
    assert len(orders) == 1
    [order] = orders
    assert order["supplierShopName"] == coop["shop"].name
    assert order["buyerPhone"] == "139****0001"
    assert order["buyerName"].endswith("**") and "3组" not in order["buyerAddress"]
    assert order["lines"] == [{"productName": "南果梨", "quantity": 2, "unitPrice": "13.80"}]


def test_distributor_orders_cost_a_fixed_number_of_queries(
    buyer, rural, coop, distributor, pick, django_assert_max_num_queries
):
    for n in range(3):
        resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)], key=f"pay-{n}")
    client = GraphQLClient(token_for(distributor["owner"]))
    with django_assert_max_num_queries(10):
        orders = client.execute(ORDERS, {"shop": sid(distributor["shop"])})["distributorOrders"]
    assert len(orders) == 3
    with django_assert_max_num_queries(10):
        picks = client.execute(PICKS, {"shop": sid(distributor["shop"])})["distributionPicks"]
    assert len(picks) == 1


def test_share_links_per_shop_and_per_pick(distributor, pick):
    client = GraphQLClient(token_for(distributor["owner"]))
    shop_link = client.execute(LINK, {"shop": sid(distributor["shop"])})["referralLinkCreate"]["link"]
    pick_link = client.execute(LINK, {"shop": sid(distributor["shop"]), "pick": gid("DistributionPick", pick)})
    pick_link = pick_link["referralLinkCreate"]["link"]
    assert shop_link["code"] != pick_link["code"]
    assert shop_link["url"].endswith(f"/r/{shop_link['code']}/")
    assert pick_link["qrCodeUrl"].endswith(f"/r/{pick_link['code']}/qr.png")
    again = client.execute(LINK, {"shop": sid(distributor["shop"])})["referralLinkCreate"]["link"]
    assert again["code"] == shop_link["code"] and ReferralLink.objects.count() == 2
