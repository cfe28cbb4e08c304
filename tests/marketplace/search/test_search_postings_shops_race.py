"""A search while a shop reopens sees the shop closed or open, never half of it, both ways.

Real connections: one thread reopens a shop on holiday and holds its transaction open; a search on
another connection meanwhile still finds none of the shop's products, with the postings and with the
documents alike (the shop's row and its documents' channels are not committed yet), and finds all of
them, in the same order both ways, the moment the reopening commits.
"""

import threading

import pytest
from django.db import connections, transaction

from marketplace.catalog.services_search import product_search_rebuild_dirty
from marketplace.search.spec import PRODUCTS
from marketplace.shops.models import Shop
from marketplace.shops.services import shop_holiday_set
from meidu.core.search.postings import postings_terms_rebuild
from tests.marketplace.search.test_search_postings import _answered_by_postings, _same, _walk
from tests.support.search_many import seed_many_matches

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_search_during_a_reopening_sees_the_shop_closed_then_open(farmer, farmer_shop, rural, basics, settings):
    settings.SEARCH_POSTINGS_MIN_MATCHES = 3
    many = seed_many_matches(farmer_shop, rural, basics["produce"], count=8, tail=2)
    product_search_rebuild_dirty()
    postings_terms_rebuild(PRODUCTS)
    assert _answered_by_postings(settings, rural, "梨")
    open_hits, _t, _s = _walk(settings, rural, "梨", on=True, size=3)
    assert {pk for pk, _r in open_hits} <= set(many.ids) and len(open_hits) == _same(settings, rural, "梨", size=3)
    shop_holiday_set(farmer_shop, True, actor=farmer)
    assert _same(settings, rural, "梨") == 0
    reopened, release, errors = threading.Event(), threading.Event(), []

    def reopen():
        try:
            with transaction.atomic():
                shop_holiday_set(Shop.objects.get(pk=farmer_shop.pk), False, actor=farmer)
                reopened.set()
                release.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            reopened.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=reopen)
    thread.start()
    assert reopened.wait(60)
    assert _same(settings, rural, "梨", size=3) == 0  # not committed: closed both ways
    release.set()
    thread.join(60)
    assert not errors
    assert _same(settings, rural, "梨", size=3) == len(open_hits)  # committed: open at once, both ways
    assert _walk(settings, rural, "梨", on=True, size=3)[0] == open_hits
