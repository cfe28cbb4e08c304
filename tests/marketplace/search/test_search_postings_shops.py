"""A shop closing or reopening writes no posting, and the postings still answer exactly as the documents.

The postings hold where a product is listed and its shop, not the shop's state: a query leaves out the
shops closed now (meidu.core.search.postings.owners_open). Two shops sell pears and corn; one goes on
holiday, is suspended, changes its listings, schedules a publication and deletes a product while
closed, and reopens; every search pages and counts the same with SEARCH_POSTINGS on and off, and the
other shop's products stay found throughout.
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product
from marketplace.catalog.services_search import product_search_rebuild_dirty
from marketplace.catalog.services_setup import category_ensure
from marketplace.search.spec import PRODUCTS
from marketplace.shops.services import shop_holiday_set, shop_transition
from meidu.core.search.postings import postings_terms_rebuild
from tests.marketplace.search.test_search_postings import (
    THRESHOLD,
    _answered_by_postings,
    _publish,
    _row_versions,
    _same,
    _walk,
)
from tests.support.search_catalogue import seed_search_catalogue

pytestmark = pytest.mark.django_db

WORDS = ("梨", "玉米", "li")
RIVAL_NAMES = ("砀山酥梨 5斤装", "东北甜玉米 10穗", "南果梨 礼盒", "糯玉米 真空装")


def _rival_product(shop, actor, channel, product_type, n: int, name: str) -> int:
    product = catalog.product_create(
        shop,
        actor=actor,
        product_type=product_type,
        category=category_ensure("farm-goods", "农家好物"),
        name=name,
        description="邻村的货",
    )
    _publish(product, actor, channel)
    variant = catalog.variant_create(product, actor=actor, sku=f"RIV-{n:03d}", name="标准装")
    catalog.variant_channel_listing_update(variant, actor=actor, prices=[{"channel": channel, "price": Decimal(12)}])
    return product.pk


@pytest.fixture
def two_shops(farmer, farmer_shop, rival, rival_shop, rural, basics, settings):
    """({key: product id} of the farmer's labelled catalogue, the rival's product ids), terms built."""
    settings.SEARCH_POSTINGS_MIN_MATCHES = THRESHOLD
    ids = seed_search_catalogue(farmer_shop, farmer, rural, basics["produce"])
    rivals = [
        _rival_product(rival_shop, rival, rural, basics["produce"], n, name) for n, name in enumerate(RIVAL_NAMES)
    ]
    product_search_rebuild_dirty()
    kept = postings_terms_rebuild(PRODUCTS)
    assert {"梨", "玉米"} <= set(kept)
    return ids, rivals


def _answers(settings, channel) -> dict[str, list[int]]:
    """The product ids of every word, page after page, checked the same both ways (both orders)."""
    out = {}
    for word in WORDS:
        assert _answered_by_postings(settings, channel, word), word
        _same(settings, channel, word, size=20, descending=False)
        _same(settings, channel, word, size=5)
        hits, _totals, _sql = _walk(settings, channel, word, on=True, size=5)
        out[word] = [pk for pk, _rank in hits]
    return out


def _only(answers: dict[str, list[int]], allowed: set[int]) -> dict[str, list[int]]:
    return {word: [pk for pk in hits if pk in allowed] for word, hits in answers.items()}


def test_a_holiday_and_a_reopening_write_no_posting_and_answer_as_the_documents(
    two_shops, farmer, farmer_shop, rural, settings
):
    ids, rivals = two_shops
    open_answers = _answers(settings, rural)
    assert all(set(hits) - set(rivals) for hits in open_answers.values())  # both shops found
    versions = _row_versions([*ids.values(), *rivals])
    shop_holiday_set(farmer_shop, True, actor=farmer)
    assert _answers(settings, rural) == _only(open_answers, set(rivals))
    assert _row_versions([*ids.values(), *rivals]) == versions  # not one row written
    shop_holiday_set(farmer_shop, False, actor=farmer)
    assert _answers(settings, rural) == open_answers  # at once, in the same order
    assert _row_versions([*ids.values(), *rivals]) == versions


def test_a_suspension_and_its_lifting_answer_as_the_documents(two_shops, farmer_shop, operator, rural, settings):
    _ids, rivals = two_shops
    open_answers = _answers(settings, rural)
    shop_transition(farmer_shop, "suspend", actor=operator, note="质量抽检")
    assert _answers(settings, rural) == _only(open_answers, set(rivals))
    shop_transition(farmer_shop, "reinstate", actor=operator)
    assert _answers(settings, rural) == open_answers


def test_listings_changed_while_on_holiday_show_when_the_shop_reopens(
    two_shops, farmer, farmer_shop, rival, rival_shop, rural, settings
):
    """Unpublished, scheduled (crossing its time while closed), renamed and deleted products of a closed
    shop: its documents say public nowhere meanwhile, the postings follow the listings, and the reopened
    shop answers the same both ways."""
    ids, rivals = two_shops
    corn = _same(settings, rural, "玉米")
    pears = _same(settings, rural, "梨")
    shop_holiday_set(farmer_shop, True, actor=farmer)
    _publish(Product.objects.get(pk=ids["corn1"]), farmer, rural, is_published=False)
    later = timezone.now() + timedelta(seconds=1.5)
    _publish(Product.objects.get(pk=ids["corn2"]), farmer, rural, published_at=later)
    catalog.product_update(Product.objects.get(pk=ids["corn3"]), actor=farmer, name="白糯 5斤装", description="山地")
    pear = next(pk for key, pk in ids.items() if key.startswith("pear"))
    catalog.product_delete(Product.objects.get(pk=pear), actor=farmer)
    product_search_rebuild_dirty()
    closed = _answers(settings, rural)
    assert set(closed["玉米"]) <= set(rivals) and set(closed["梨"]) <= set(rivals)
    time.sleep(max(0.0, (later - timezone.now()).total_seconds()) + 0.2)  # corn2's time comes while closed
    product_search_rebuild_dirty()  # the beat job's due publications meanwhile
    shop_holiday_set(farmer_shop, False, actor=farmer)
    assert _same(settings, rural, "玉米") == corn - 2  # corn1 unpublished, corn3 renamed; corn2's time has come
    assert _same(settings, rural, "梨") == pears - 1
    _answers(settings, rural)


def test_a_publication_scheduled_before_a_holiday_counts_from_its_time_after_the_reopening(
    two_shops, farmer, farmer_shop, rural, settings
):
    ids, _rivals = two_shops
    corn = _same(settings, rural, "玉米")
    later = timezone.now() + timedelta(seconds=2)
    _publish(Product.objects.get(pk=ids["corn2"]), farmer, rural, published_at=later)
    shop_holiday_set(farmer_shop, True, actor=farmer)
    shop_holiday_set(farmer_shop, False, actor=farmer)
    assert _same(settings, rural, "玉米") == corn - 1  # reopened, its time not come yet
    time.sleep(max(0.0, (later - timezone.now()).total_seconds()) + 0.2)
    assert _same(settings, rural, "玉米") == corn  # no write in between
