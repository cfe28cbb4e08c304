"""The storefront products query: visibility, pricing, filters, sorting, fixed query cost."""

import pytest
from graphql_relay import to_global_id

from marketplace.shops.services import shop_holiday_set
from tests.marketplace.factories import listed_product

pytestmark = pytest.mark.django_db

PRODUCTS = """
query($channel: String, $first: Int, $where: ProductWhereInput, $sortBy: ProductOrder, $search: String) {
  products(channel: $channel, first: $first, where: $where, sortBy: $sortBy, search: $search) {
    totalCount
    edges { node { name slug isAvailable
      pricing { priceRange { start { gross { amount currency } } stop { gross { amount } } } }
      thumbnail(size: 256) { url } category { name } shop { name slug } } }
  }
}
"""


def _names(data):
    return [edge["node"]["name"] for edge in data["products"]["edges"]]


def test_published_product_is_listed_with_price(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="南果梨", price="12.50")
    data = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10})
    node = data["products"]["edges"][0]["node"]
    assert node["name"] == "南果梨" and node["isAvailable"] is True
    assert node["pricing"]["priceRange"]["start"]["gross"] == {"amount": 12.5, "currency": "CNY"}
    assert node["category"] == {"name": "梨"} and node["shop"]["slug"] == farmer_shop.slug


def test_invisible_products_stay_hidden_from_buyers(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="已上架")
    listed_product(farmer_shop, farmer, rural, name="未发布", published=False)
    listed_product(farmer_shop, farmer, rural, name="不在列表", visible=False)
    assert _names(api_client.execute(PRODUCTS, {"channel": "rural", "first": 10})) == ["已上架"]
    hidden = api_client.execute('{ product(slug: "不在列表", channel: "rural") { name } }')
    assert hidden["product"] == {"name": "不在列表"}  # reachable by its address, not listed
    assert api_client.execute('{ product(slug: "未发布", channel: "rural") { name } }')["product"] is None


def test_variant_without_price_in_channel_is_unavailable(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="无价", price=None)
    node = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10})["products"]["edges"][0]["node"]
    assert node["isAvailable"] is False and node["pricing"] is None


def test_other_channel_does_not_show_rural_listings(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural)
    assert api_client.execute(PRODUCTS, {"channel": "retail", "first": 10})["products"]["totalCount"] == 0


def test_holiday_mode_hides_and_restores_listings(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="南果梨")
    shop_holiday_set(farmer_shop, True, actor=farmer)
    assert api_client.execute(PRODUCTS, {"channel": "rural", "first": 10})["products"]["totalCount"] == 0
    shop_holiday_set(farmer_shop, False, actor=farmer)
    assert _names(api_client.execute(PRODUCTS, {"channel": "rural", "first": 10})) == ["南果梨"]


def test_members_see_their_own_unpublished_products(farmer_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="草稿", published=False)
    assert "草稿" in _names(farmer_client.execute(PRODUCTS, {"channel": "rural", "first": 10}))


def test_unknown_channel_is_an_error(api_client):
    content = api_client.post(PRODUCTS, {"channel": "nope", "first": 1}).json()
    assert "nope" in content["errors"][0]["message"]


def test_filters_and_sorting(api_client, farmer, farmer_shop, rural, basics):
    listed_product(farmer_shop, farmer, rural, name="小米", price="30.00")
    listed_product(farmer_shop, farmer, rural, name="大米", price="8.00")
    listed_product(farmer_shop, farmer, rural, name="南果梨", price="12.50")
    by_price = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "sortBy": {"field": "PRICE", "direction": "DESC"}})
    assert _names(by_price) == ["小米", "南果梨", "大米"]
    cheap = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "where": {"price": {"range": {"lte": 13}}}, "sortBy": {"field": "PRICE", "direction": "ASC"}})
    assert _names(cheap) == ["大米", "南果梨"]
    either = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "where": {"OR": [{"name": {"eq": "小米"}}, {"name": {"eq": "大米"}}]}})
    assert sorted(_names(either)) == ["大米", "小米"]
    in_category = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "where": {"category": {"eq": to_global_id("Category", basics["pears"].pk)}}})
    assert in_category["products"]["totalCount"] == 3
    searched = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "search": "米"})
    assert sorted(_names(searched)) == ["大米", "小米"]


def test_rank_needs_search(api_client, rural):
    content = api_client.post(PRODUCTS, {"channel": "rural", "first": 5, "sortBy": {"field": "RANK", "direction": "DESC"}}).json()
    assert "RANK" in content["errors"][0]["message"]


def test_price_sorted_pages_walk_without_gaps(api_client, farmer, farmer_shop, rural):
    for i in range(7):
        listed_product(farmer_shop, farmer, rural, name=f"梨{i}", price=f"{10 + i % 3}.00")
    query = "query($after: String) { products(channel: \"rural\", first: 3, after: $after, sortBy: {field: PRICE, direction: ASC}) { edges { node { name } } pageInfo { hasNextPage endCursor } } }"
    seen, after = [], None
    while True:
        page = api_client.execute(query, {"after": after})["products"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(f"梨{i}" for i in range(7)) and len(seen) == 7


@pytest.mark.parametrize("size", [10, 100])
def test_products_page_costs_at_most_8_queries(api_client, farmer, farmer_shop, rural, django_assert_max_num_queries, size):
    for i in range(size):
        listed_product(farmer_shop, farmer, rural, name=f"产品{i:03d}", sku=f"Q-{size}-{i}")
    with django_assert_max_num_queries(8):
        data = api_client.execute(PRODUCTS.replace("totalCount", ""), {"channel": "rural", "first": size})
    assert len(data["products"]["edges"]) == size


def test_product_variants_connection(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="南果梨", sku="PV-1")
    data = api_client.execute('{ product(slug: "南果梨", channel: "rural") { productVariants(first: 5) { totalCount edges { node { sku } } } } }')
    assert data["product"]["productVariants"] == {"totalCount": 1, "edges": [{"node": {"sku": "PV-1"}}]}
