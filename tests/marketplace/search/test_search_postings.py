"""The postings of frequent terms (meidu.core.search.postings) answer exactly as the documents do.

Every test runs the same plain search twice, SEARCH_POSTINGS on and off, and asks for the same
products in the same order with the same totalCount, page after page, while the catalogue changes
under it: a scheduled publication crossing its time, listings hidden or moved to another channel, a
shop on holiday or suspended, a product renamed or deleted. The threshold is lowered so that the
labelled catalogue's common words (玉米, 梨, 香, li ...) are frequent terms here.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product
from marketplace.catalog.services_search import product_search_rebuild_dirty, product_search_reindex
from marketplace.search.models import ProductSearchPosting, ProductSearchTerm
from marketplace.search.selectors import products_page
from marketplace.search.spec import PRODUCTS
from marketplace.shops.services import shop_holiday_set, shop_transition
from meidu.core.search.analysis import parse_query
from meidu.core.search.postings import postings_refresh, postings_terms_rebuild, term_key
from tests.support.search_catalogue import seed_search_catalogue
from tests.support.search_labelled import QUERIES

pytestmark = pytest.mark.django_db

THRESHOLD = 3
POSTING_TABLE = ProductSearchPosting._meta.db_table


@pytest.fixture
def catalogue(farmer, farmer_shop, rural, basics, settings):
    settings.SEARCH_POSTINGS_MIN_MATCHES = THRESHOLD
    ids = seed_search_catalogue(farmer_shop, farmer, rural, basics["produce"])
    kept = postings_terms_rebuild(PRODUCTS)
    assert len(kept) >= 20 and {"玉米", "梨"} <= set(kept)
    return ids


def _walk(settings, channel, text, *, on: bool, size: int, descending: bool = True):
    """Every page of a plain search, carrying the keyset: ([(id, RANK), ...], totals seen, SQL run)."""
    query = parse_query(text)
    hits, totals, after = [], set(), None
    with override_settings(SEARCH_POSTINGS=on), CaptureQueriesContext(connection) as captured:
        while True:
            page, _relaxed = products_page(query, channel_id=channel.pk, size=size, after=after, descending=descending)
            totals.add(page.total)
            if not page.hits:
                break
            hits.extend(page.hits)
            after = (page.hits[-1][1], page.hits[-1][0])
    return hits, totals, " ".join(q["sql"] for q in captured.captured_queries)


def _same(settings, channel, text, *, size: int = 7, descending: bool = True) -> int:
    """The search pages and counts the same both ways; returns how many match."""
    docs, doc_totals, doc_sql = _walk(settings, channel, text, on=False, size=size, descending=descending)
    posts, post_totals, _sql = _walk(settings, channel, text, on=True, size=size, descending=descending)
    assert POSTING_TABLE not in doc_sql
    assert posts == docs, text
    assert post_totals == doc_totals == {len(docs)}, text
    return len(docs)


def _answered_by_postings(settings, channel, text) -> bool:
    with override_settings(SEARCH_POSTINGS=True), CaptureQueriesContext(connection) as captured:
        products_page(parse_query(text), channel_id=channel.pk, size=20)
    return any(POSTING_TABLE in q["sql"] for q in captured.captured_queries)


def _publish(product, actor, channel, **listing):
    values = {"is_published": True, "visible_in_listings": True, "available_for_purchase_at": timezone.now()}
    catalog.product_channel_listing_update(
        product, actor=actor, update_channels=[{"channel": channel, **values, **listing}]
    )


def test_every_frequent_term_pages_and_counts_as_the_documents_do(catalogue, rural, settings):
    words = list(ProductSearchTerm.objects.values_list("word", flat=True))
    for word in words:
        assert _answered_by_postings(settings, rural, word), word
        assert _same(settings, rural, word) >= THRESHOLD, word
        _same(settings, rural, word, size=20, descending=False)


def test_the_labelled_queries_answer_the_same_either_way(catalogue, rural, settings):
    used = 0
    for text, _tags, _kind in QUERIES:
        _same(settings, rural, text, size=20)
        used += _answered_by_postings(settings, rural, text)
    assert used >= 10  # the one-word queries of common words (玉米, 梨, li ...) took the postings


def test_a_term_key_is_the_strict_tsquery_so_more_words_or_another_synonym_list_miss_it(catalogue, rural, settings):
    assert term_key("玉米") in set(ProductSearchTerm.objects.values_list("key", flat=True))
    assert term_key("东北 玉米") is None  # two terms: the document way
    ProductSearchTerm.objects.filter(word="玉米").update(key="'something else'")
    # A process still holding the old key list finds no term in its statement: the document way answers.
    assert _same(settings, rural, "玉米") > 0


def test_a_publication_set_for_later_counts_from_its_time_without_a_write(catalogue, farmer, rural, settings):
    corn = Product.objects.get(pk=catalogue["corn2"])
    before = _same(settings, rural, "玉米")
    later = timezone.now() + timedelta(seconds=1.5)
    _publish(corn, farmer, rural, published_at=later)
    posting = ProductSearchPosting.objects.filter(product=corn, term__word="玉米").get()
    assert posting.visible_from == later
    assert _same(settings, rural, "玉米") == before - 1  # not before its time
    time.sleep(max(0.0, (later - timezone.now()).total_seconds()) + 0.2)
    assert _same(settings, rural, "玉米") == before  # nothing was written in between
    product_search_rebuild_dirty()  # the beat job moves it to the channels it is public in
    assert ProductSearchPosting.objects.filter(product=corn, term__word="玉米").get().visible_from is None
    assert _same(settings, rural, "玉米") == before


def test_hidden_listings_and_another_channel_are_left_out_both_ways(catalogue, farmer, channel_pair, settings):
    retail, rural = channel_pair
    corn, sticky = Product.objects.get(pk=catalogue["corn1"]), Product.objects.get(pk=catalogue["corn2"])
    before = _same(settings, rural, "玉米")
    _publish(corn, farmer, rural, is_published=False)
    _publish(sticky, farmer, rural, visible_in_listings=False)
    assert _same(settings, rural, "玉米") == before - 2
    _publish(corn, farmer, retail)
    assert _same(settings, retail, "玉米") == 1
    assert _same(settings, rural, "玉米") == before - 2
    _publish(sticky, farmer, rural)
    assert _same(settings, rural, "玉米") == before - 1


def test_a_shop_on_holiday_or_suspended_is_left_out(catalogue, farmer, farmer_shop, operator, rural, settings):
    assert _same(settings, rural, "梨") > 0
    shop_holiday_set(farmer_shop, True, actor=farmer)
    assert _same(settings, rural, "梨") == 0
    assert ProductSearchPosting.objects.exists()  # kept: a query leaves the closed shop out
    shop_holiday_set(farmer_shop, False, actor=farmer)
    assert _same(settings, rural, "梨") > 0
    shop_transition(farmer_shop, "suspend", actor=operator, note="质量抽检")
    assert _same(settings, rural, "梨") == 0


def test_a_renamed_product_moves_with_its_rebuild_and_a_deleted_one_is_gone(catalogue, farmer, rural, settings):
    corn = Product.objects.get(pk=catalogue["corn3"])
    before = _same(settings, rural, "玉米")
    catalog.product_update(corn, actor=farmer, name="白糯 5斤装", description="山地种植")
    # Waiting for its rebuild: its postings hold the old lexemes, as its document does.
    assert _same(settings, rural, "玉米") == before
    product_search_rebuild_dirty()
    assert _same(settings, rural, "玉米") == before - 1
    assert not ProductSearchPosting.objects.filter(product=corn, term__word="玉米").exists()
    pear = Product.objects.get(pk=catalogue[next(k for k in catalogue if k.startswith("pear"))])
    pears = _same(settings, rural, "梨")
    catalog.product_delete(pear, actor=farmer)
    assert not ProductSearchPosting.objects.filter(product_id=pear.pk).exists()
    assert _same(settings, rural, "梨") == pears - 1


def test_a_reindex_rebuilds_the_same_postings(catalogue, rural, settings):
    rows = set(ProductSearchPosting.objects.values_list("product_id", "term__key", "channel", "rank", "visible_from"))
    product_search_reindex("postgres")
    again = set(ProductSearchPosting.objects.values_list("product_id", "term__key", "channel", "rank", "visible_from"))
    assert again == rows
    settings.SEARCH_POSTINGS = False
    assert _same(settings, rural, "梨") > 0


def _rows(ids):
    return set(
        ProductSearchPosting.objects.filter(product_id__in=ids).values_list(
            "product_id", "term_id", "channel", "rank", "visible_from"
        )
    )


def _row_versions(ids):
    """ctid of each posting row: a row rewritten (deleted and inserted again) gets another."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT product_id, term_id, channel, ctid::text FROM {POSTING_TABLE} WHERE product_id = ANY(%s)", [ids]
        )
        return {row[:3]: row[3] for row in cursor.fetchall()}


def test_a_refresh_writes_only_the_rows_that_change(catalogue, farmer, channel_pair, settings):
    """postings_refresh writes a difference: a product whose document did not change keeps its rows as
    they are (same tuples), and a visibility change rewrites only the rows it changes."""
    retail, rural = channel_pair
    ids = list(catalogue.values())
    corn_in_rural = _same(settings, rural, "玉米")
    rows, versions = _rows(ids), _row_versions(ids)
    assert postings_refresh(PRODUCTS, ids) == 0
    assert _rows(ids) == rows and _row_versions(ids) == versions
    corn = Product.objects.get(pk=catalogue["corn1"])
    _publish(corn, farmer, retail)  # a second channel: the rural rows stay untouched
    after = _row_versions(ids)
    assert {key: ctid for key, ctid in after.items() if key[2] == rural.pk} == versions
    assert {key[0] for key in after if key[2] == retail.pk} == {corn.pk}
    later = timezone.now() + timedelta(days=2)
    _publish(corn, farmer, rural, published_at=later)  # scheduled later in rural: its rural rows change
    assert {vf for pk, _t, ch, _r, vf in _rows([corn.pk]) if ch == rural.pk} == {later}
    assert _same(settings, rural, "玉米") == corn_in_rural - 1
    assert _same(settings, retail, "玉米") == 1
