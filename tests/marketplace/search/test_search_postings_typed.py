"""What a buyer types for a frequent word (its pinyin, its first characters) gets postings, and they answer
exactly as the documents do.

zhurou is 猪肉 typed in pinyin (a prefix query: 'zhurou':* and the synonyms of 猪肉) and 南果 is 南果梨
typed halfway ('南果' | '南' & '果'): neither is a lexeme's own query, so before term_candidates they
always went the document way. Here they are keys, and every page and the count are the documents',
also while a shop is on holiday.
"""

import pytest

from marketplace.search.models import ProductSearchTerm
from marketplace.shops.services import shop_holiday_set
from meidu.core.search.postings import term_key
from tests.marketplace.search.test_search_postings import _answered_by_postings, _same
from tests.marketplace.search.test_search_postings_shops import two_shops  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TYPED = ("zhurou", "南果", "nanguo")


def _keys() -> set[str]:
    return set(ProductSearchTerm.objects.values_list("key", flat=True))


def _same_every_way(settings, channel, text) -> int:
    assert _answered_by_postings(settings, channel, text), text
    _same(settings, channel, text, size=20, descending=False)
    return _same(settings, channel, text, size=2)


def test_pinyin_and_prefix_of_frequent_words_are_keys(two_shops, settings):  # noqa: F811
    keys = _keys()
    for text in TYPED:
        key = term_key(text)
        assert key is not None and key in keys, text
    assert term_key("猪肉") != term_key("zhurou")  # not the lexeme's key: a key of its own
    # A form that matches too few documents gets no key (ng: initials of 南果, in no name).
    assert term_key("ng") not in keys


def test_typed_keys_page_and_count_as_the_documents_do(two_shops, rural, settings):  # noqa: F811
    for text in TYPED:
        assert _same_every_way(settings, rural, text) >= 3, text


def test_typed_keys_leave_out_a_shop_on_holiday(two_shops, farmer, farmer_shop, rival, rival_shop, rural, settings):  # noqa: F811
    _ids, rivals = two_shops
    both = {text: _same_every_way(settings, rural, text) for text in TYPED}
    shop_holiday_set(rival_shop, True, actor=rival)
    alone = {text: _same_every_way(settings, rural, text) for text in TYPED}
    assert alone["南果"] == both["南果"] - 1  # the rival's 南果梨 礼盒 is left out
    assert alone["zhurou"] == both["zhurou"]
    shop_holiday_set(farmer_shop, True, actor=farmer)
    assert all(_same(settings, rural, text) == 0 for text in TYPED)
    shop_holiday_set(rival_shop, False, actor=rival)
    assert _same_every_way(settings, rural, "南果") == 1
    shop_holiday_set(farmer_shop, False, actor=farmer)
    assert {text: _same_every_way(settings, rural, text) for text in TYPED} == both
