"""A product rebuilt while the frequent terms are rebuilt keeps no postings of its old lexemes.

Real connections: one thread holds a transaction that rewrote a product's lexemes and postings (a
pear renamed to an apple) while another rebuilds the terms. The rebuild waits for that transaction
(postings._lock) and then reads the new lexemes; without the lock it read the old ones from its
snapshot and kept the apple under 梨 after both committed.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from marketplace.catalog.models import Product
from marketplace.catalog.services_search import product_search_rebuild_dirty
from marketplace.search.models import ProductSearchPosting
from marketplace.search.services import search_documents_mark_dirty
from marketplace.search.spec import PRODUCTS
from meidu.core.search.postings import postings_terms_rebuild
from tests.support.search_many import seed_many_matches

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row and row[0])


def test_a_term_rebuild_waits_for_a_product_rewritten_meanwhile(farmer_shop, rural, basics, settings):
    settings.SEARCH_POSTINGS_MIN_MATCHES = 3
    many = seed_many_matches(farmer_shop, rural, basics["produce"], count=8, tail=2)
    pear = many.ids[0]
    assert ProductSearchPosting.objects.filter(product_id=pear, term__word="梨").exists()
    rewritten, release, pids, errors = threading.Event(), threading.Event(), {}, []

    def rename():
        try:
            with transaction.atomic():
                Product.objects.filter(pk=pear).update(name="苹果 第0000号", description="")
                search_documents_mark_dirty([pear])
                product_search_rebuild_dirty()  # lexemes and postings rewritten, not committed yet
                rewritten.set()
                release.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            rewritten.set()
        finally:
            connections.close_all()

    def rebuild():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids["rebuild"] = cursor.fetchone()[0]
            postings_terms_rebuild(PRODUCTS)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    renamer = threading.Thread(target=rename)
    renamer.start()
    assert rewritten.wait(30)
    rebuilder = threading.Thread(target=rebuild)
    rebuilder.start()
    for _ in range(600):  # until the rebuild waits on the renamer's lock (or finished: a failure below)
        if "rebuild" in pids and (_waiting_on_a_lock(pids["rebuild"]) or not rebuilder.is_alive()):
            break
        threading.Event().wait(0.05)
    assert rebuilder.is_alive() and _waiting_on_a_lock(pids["rebuild"])
    release.set()
    renamer.join(30)
    rebuilder.join(60)
    assert not errors
    assert not ProductSearchPosting.objects.filter(product_id=pear, term__word="梨").exists()
    assert ProductSearchPosting.objects.filter(term__word="梨").count() == 7
