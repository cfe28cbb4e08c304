"""The storefront products query: visibility, pricing, filters, sorting, fixed query cost, and the
price range stored on each product listing (kept by every write of variant prices)."""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, Min
from graphql_relay import to_global_id
from PIL import Image

from marketplace.catalog import services as catalog
from marketplace.catalog.error_codes import ProductErrorCode
from marketplace.catalog.models import ProductChannelListing, ProductVariantChannelListing
from marketplace.catalog.services_seller import product_quick_save
from marketplace.shops.services import shop_holiday_set
from meidu.core.errors import DomainError
from tests.marketplace.factories import listed_product
from tests.support.races import holding, in_background

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


PRICE_ASC = {"field": "PRICE", "direction": "ASC"}


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
    by_price = api_client.execute(
        PRODUCTS, {"channel": "rural", "first": 10, "sortBy": {"field": "PRICE", "direction": "DESC"}}
    )
    assert _names(by_price) == ["小米", "南果梨", "大米"]
    cheap = api_client.execute(
        PRODUCTS,
        {
            "channel": "rural",
            "first": 10,
            "where": {"price": {"range": {"lte": 13}}},
            "sortBy": {"field": "PRICE", "direction": "ASC"},
        },
    )
    assert _names(cheap) == ["大米", "南果梨"]
    either = api_client.execute(
        PRODUCTS,
        {"channel": "rural", "first": 10, "where": {"OR": [{"name": {"eq": "小米"}}, {"name": {"eq": "大米"}}]}},
    )
    assert sorted(_names(either)) == ["大米", "小米"]
    in_category = api_client.execute(
        PRODUCTS,
        {"channel": "rural", "first": 10, "where": {"category": {"eq": to_global_id("Category", basics["pears"].pk)}}},
    )
    assert in_category["products"]["totalCount"] == 3
    searched = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "search": "米"})
    assert sorted(_names(searched)) == ["大米", "小米"]


def test_rank_needs_search(api_client, rural):
    content = api_client.post(
        PRODUCTS, {"channel": "rural", "first": 5, "sortBy": {"field": "RANK", "direction": "DESC"}}
    ).json()
    assert "RANK" in content["errors"][0]["message"]


def test_price_sorted_pages_walk_without_gaps(api_client, farmer, farmer_shop, rural):
    for i in range(7):
        listed_product(farmer_shop, farmer, rural, name=f"梨{i}", price=f"{10 + i % 3}.00")
    query = (
        "query($after: String) {"
        " products(channel: \"rural\", first: 3, after: $after, sortBy: {field: PRICE, direction: ASC}) {"
        " edges { node { name } } pageInfo { hasNextPage endCursor } } }"
    )
    seen, after = [], None
    while True:
        page = api_client.execute(query, {"after": after})["products"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(f"梨{i}" for i in range(7)) and len(seen) == 7


@pytest.mark.parametrize("size", [10, 100])
@pytest.mark.parametrize("sort_by", [None, PRICE_ASC])
def test_products_page_costs_at_most_8_queries(
    api_client, farmer, farmer_shop, rural, django_assert_max_num_queries, size, sort_by, media_root
):
    for i in range(size):
        product = listed_product(
            farmer_shop, farmer, rural, name=f"产品{i:03d}", sku=f"Q-{size}-{i}", price=f"{10 + i % 7}.00"
        )
        if i % 25 == 0:
            _photo(product, farmer)
    with django_assert_max_num_queries(8):
        data = api_client.execute(
            PRODUCTS.replace("totalCount", ""), {"channel": "rural", "first": size, "sortBy": sort_by}
        )
    edges = data["products"]["edges"]
    assert len(edges) == size and all(
        edge["node"]["pricing"] and edge["node"]["shop"]["slug"] == farmer_shop.slug for edge in edges
    )
    assert sum(1 for edge in edges if edge["node"]["thumbnail"]) == len(range(0, size, 25))


def test_product_variants_connection(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="南果梨", sku="PV-1")
    data = api_client.execute(
        '{ product(slug: "南果梨", channel: "rural") {'
        " productVariants(first: 5) { totalCount edges { node { sku } } } } }"
    )
    assert data["product"]["productVariants"] == {"totalCount": 1, "edges": [{"node": {"sku": "PV-1"}}]}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


def _photo(product, actor, colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    return catalog.product_media_create(product, actor=actor, image=upload, alt="照片")


def _stored(product, channel):
    listing = ProductChannelListing.objects.get(product=product, channel=channel)
    return listing.min_price_amount, listing.max_price_amount


def _assert_stored_prices_match_variants(*products):
    """The stored range of every listing equals min/max over the priced variant listings."""
    for listing in ProductChannelListing.objects.filter(product__in=products):
        expected = ProductVariantChannelListing.objects.filter(
            variant__product_id=listing.product_id, channel_id=listing.channel_id
        ).aggregate(low=Min("price_amount"), high=Max("price_amount"))
        assert (listing.min_price_amount, listing.max_price_amount) == (expected["low"], expected["high"]), (
            listing.product_id
        )


def _price(channel, amount):
    return {"channel": channel, "price": Decimal(amount)}


def test_stored_price_range_follows_every_variant_price_write(api_client, farmer, farmer_shop, rural):
    product = listed_product(farmer_shop, farmer, rural, name="南果梨", price="12.50", sku="SP-A")
    first = product.variants.get()
    assert _stored(product, rural) == (Decimal("12.50"), Decimal("12.50"))
    second = catalog.variant_create(product, actor=farmer, sku="SP-B", name="10斤装")
    assert _stored(product, rural) == (Decimal("12.50"), Decimal("12.50"))  # a variant without a price changes nothing
    catalog.variant_channel_listing_update(second, actor=farmer, prices=[_price(rural, "20.00")])
    assert _stored(product, rural) == (Decimal("12.50"), Decimal("20.00"))
    catalog.variant_channel_listing_update(first, actor=farmer, prices=[_price(rural, "25.00")])
    assert _stored(product, rural) == (Decimal("20.00"), Decimal("25.00"))
    _assert_stored_prices_match_variants(product)
    catalog.variant_channel_listing_update(second, actor=farmer, prices=[], remove_channels=[rural])
    assert _stored(product, rural) == (Decimal("25.00"), Decimal("25.00"))
    assert not ProductVariantChannelListing.objects.filter(variant=second).exists()
    node = api_client.execute(PRODUCTS, {"channel": "rural", "first": 5})["products"]["edges"][0]["node"]
    assert node["pricing"]["priceRange"]["start"]["gross"]["amount"] == 25.0 and node["isAvailable"] is True
    catalog.variant_delete(first, actor=farmer)
    assert _stored(product, rural) == (None, None)
    _assert_stored_prices_match_variants(product)
    # No priced variant left: still listed, but unavailable and without pricing.
    node = api_client.execute(PRODUCTS, {"channel": "rural", "first": 5})["products"]["edges"][0]["node"]
    assert node["isAvailable"] is False and node["pricing"] is None
    available = api_client.execute(PRODUCTS, {"channel": "rural", "first": 5, "where": {"isAvailable": True}})
    assert available["products"]["totalCount"] == 0


def test_stored_price_range_is_per_channel_and_follows_listing_removal(api_client, farmer, farmer_shop, channel_pair):
    retail, rural = channel_pair
    product = listed_product(farmer_shop, farmer, rural, name="小米", price="30.00")
    variant = product.variants.get()
    catalog.product_channel_listing_update(
        product, actor=farmer, update_channels=[{"channel": retail, "is_published": True}]
    )
    assert _stored(product, retail) == (None, None)  # listed there, no price yet
    catalog.variant_channel_listing_update(variant, actor=farmer, prices=[_price(retail, "35.00")])
    assert _stored(product, retail) == (Decimal("35.00"), Decimal("35.00"))
    assert _stored(product, rural) == (Decimal("30.00"), Decimal("30.00"))
    catalog.product_channel_listing_update(product, actor=farmer, update_channels=[], remove_channels=[retail])
    catalog.product_channel_listing_update(
        product, actor=farmer, update_channels=[{"channel": retail, "is_published": True}]
    )
    assert _stored(product, retail) == (None, None)  # removing the listing removed the variant's price there too
    _assert_stored_prices_match_variants(product)


def test_refused_price_write_leaves_the_stored_range(farmer, farmer_shop, channel_pair):
    retail_channel, rural = channel_pair
    product = listed_product(farmer_shop, farmer, rural, price="12.50")
    variant = product.variants.get()
    with pytest.raises(DomainError) as refused:
        catalog.variant_channel_listing_update(variant, actor=farmer, prices=[_price(rural, "-1")])
    assert refused.value.code == ProductErrorCode.INVALID_PRICE.value
    with pytest.raises(DomainError) as refused:  # not listed in retail: the whole write is refused
        catalog.variant_channel_listing_update(
            variant, actor=farmer, prices=[_price(rural, "1.00"), _price(retail_channel, "2.00")]
        )
    assert refused.value.code == ProductErrorCode.INVALID.value
    assert _stored(product, rural) == (Decimal("12.50"), Decimal("12.50"))
    _assert_stored_prices_match_variants(product)


def test_quick_save_keeps_the_stored_range(farmer, farmer_shop, rural, basics):
    details = {"name": "散养猪肉", "category": basics["pears"]}
    product = product_quick_save(
        farmer_shop,
        actor=farmer,
        channel=rural,
        details=details,
        price=Decimal("38.00"),
        publish=True,
        product_type=basics["produce"],
    )
    assert _stored(product, rural) == (Decimal("38.00"), Decimal("38.00"))
    product = product_quick_save(
        farmer_shop,
        actor=farmer,
        channel=rural,
        details={"name": "散养猪肉"},
        price=Decimal("36.50"),
        publish=True,
        product=product,
    )
    assert _stored(product, rural) == (Decimal("36.50"), Decimal("36.50"))
    _assert_stored_prices_match_variants(product)


def test_backfill_migration_computes_the_stored_range(farmer, farmer_shop, rural):
    cheap = listed_product(farmer_shop, farmer, rural, name="大米", price="8.00")
    catalog.variant_channel_listing_update(
        catalog.variant_create(cheap, actor=farmer, sku="BF-2"), actor=farmer, prices=[_price(rural, "9.50")]
    )
    unpriced = listed_product(farmer_shop, farmer, rural, name="无价", price=None)
    ProductChannelListing.objects.update(min_price_amount=Decimal("1.00"), max_price_amount=Decimal("1.00"))
    migration = importlib.import_module("marketplace.catalog.migrations.0003_listing_price_range")
    migration.backfill_price_range(apps, None)
    assert _stored(cheap, rural) == (Decimal("8.00"), Decimal("9.50")) and _stored(unpriced, rural) == (None, None)
    _assert_stored_prices_match_variants(cheap, unpriced)


def test_price_sort_and_filters_read_the_stored_minimum(api_client, farmer, farmer_shop, rural):
    ranged = listed_product(farmer_shop, farmer, rural, name="礼盒", price="50.00")
    catalog.variant_channel_listing_update(
        catalog.variant_create(ranged, actor=farmer, sku="PS-2"), actor=farmer, prices=[_price(rural, "5.00")]
    )
    listed_product(farmer_shop, farmer, rural, name="小米", price="30.00")
    listed_product(farmer_shop, farmer, rural, name="无价", price=None)
    ascending = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "sortBy": PRICE_ASC})
    assert _names(ascending) == ["无价", "礼盒", "小米"]  # unpriced sorts as 0; the box from its cheapest variant
    box = ascending["products"]["edges"][1]["node"]["pricing"]["priceRange"]
    assert (box["start"]["gross"]["amount"], box["stop"]["gross"]["amount"]) == (5.0, 50.0)
    descending = api_client.execute(
        PRODUCTS, {"channel": "rural", "first": 10, "sortBy": {"field": "PRICE", "direction": "DESC"}}
    )
    assert _names(descending) == ["小米", "礼盒", "无价"]
    cheap = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "where": {"price": {"range": {"lte": 10}}}})
    assert _names(cheap) == ["礼盒"]  # an unpriced product has no price to match
    exact = api_client.execute(PRODUCTS, {"channel": "rural", "first": 10, "where": {"price": {"oneOf": [30, 7]}}})
    assert _names(exact) == ["小米"]
    legacy = api_client.execute(
        '{ products(channel: "rural", first: 10, filter: {price: {gte: 6}}) { edges { node { name } } } }'
    )
    assert _names(legacy) == ["小米"]
    either = api_client.execute(
        PRODUCTS, {"channel": "rural", "first": 10, "where": {"OR": [{"price": {"eq": 30}}, {"name": {"eq": "无价"}}]}}
    )
    assert sorted(_names(either)) == ["小米", "无价"]


def test_thumbnail_and_pricing_are_the_same_on_the_page_and_the_product(
    api_client, farmer, farmer_shop, rural, media_root
):
    product = listed_product(farmer_shop, farmer, rural, name="南果梨", price="12.50")
    _photo(product, farmer, "green")
    _photo(product, farmer, "blue")
    listed_product(farmer_shop, farmer, rural, name="无图", price="3.00")
    fields = (
        "name thumbnail(size: 256) { url alt }"
        " pricing { priceRange { start { gross { amount } } stop { gross { amount } } } }"
        " isAvailable isAvailableForPurchase"
    )
    page = api_client.execute(f'{{ products(channel: "rural", first: 5) {{ edges {{ node {{ {fields} }} }} }} }}')
    nodes = {edge["node"]["name"]: edge["node"] for edge in page["products"]["edges"]}
    single = api_client.execute(f'{{ product(slug: "{product.slug}", channel: "rural") {{ {fields} }} }}')["product"]
    assert nodes["南果梨"] == single
    first_photo = product.media.order_by("sort_order", "id").first()
    assert (
        single["thumbnail"]["url"].endswith(first_photo.renditions["thumbnail"])
        and single["thumbnail"]["alt"] == "照片"
    )
    assert nodes["无图"]["thumbnail"] is None


def test_members_see_their_unlisted_products_priced_as_none_without_extra_queries(
    farmer_client, farmer, farmer_shop, rural, basics, django_assert_max_num_queries
):
    listed_product(farmer_shop, farmer, rural, name="已上架", price="9.00")
    for i in range(5):  # drafts never listed in the channel: the joined listing is missing
        catalog.product_create(farmer_shop, actor=farmer, product_type=basics["produce"], name=f"草稿{i}")
    with django_assert_max_num_queries(10):
        data = farmer_client.execute(PRODUCTS.replace("totalCount", ""), {"channel": "rural", "first": 20})
    nodes = {edge["node"]["name"]: edge["node"] for edge in data["products"]["edges"]}
    assert nodes["已上架"]["pricing"]["priceRange"]["start"]["gross"]["amount"] == 9.0
    assert all(nodes[f"草稿{i}"]["pricing"] is None and nodes[f"草稿{i}"]["isAvailable"] is False for i in range(5))


def test_demo_data_and_bulk_seed_store_the_price_range(media_root):
    from marketplace.bulk_seed import bulk_seed_products
    from marketplace.catalog.models import Product
    from marketplace.demo_data import marketplace_demo
    from meidu.demo_data import seed_demo_users, seed_geography

    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=1)  # through the catalogue services
    assert bulk_seed_products(30, progress=False, batch_size=16) == 30  # bulk_create, bypassing them
    listings = ProductChannelListing.objects.all()
    assert listings.count() == Product.objects.count() and not listings.filter(min_price_amount__isnull=True).exists()
    _assert_stored_prices_match_variants(*Product.objects.all())


@pytest.mark.django_db(transaction=True)
def test_concurrent_price_writes_of_one_product_keep_the_range(make_user, channel_pair):
    """Two connections price two variants of one product; the first holds its transaction open
    while the second starts. The listing lock makes the second wait and then see the first's
    price: the stored range covers both (a refresh computed from a stale snapshot would not)."""
    from tests.marketplace.factories import open_shop

    rural = channel_pair[1]
    owner = make_user()
    shop = open_shop(owner)
    product = listed_product(shop, owner, rural, price="10.00", sku="CC-A")
    first = product.variants.get()
    second = catalog.variant_create(product, actor=owner, sku="CC-B")
    catalog.variant_channel_listing_update(second, actor=owner, prices=[_price(rural, "20.00")])
    with holding(
        lambda: catalog.variant_channel_listing_update(first, actor=owner, prices=[_price(rural, "5.00")]), timeout=10
    ):
        dearer_second = in_background(
            lambda: catalog.variant_channel_listing_update(second, actor=owner, prices=[_price(rural, "30.00")])
        )
        assert dearer_second.running_after(0.5)  # waiting for the first writer's listing lock
    dearer_second.result(10)
    assert _stored(product, rural) == (Decimal("5.00"), Decimal("30.00"))
    _assert_stored_prices_match_variants(product)


def test_name_sort_walks_the_listings_copy_of_the_name_and_follows_renames(
    api_client, farmer, farmer_shop, farmer_client, rural
):
    """Buyers' NAME order reads ProductChannelListing.product_name (one index walk per channel):
    it is written with the listing and again when the product is renamed; pages walk without gaps."""
    products = [
        listed_product(farmer_shop, farmer, rural, name=name) for name in ("丙梨", "甲梨", "乙梨", "丁梨", "戊梨")
    ]
    assert all(ProductChannelListing.objects.get(product=p).product_name == p.name for p in products)
    catalog.product_update(products[0], actor=farmer, name="aa 早熟梨")
    assert ProductChannelListing.objects.get(product=products[0]).product_name == "aa 早熟梨"
    query = (
        'query($after: String) { products(channel: "rural", first: 2, after: $after) {'
        " edges { node { name } } pageInfo { hasNextPage endCursor } } }"
    )
    seen, after = [], None
    while True:
        page = api_client.execute(query, {"after": after})["products"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(["aa 早熟梨", "甲梨", "乙梨", "丁梨", "戊梨"])  # the shop's unlisted sample is not for buyers
    # A member also sees unlisted products of the shop: that page sorts on the product's own name.
    own = farmer_client.execute('{ products(channel: "rural", first: 20) { edges { node { name } } } }')["products"][
        "edges"
    ]
    own_names = [edge["node"]["name"] for edge in own]
    assert own_names == sorted(own_names) and len(own_names) >= 5
