"""The supply pool's API (issue 16): the pool lists open offers (by commission too) in a fixed number of
queries; a supplier creates, opens, pauses and closes its offers by named actions with event rows; another
shop is refused and writes nothing; bad prices are refused with a code."""

import pytest
from graphql_relay import to_global_id

from incubator.supply.models import SupplyOffer, SupplyOfferEvent
from incubator.supply.services import supply_offer_create, supply_offer_open
from meidu.accounts.roles import Role
from tests.magnesium_exchange.records_factories import credit_code
from tests.marketplace.factories import listed_product, open_shop
from tests.support.distribution import OFFER_TERMS
from tests.support.graphql import GraphQLClient, token_for

POOL = """query($order: SupplyOfferOrder) { supplyOffers(first: 50, order: $order) { totalCount edges { node {
  id productName supplierShopName supplyPrice minRetailPrice maxRetailPrice commissionKind commissionValue
  regions state categoryName } } } }"""
MINE = "query($shop: ID!) { supplyOffers(first: 50, shop: $shop) { edges { node { id state } } } }"
ONE = "query($id: ID!) { supplyOffer(id: $id) { id state } }"
CREATE = """mutation($shop: ID!, $variant: ID!, $input: SupplyOfferInput!) {
  supplyOfferCreate(shop: $shop, variant: $variant, input: $input) { offer { id state } errors { field code } } }"""
UPDATE = """mutation($id: ID!, $input: SupplyOfferInput!) {
  supplyOfferUpdate(id: $id, input: $input) { offer { id minRetailPrice } errors { field code } } }"""
ACTION = "mutation($id: ID!) {{ {name}(id: $id) {{ offer {{ id state }} errors {{ field code }} }} }}"


def api_input(**changes):
    data = {
        "supplyPrice": OFFER_TERMS["supply_price"],
        "suggestedRetailPrice": OFFER_TERMS["suggested_retail_price"],
        "minRetailPrice": OFFER_TERMS["min_retail_price"],
        "maxRetailPrice": OFFER_TERMS["max_retail_price"],
        "commissionKind": "RATE",
        "commissionValue": "0.10",
        "regions": ["辽宁省"],
    }
    data.update(changes)
    return data


def sid(shop):
    return to_global_id("MarketplaceShop", shop.pk)


def oid(offer):
    return to_global_id("SupplyOffer", offer.pk)


def test_supplier_creates_opens_pauses_and_closes_with_events(coop):
    client = GraphQLClient(token_for(coop["owner"]))
    variables = {"shop": sid(coop["shop"]), "variant": to_global_id("ProductVariant", coop["variant"].pk)}
    made = client.execute(CREATE, {**variables, "input": api_input()})["supplyOfferCreate"]
    assert made["errors"] == [] and made["offer"]["state"] == "DRAFT"
    for name, state in [("supplyOfferOpen", "OPEN"), ("supplyOfferPause", "PAUSED"), ("supplyOfferOpen", "OPEN")]:
        result = client.execute(ACTION.format(name=name), {"id": made["offer"]["id"]})[name]
        assert result["errors"] == [] and result["offer"]["state"] == state
    closed = client.execute(ACTION.format(name="supplyOfferClose"), {"id": made["offer"]["id"]})["supplyOfferClose"]
    assert closed["offer"]["state"] == "CLOSED"
    again = client.execute(ACTION.format(name="supplyOfferOpen"), {"id": made["offer"]["id"]})["supplyOfferOpen"]
    assert again["errors"] == [{"field": "id", "code": "INVALID_TRANSITION"}]
    offer = SupplyOffer.objects.get()
    assert list(offer.events.values_list("action", "from_state", "to_state")) == [
        ("created", "", "draft"),
        ("open", "draft", "open"),
        ("pause", "open", "paused"),
        ("open", "paused", "open"),
        ("close", "open", "closed"),
    ]


HOSTILE = ["NaN", "Infinity", "-Infinity", "1e30", "-5", "0", "abc", "8.001", "12" * 40, " 1 2 "]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_amounts_are_refused_with_a_code_writing_nothing(coop, value):
    client = GraphQLClient(token_for(coop["owner"]))
    variables = {"shop": sid(coop["shop"]), "variant": to_global_id("ProductVariant", coop["variant"].pk)}
    result = client.execute(CREATE, {**variables, "input": api_input(supplyPrice=value)})["supplyOfferCreate"]
    assert {"field": "supply_price", "code": "INVALID_AMOUNT"} in result["errors"]
    assert not SupplyOffer.objects.exists() and not SupplyOfferEvent.objects.exists()


def test_a_nul_byte_is_refused_at_the_door_with_a_code(coop):
    client = GraphQLClient(token_for(coop["owner"]))
    variables = {"shop": sid(coop["shop"]), "variant": to_global_id("ProductVariant", coop["variant"].pk)}
    body = client.post(CREATE, {**variables, "input": api_input(supplyPrice="8\x00")}).json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "INVALID"
    assert not SupplyOffer.objects.exists()


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"minRetailPrice": "7.00"}, "PRICE_BOUNDS"),  # below the supply price
        ({"maxRetailPrice": "11.00"}, "PRICE_BOUNDS"),  # below the suggested price
        ({"commissionValue": "0.30"}, "COMMISSION_TOO_HIGH"),  # 8 + 3 > 10 at the minimum
        ({"commissionKind": "FIXED", "commissionValue": "2.01"}, "COMMISSION_TOO_HIGH"),
        ({"commissionValue": "1.5"}, "INVALID_AMOUNT"),  # a rate above 100%
        ({"commissionValue": "NaN"}, "INVALID_AMOUNT"),
        ({"commissionKind": "PYRAMID"}, "INVALID"),
        ({"regions": ["辽宁\u202e省"]}, "INVALID"),
    ],
)
def test_bad_terms_are_refused_with_a_code(coop, changes, code):
    client = GraphQLClient(token_for(coop["owner"]))
    variables = {"shop": sid(coop["shop"]), "variant": to_global_id("ProductVariant", coop["variant"].pk)}
    result = client.execute(CREATE, {**variables, "input": api_input(**changes)})["supplyOfferCreate"]
    assert code in {error["code"] for error in result["errors"]}, result
    assert not SupplyOffer.objects.exists()


def test_fixed_commission_at_the_limit_is_accepted(coop):
    client = GraphQLClient(token_for(coop["owner"]))
    variables = {"shop": sid(coop["shop"]), "variant": to_global_id("ProductVariant", coop["variant"].pk)}
    result = client.execute(CREATE, {**variables, "input": api_input(commissionKind="FIXED", commissionValue="2.00")})[
        "supplyOfferCreate"
    ]
    assert result["errors"] == []


def test_another_shop_cannot_act_on_the_offer_and_writes_nothing(coop, offer, make_user, rural):
    rival = make_user(Role.BUYER)
    rival_shop = open_shop(rival, kind="supplier", track="business", business_licence_number=credit_code())
    client = GraphQLClient(token_for(rival))
    # Offering the cooperative's variant, through the rival's shop or the cooperative's
    variant = to_global_id("ProductVariant", coop["variant"].pk)
    own = client.execute(CREATE, {"shop": sid(rival_shop), "variant": variant, "input": api_input()})
    assert own["supplyOfferCreate"]["errors"][0]["code"] == "NOT_FOUND"
    theirs = client.execute(CREATE, {"shop": sid(coop["shop"]), "variant": variant, "input": api_input()})
    assert theirs["supplyOfferCreate"]["errors"][0]["code"] == "FORBIDDEN"
    before = list(SupplyOffer.objects.values_list("state", "min_retail_price"))
    events = SupplyOfferEvent.objects.count()
    update = client.execute(UPDATE, {"id": oid(offer), "input": api_input(minRetailPrice="11.00")})
    assert update["supplyOfferUpdate"]["errors"][0]["code"] == "FORBIDDEN"
    for name in ["supplyOfferPause", "supplyOfferClose", "supplyOfferOpen"]:
        result = client.execute(ACTION.format(name=name), {"id": oid(offer)})[name]
        assert result["errors"][0]["code"] == "FORBIDDEN", name
    assert list(SupplyOffer.objects.values_list("state", "min_retail_price")) == before
    assert SupplyOfferEvent.objects.count() == events
    # The rival's own product it may offer
    product = listed_product(rival_shop, rival, rural, name="玉米", price="3.00")
    ok = client.execute(
        CREATE,
        {
            "shop": sid(rival_shop),
            "variant": to_global_id("ProductVariant", product.variants.get().pk),
            "input": api_input(
                supplyPrice="2.00", minRetailPrice="3.00", suggestedRetailPrice="3.50", maxRetailPrice="5.00"
            ),
        },
    )
    assert ok["supplyOfferCreate"]["errors"] == []


def test_a_microshop_is_not_a_supplier(make_user, rural, zones):
    owner = make_user(Role.BUYER)
    shop = open_shop(owner)
    product = listed_product(shop, owner, rural)
    client = GraphQLClient(token_for(owner))
    result = client.execute(
        CREATE,
        {"shop": sid(shop), "variant": to_global_id("ProductVariant", product.variants.get().pk), "input": api_input()},
    )
    assert result["supplyOfferCreate"]["errors"][0]["code"] == "NOT_A_SUPPLIER"


def test_the_pool_shows_open_offers_and_a_supplier_all_its_own(
    coop, offer, make_user, rural, django_assert_max_num_queries
):
    # more open offers from other cooperatives, and a draft the pool must not show
    for n in range(4):
        owner = make_user(Role.BUYER)
        shop = open_shop(owner, kind="cooperative", track="business", business_licence_number=credit_code())
        product = listed_product(shop, owner, rural, name=f"大米{n}", price="30.00")
        made = supply_offer_create(
            actor=owner,
            shop=shop,
            variant=product.variants.get(),
            data={**OFFER_TERMS, "commission_value": f"0.0{n + 1}"},
        )
        if n:
            supply_offer_open(made, actor=owner)
    stranger = GraphQLClient(token_for(make_user(Role.BUYER)))
    with django_assert_max_num_queries(8):
        pool = stranger.execute(POOL)["supplyOffers"]
    assert pool["totalCount"] == 4
    assert {edge["node"]["state"] for edge in pool["edges"]} == {"OPEN"}
    by_commission = stranger.execute(POOL, {"order": "COMMISSION"})["supplyOffers"]["edges"]
    rates = [edge["node"]["commissionValue"] for edge in by_commission]
    assert rates == sorted(rates, key=float, reverse=True)
    draft = SupplyOffer.objects.get(state="draft")
    assert stranger.execute(ONE, {"id": oid(draft)})["supplyOffer"] is None
    found = stranger.execute(ONE, {"id": oid(offer)})
    assert found["supplyOffer"]["state"] == "OPEN", (found, offer.pk, SupplyOffer.objects.values_list("pk", "state"))
    # a stranger asking for a shop's own list gets nothing; the supplier gets all its offers
    assert stranger.execute(MINE, {"shop": sid(coop["shop"])})["supplyOffers"]["edges"] == []
    mine = GraphQLClient(token_for(coop["owner"])).execute(MINE, {"shop": sid(coop["shop"])})["supplyOffers"]
    assert [edge["node"]["id"] for edge in mine["edges"]] == [oid(offer)]
    assert GraphQLClient().post(POOL).json()["data"]["supplyOffers"] is None
