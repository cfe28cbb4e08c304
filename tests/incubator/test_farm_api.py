"""The farm information API: who may call what (the access matrix's proofs), refusals with
FarmInfoErrorCode and nothing written, masked phones, and listings at a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from graphql_relay import to_global_id

from incubator.fairs.services import fair_open, stall_apply, stall_decide
from incubator.posts.models import ContactRequest, SupplyDemandPost
from incubator.posts.services import post_create
from incubator.prices.models import PriceAlert, PriceObservation
from incubator.prices.services import alert_create
from tests.incubator.farm_world import history
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def client(user=None, language="zh-hans"):
    c = GraphQLClient(token_for(user) if user else None)
    c.client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return c


def writes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


def a_post(user, farm, farm_county, side="supply", village=0, **extra):
    return post_create(
        user,
        side=side,
        item=farm["corn"],
        quantity="1000",
        quantity_unit="jin",
        window_start=days(0),
        window_end=days(20),
        village=farm_county["villages"][village],
        **extra,
    )[0]


REPORT = """mutation($item: String!, $price: Decimal!, $unit: String!, $confirm: Boolean) {
  priceObservationCreate(item: $item, market: "wholesale", day: "%s", price: $price, unit: $unit, confirm: $confirm) {
    observation { price enteredUnit } errors { field code message } } }"""


@pytest.mark.parametrize(
    "price, unit, code",
    [
        ("26", "jin", "PRICE_OUT_OF_BAND"),
        ("3", "head", "WRONG_UNIT"),
        ("-1", "jin", "INVALID"),
        ("0", "jin", "INVALID"),
    ],
)
def test_price_refusals_through_the_api_write_nothing(farm, pear_history, info_officer, price, unit, code):
    officer = client(info_officer, "en")
    officer.execute("{ farmMarkets { code } }")  # the token's first use is recorded: not part of the refusal
    before = writes()
    body = officer.execute(REPORT % timezone.localdate(), {"item": "nanguo-pear", "price": price, "unit": unit})
    result = body["priceObservationCreate"]
    assert result["observation"] is None and result["errors"][0]["code"] == code
    assert writes() == before


@pytest.mark.parametrize("price", ["NaN", "Infinity", "1e30"])
def test_hostile_numbers_are_refused_before_anything_runs(farm, info_officer, price):
    response = client(info_officer).post(
        REPORT % timezone.localdate(), {"item": "nanguo-pear", "price": price, "unit": "jin"}
    )
    assert response.json()["errors"] and not PriceObservation.objects.exists()


def test_a_station_agent_reports_a_price_in_kg(farm, pear_history, info_officer):
    body = client(info_officer).execute(
        REPORT % timezone.localdate(), {"item": "nanguo-pear", "price": "5.4", "unit": "kg"}
    )
    assert body["priceObservationCreate"]["observation"] == {"price": "2.70", "enteredUnit": "KG"} or (
        body["priceObservationCreate"]["observation"]["price"] == "2.70"
    )


MY = "{ myPriceAlerts { id threshold } farmNotices { kind message } }"


def test_my_alerts_and_notices_are_the_callers_own(farm, farmer, make_user):
    alert_create(farmer, item=farm["pear"], market=None, direction="above", threshold="3", unit="jin")
    mine = client(farmer).execute(MY)
    assert len(mine["myPriceAlerts"]) == 1
    other = client(make_user()).execute(MY)
    assert other == {"myPriceAlerts": [], "farmNotices": []}
    alert_id = mine["myPriceAlerts"][0]["id"]
    delete = "mutation($id: ID!) { priceAlertDelete(id: $id) { errors { code } } }"
    refused = client(make_user()).execute(delete, {"id": alert_id})["priceAlertDelete"]
    assert refused["errors"][0]["code"] == "NOT_FOUND" and PriceAlert.objects.count() == 1
    assert client(farmer).execute(delete, {"id": alert_id})["priceAlertDelete"]["errors"] == []
    assert not PriceAlert.objects.exists()


def test_an_alert_through_the_api_and_its_refusals(farm, farmer):
    create = """mutation($t: Decimal!, $u: String!) { priceAlertCreate(item: "nanguo-pear", direction: "above",
      threshold: $t, unit: $u) { alert { threshold } errors { code field } } }"""
    ok = client(farmer).execute(create, {"t": "6", "u": "kg"})["priceAlertCreate"]
    assert ok["alert"]["threshold"] == "3.00"
    bad = client(farmer).execute(create, {"t": "6", "u": "head"})["priceAlertCreate"]
    assert bad["errors"] == [{"code": "WRONG_UNIT", "field": "unit"}]
    read = client(farmer).execute("mutation { farmNoticesMarkRead { count errors { code } } }")
    assert read["farmNoticesMarkRead"]["errors"] == []


POST_MATCHES = "query($post: ID!) { postMatches(post: $post) { score post { id contactPhone } } }"


def test_post_matches_are_the_posters_only(farm, farm_county, farmer, make_user):
    buyer = make_user()
    demand = a_post(buyer, farm, farm_county, side="demand", village=1)
    supply = a_post(farmer, farm, farm_county)
    gid = to_global_id("SupplyDemandPost", supply.pk)
    mine = client(farmer).execute(POST_MATCHES, {"post": gid})["postMatches"]
    assert [m["post"]["id"] for m in mine] == [to_global_id("SupplyDemandPost", demand.pk)]
    assert client(make_user()).execute(POST_MATCHES, {"post": gid})["postMatches"] == []
    assert client().execute(POST_MATCHES, {"post": gid})["postMatches"] == []


UPDATE = "mutation($id: ID!) { supplyDemandPostUpdate(id: $id, quantity: \"5\") { errors { code } } }"
CLOSE = "mutation($id: ID!) { supplyDemandPostClose(id: $id) { post { status } errors { code } } }"


def test_another_users_post_is_refused_writing_nothing(farm, farm_county, farmer, make_user):
    supply = a_post(farmer, farm, farm_county)
    gid = to_global_id("SupplyDemandPost", supply.pk)
    stranger = client(make_user())
    stranger.execute("{ farmMarkets { code } }")  # the token's first use is recorded: not part of the refusal
    before = writes()
    assert stranger.execute(UPDATE, {"id": gid})["supplyDemandPostUpdate"]["errors"][0]["code"] == "NOT_POSTER"
    assert stranger.execute(CLOSE, {"id": gid})["supplyDemandPostClose"]["errors"][0]["code"] == "NOT_POSTER"
    assert writes() == before
    assert client(farmer).execute(CLOSE, {"id": gid})["supplyDemandPostClose"]["post"]["status"] == "CLOSED"


CREATE_POST = """mutation($item: String!, $start: Date!, $end: Date!, $q: Decimal!, $village: ID) {
  supplyDemandPostCreate(side: "demand", item: $item, quantity: $q, quantityUnit: "jin", windowStart: $start,
    windowEnd: $end, village: $village) { post { id item { code } } matches { score } errors { code field } } }"""


def test_posting_through_the_api_with_an_alias_and_its_refusals(farm, farm_county, farmer, make_user):
    a_post(farmer, farm, farm_county)
    village = to_global_id("Village", farm_county["villages"][3].pk)
    buyer = client(make_user())
    made = buyer.execute(
        CREATE_POST, {"item": "苞米", "start": str(days(0)), "end": str(days(9)), "q": "500", "village": village}
    )["supplyDemandPostCreate"]
    assert made["post"]["item"]["code"] == "corn" and len(made["matches"]) == 1
    before = SupplyDemandPost.objects.count()
    for variables, code in [
        ({"start": str(days(-9)), "end": str(days(-2)), "q": "5"}, "WINDOW_IN_PAST"),
        ({"start": str(days(0)), "end": str(days(2)), "q": "0"}, "QUANTITY_NOT_POSITIVE"),
        ({"item": "火龙果", "start": str(days(0)), "end": str(days(2)), "q": "5"}, "UNKNOWN_ITEM"),
    ]:
        result = buyer.execute(CREATE_POST, {"item": "棒子", "village": village, **variables})["supplyDemandPostCreate"]
        assert result["errors"][0]["code"] == code
    assert SupplyDemandPost.objects.count() == before


POSTS = (
    "{ supplyDemandPosts(first: 50) { edges { node { id side contactName contactPhone item { code aliases } "
    "town { name } village { name } isOpen } } } }"
)


def test_contact_requests_through_the_api_reveal_the_phone_to_the_accepted_requester(
    farm, farm_county, farmer, make_user
):
    supply = a_post(farmer, farm, farm_county)
    gid = to_global_id("SupplyDemandPost", supply.pk)
    buyer = make_user()
    anonymous = client().execute(POSTS)["supplyDemandPosts"]["edges"][0]["node"]
    assert anonymous["contactName"] is None and anonymous["contactPhone"] is None
    masked = client(buyer).execute(POSTS)["supplyDemandPosts"]["edges"][0]["node"]
    assert "****" in masked["contactPhone"]
    ask = "mutation($post: ID!) { contactRequestCreate(post: $post) { contactRequest { id status } errors { code } } }"
    asked = client(buyer).execute(ask, {"post": gid})["contactRequestCreate"]["contactRequest"]
    own = client(farmer).execute(ask, {"post": gid})["contactRequestCreate"]["errors"]
    assert own[0]["code"] == "OWN_POST"
    accept = "mutation($id: ID!) { contactRequestAccept(id: $id) { contactRequest { status } errors { code } } }"
    refused = client(buyer).execute(accept, {"id": asked["id"]})["contactRequestAccept"]["errors"]
    assert refused[0]["code"] == "NOT_FOUND"
    decline = "mutation($id: ID!) { contactRequestDecline(id: $id) { errors { code } } }"
    assert client(make_user()).execute(decline, {"id": asked["id"]})["contactRequestDecline"]["errors"][0]["code"] == (
        "NOT_FOUND"
    )
    done = client(farmer).execute(accept, {"id": asked["id"]})["contactRequestAccept"]["contactRequest"]
    assert done["status"] == "ACCEPTED" or done["status"] == "accepted"
    shown = client(buyer).execute(POSTS)["supplyDemandPosts"]["edges"][0]["node"]
    assert shown["contactPhone"] == farmer.phone
    incoming = client(farmer).execute("{ myContactRequests { status } }")["myContactRequests"]
    assert len(incoming) == 1
    assert client(make_user()).execute("{ myContactRequests { status } }")["myContactRequests"] == []


def test_a_contact_request_to_an_expired_post_is_refused(farm, farm_county, farmer, make_user):
    supply = a_post(farmer, farm, farm_county)
    SupplyDemandPost.objects.filter(pk=supply.pk).update(window_start=days(-9), window_end=days(-1))
    ask = "mutation($post: ID!) { contactRequestCreate(post: $post) { errors { code } } }"
    body = client(make_user()).execute(ask, {"post": to_global_id("SupplyDemandPost", supply.pk)})
    assert body["contactRequestCreate"]["errors"][0]["code"] == "POST_EXPIRED"
    assert not ContactRequest.objects.exists()


APPLY = """mutation($fair: ID!, $shop: ID!, $products: [ID!]!) { fairStallApply(fair: $fair, shop: $shop,
  products: $products) { stall { id status } errors { code } } }"""


def test_only_a_shops_members_apply_for_its_stall(operator, pears, make_user):
    fair = fair_open(operator, title="农展", theme="", starts_on=days(0), ends_on=days(3))
    variables = {
        "fair": to_global_id("Fair", fair.pk),
        "shop": to_global_id("MarketplaceShop", pears["shop"].pk),
        "products": [to_global_id("Product", pears["product"].pk)],
    }
    refused = client(make_user()).execute(APPLY, variables)["fairStallApply"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    stall = client(pears["owner"]).execute(APPLY, variables)["fairStallApply"]["stall"]
    approve = "mutation($id: ID!) { fairStallApprove(id: $id) { stall { status } errors { code } } }"
    assert client(operator).execute(approve, {"id": stall["id"]})["fairStallApprove"]["errors"] == []
    fairs = client().execute(
        "{ fairs(first: 5) { edges { node { title phase stalls { shopName products { name } } } } } }"
    )
    node = fairs["fairs"]["edges"][0]["node"]
    assert node["phase"] == "open" and node["stalls"][0]["shopName"] == pears["shop"].name


def test_listings_cost_a_fixed_number_of_queries(farm, farm_county, farmer, make_user, django_assert_max_num_queries):
    for index in range(3):
        history(farm["corn"], farm["town"], [1.1, 1.2, 1.3], until=days(-10 * index))
    for village in range(6):
        a_post(make_user(), farm, farm_county, village=village)
    query = (
        "{ produceItems { code aliases } farmMarkets { code } "
        "priceObservations(first: 50) { edges { node { price item { code } market { code } } } } }"
    )
    with django_assert_max_num_queries(8):
        client().execute(query)
    with django_assert_max_num_queries(8):
        assert len(client(farmer).execute(POSTS)["supplyDemandPosts"]["edges"]) == 6


def test_the_fairs_listing_costs_a_fixed_number_of_queries(operator, pears, cooker, django_assert_max_num_queries):
    for index in range(3):
        fair = fair_open(operator, title=f"农展{index}", theme="", starts_on=days(index), ends_on=days(index + 3))
        for world in (pears, cooker):
            stall = stall_apply(world["owner"], fair, shop=world["shop"], products=[world["product"]])
            stall_decide(operator, stall, approve=True)
    query = "{ fairs(first: 10) { edges { node { title stalls { shopName town { name } products { name } } } } } }"
    with django_assert_max_num_queries(7):
        edges = client().execute(query)["fairs"]["edges"]
    assert [len(edge["node"]["stalls"]) for edge in edges] == [2, 2, 2]
