"""Where a search finds a product is held by its search document (channels, scheduled publications)
and must be exact at every moment: rewritten in the transaction that changes a listing or a shop, a
publication set for later found from its time on without any write, and the index-paged plain search
(products_search_page) giving the same products, order and count as the joined queryset."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.catalog import services as catalog
from marketplace.catalog.selectors import products_search, products_search_page, products_visible
from marketplace.catalog.services_search import product_search_rebuild_dirty
from marketplace.search.models import ProductSearchDocument
from marketplace.shops.services import shop_holiday_set, shop_transition
from tests.support.search_many import seed_many_matches

pytestmark = pytest.mark.django_db

SEARCH = """
query($search: String, $first: Int, $after: String) {
  products(channel: "rural", first: $first, search: $search, after: $after) {
    totalCount edges { node { name } } pageInfo { hasNextPage endCursor }
  }
}
"""


def _found(api_client, text="鸭梨"):
    result = api_client.execute(SEARCH, {"search": text, "first": 20})["products"]
    return result["totalCount"], [edge["node"]["name"] for edge in result["edges"]]


@pytest.fixture
def pear(farmer, farmer_shop, rural, basics):
    product = catalog.product_create(
        farmer_shop, actor=farmer, product_type=basics["produce"], category=None, name="鸭梨 河北", description=""
    )
    _publish(product, farmer, rural)
    product_search_rebuild_dirty()
    return product


def _publish(product, actor, channel, **listing):
    values = {"is_published": True, "visible_in_listings": True, "available_for_purchase_at": timezone.now()}
    catalog.product_channel_listing_update(
        product, actor=actor, update_channels=[{"channel": channel, **values, **listing}]
    )


def test_unpublishing_or_unlisting_hides_the_product_in_the_same_transaction(api_client, pear, farmer, rural):
    assert _found(api_client) == (1, ["鸭梨 河北"])
    _publish(pear, farmer, rural, is_published=False)
    assert _found(api_client) == (0, [])  # no rebuild ran: the listing's own transaction rewrote it
    _publish(pear, farmer, rural)
    assert _found(api_client) == (1, ["鸭梨 河北"])
    _publish(pear, farmer, rural, visible_in_listings=False)
    assert _found(api_client) == (0, [])
    assert ProductSearchDocument.objects.get(pk=pear.pk).channels == []


def test_a_shop_on_holiday_or_suspended_hides_its_products_at_once(api_client, pear, farmer, farmer_shop, operator):
    shop_holiday_set(farmer_shop, True, actor=farmer)
    assert _found(api_client) == (0, [])
    shop_holiday_set(farmer_shop, False, actor=farmer)
    assert _found(api_client) == (1, ["鸭梨 河北"])
    shop_transition(farmer_shop, "suspend", actor=operator, note="质量抽检")
    assert _found(api_client) == (0, [])


def test_a_publication_set_for_later_is_found_from_its_time_on_without_a_write(api_client, pear, farmer, rural):
    later = timezone.now() + timedelta(seconds=1.5)
    _publish(pear, farmer, rural, published_at=later)
    document = ProductSearchDocument.objects.get(pk=pear.pk)
    assert document.channels == [] and document.scheduled_channels == [rural.pk]
    assert document.publish_due == later
    assert _found(api_client) == (0, [])  # not before its time
    time.sleep(max(0.0, (later - timezone.now()).total_seconds()) + 0.2)
    assert _found(api_client) == (1, ["鸭梨 河北"])  # nothing was written in between
    product_search_rebuild_dirty()  # the beat job moves it to the channels it is public in
    document.refresh_from_db()
    assert document.channels == [rural.pk] and document.publish_due is None


def test_a_product_public_in_another_channel_only_is_not_found_here(api_client, pear, farmer, channel_pair):
    retail, rural = channel_pair
    _publish(pear, farmer, retail)
    _publish(pear, farmer, rural, is_published=False)
    assert ProductSearchDocument.objects.get(pk=pear.pk).channels == [retail.pk]
    assert _found(api_client) == (0, [])


def test_the_index_paged_search_is_the_joined_queryset_page_for_page(farmer_shop, rural, basics):
    """Every page and the total of products_search_page equal those of the queryset that joins the
    listings and shops (the definition of who sees what), on 320 matches, the cursor carried along."""
    seed_many_matches(farmer_shop, rural, basics["produce"], count=320, tail=25)
    visible = products_visible(rural, sees_all=False, user=None, for_listing=True)
    for text in ("梨", "梨罐头", "县里", "第0007号"):
        joined = products_search(visible, text)[0]
        expected = list(joined.order_by("-search_rank", "pk").values_list("pk", "search_rank"))
        seen, after = [], None
        while True:
            page, total = products_search_page(rural, text, size=100, after=after)
            rows = list(page.order_by("-search_rank", "pk").values_list("pk", "search_rank"))
            assert total == len(expected), text
            if not rows:
                break
            seen.extend(rows)
            after = (rows[-1][1], rows[-1][0])  # (RANK, id)
        assert seen == expected, text


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"first": -1}, "must be zero or positive"),
        ({"first": 500}, "exceeds the `first` limit"),
        ({"first": 5, "after": "bm90IGpzb24="}, None),
        ({"first": 5, "after": "WyJ4IiwieSJd"}, None),  # ["x","y"]: not (RANK, id)
    ],
)
def test_a_plain_search_refuses_bad_paging_as_any_connection_does(api_client, pear, variables, message):
    content = api_client.post(SEARCH, {"search": "鸭梨", **variables}).json()
    assert not (content.get("data") or {}).get("products")
    error = content["errors"][0]
    if message:
        assert message in error["message"]
    else:
        assert error["extensions"]["exception"]["code"] == "INVALID"
