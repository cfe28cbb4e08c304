"""Read replicas against a real streaming standby (conftest.py starts it): where each read goes, read-your-
writes, replication lag (replay paused with pg_wal_replay_pause) and a standby that goes away.

Every request's queries are captured per connection, so "went to the replica" means the SQL ran on the
standby's connection, which PostgreSQL itself says is in recovery.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from celery import shared_task
from django.core.cache import cache
from django.db import connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from magnesium_exchange.trading.models import Listing
from marketplace.catalog.models import Product
from marketplace.complaints.models import Complaint
from marketplace.inventory.models import Stock
from marketplace.orders.models import Allocation, Order
from meidu.core.ledger.models import LedgerPosting
from meidu.core.replicas.context import Scope, primary_reads, read_state, scoped
from meidu.core.replicas.health import replica_health_forget
from meidu.core.replicas.pinning import COOKIE
from meidu.core.replicas.router import ReplicaRouter
from tests.support.buying import add, cart_of, login
from tests.support.graphql import GraphQLClient, token_for

from .conftest import REPLICA

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

PRODUCT = """query($slug: String!) {
  product(slug: $slug, channel: "rural") { name variants { quantityAvailable } }
}"""
RENAME = """mutation($id: ID!, $name: String!) {
  productUpdate(id: $id, input: {name: $name}) { product { name } errors { code } }
}"""
PRODUCT_TABLE = Product._meta.db_table
STOCK_TABLE = Stock._meta.db_table


@contextmanager
def queries_by_alias():
    """The SQL each connection ran: (primary, replica)."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as rep:
        yield primary, rep


def ran(captured, table: str) -> bool:
    return any(f'"{table}"' in query["sql"] for query in captured.captured_queries)


def product_name(client: GraphQLClient, product) -> str:
    return client.execute(PRODUCT, {"slug": product.slug})["product"]["name"]


def gid(product) -> str:
    from graphql_relay import to_global_id

    return to_global_id("Product", product.pk)


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def test_storefront_query_reads_the_replica_and_stock_the_primary(pears, pg_cluster):
    pg_cluster.wait_replayed()
    with queries_by_alias() as (primary, replica):
        data = GraphQLClient().execute(PRODUCT, {"slug": pears["product"].slug})
    assert data["product"]["name"] == "南果梨" and data["product"]["variants"][0]["quantityAvailable"] == 20
    assert ran(replica, PRODUCT_TABLE) and not ran(primary, PRODUCT_TABLE)
    # stock never comes from a replica, even inside a storefront query
    assert ran(primary, STOCK_TABLE) and not ran(replica, STOCK_TABLE)
    assert in_recovery(REPLICA) and not in_recovery("default")


def test_mutation_reads_and_writes_only_the_primary(pears, pg_cluster):
    pg_cluster.wait_replayed()
    owner = GraphQLClient(token_for(pears["owner"]))
    with queries_by_alias() as (primary, replica):
        data = owner.execute(RENAME, {"id": gid(pears["product"]), "name": "南果梨(新)"})
    assert data["productUpdate"] == {"product": {"name": "南果梨(新)"}, "errors": []}
    assert ran(primary, PRODUCT_TABLE)
    assert replica.captured_queries == []


def test_public_page_reads_the_replica_and_a_cart_post_the_primary(pears, buyer, pg_cluster):
    pg_cluster.wait_replayed()
    browser = login(buyer)
    with queries_by_alias() as (primary, replica):
        page = browser.get(f"/shop/p/{pears['product'].slug}/?channel=rural")
    assert page.status_code == 200 and "南果梨" in page.content.decode()
    assert ran(replica, PRODUCT_TABLE) and not ran(primary, PRODUCT_TABLE)

    with queries_by_alias() as (primary, replica):
        added = add(browser, pears["variant"])
    assert added.status_code == 302
    assert replica.captured_queries == []
    assert cart_of(buyer).lines.count() == 1
    assert COOKIE in added.cookies  # the browser wrote: pinned to the primary for the window

    with queries_by_alias() as (primary, replica):
        page = browser.get(f"/shop/p/{pears['product'].slug}/?channel=rural")
    assert page.status_code == 200
    assert ran(primary, PRODUCT_TABLE) and not ran(replica, PRODUCT_TABLE)


def test_cart_and_checkout_pages_never_read_the_replica(pears, buyer, pg_cluster):
    browser = login(buyer)
    add(browser, pears["variant"])
    browser.cookies.pop(COOKIE)  # as if past the read-your-writes window: only the path keeps these pages
    cache.clear()  # on the primary
    pg_cluster.wait_replayed()
    with queries_by_alias() as (_primary, replica):
        assert browser.get("/shop/cart/").status_code == 200
    assert replica.captured_queries == []


def test_the_router_keeps_money_stock_trading_and_transactions_on_the_primary(pears, pg_cluster):
    router = ReplicaRouter()
    pg_cluster.wait_replayed()
    with read_state(Scope.STOREFRONT):
        assert router.db_for_read(Product) == REPLICA
        for model in (Stock, LedgerPosting, Listing, Allocation, Order):
            assert router.db_for_read(model) == "default", model
        with transaction.atomic():
            assert router.db_for_read(Product) == "default"
        with scoped(Scope.REPORT):
            assert router.db_for_read(Order) == REPLICA  # a report's order history
            assert router.db_for_read(Allocation) == "default"
    with read_state(None):
        assert router.db_for_read(Product) == "default"  # no scope: a task, a command, a form post
    assert router.db_for_read(Product) == "default"  # outside any request
    with read_state(Scope.STOREFRONT) as state:
        assert router.db_for_write(Product) == "default"
        assert state.wrote and router.db_for_read(Product) == "default"  # after a write, the primary


@shared_task
def product_read_where() -> str:
    return ReplicaRouter().db_for_read(Product)


def test_a_task_run_inside_a_storefront_request_reads_the_primary(pg_cluster):
    pg_cluster.wait_replayed()
    with read_state(Scope.STOREFRONT) as state:
        assert ReplicaRouter().db_for_read(Product) == REPLICA
        # eager, as without a broker (.result: .get() refuses when an earlier test left Celery's task stack set)
        assert product_read_where.apply().result == "default"
        with primary_reads():
            ReplicaRouter().db_for_write(Product)
        assert state.wrote  # the task's write is the request's: it reads the primary from here on


def test_a_staff_report_reads_its_history_from_the_replica(operator, pg_cluster):
    pg_cluster.wait_replayed()
    staff = login(operator)
    complaints = Complaint._meta.db_table
    with queries_by_alias() as (primary, replica):
        assert staff.get("/operator/complaints/").status_code == 200
    assert ran(replica, complaints) and not ran(primary, complaints)
    with queries_by_alias() as (primary, replica):  # not a report page: the primary
        assert staff.get("/account/").status_code == 200
    assert replica.captured_queries == []


def test_read_your_writes_across_clients_then_the_window_ends(pears, pg_cluster):
    pg_cluster.wait_replayed()
    pg_cluster.replay_pause()  # the replica keeps the old name until replay resumes
    owner_token = token_for(pears["owner"])
    with override_settings(REPLICA_MAX_LAG_SECONDS=3600, REPLICA_READ_YOUR_WRITES_SECONDS=1):
        GraphQLClient(owner_token).execute(RENAME, {"id": gid(pears["product"]), "name": "南果梨(新)"})
        pg_cluster.wait_received()
        # the writer, from a client that never saw the response (another app, another web machine):
        # recognised by their token through the shared cache, they read the primary
        assert product_name(GraphQLClient(owner_token), pears["product"]) == "南果梨(新)"
        # anyone else reads the replica, which has not replayed the write yet
        assert product_name(GraphQLClient(), pears["product"]) == "南果梨"
        time.sleep(1.1)  # the window is over: the writer reads the (still paused) replica again
        assert product_name(GraphQLClient(owner_token), pears["product"]) == "南果梨"
    pg_cluster.replay_resume()
    pg_cluster.wait_replayed()
    assert product_name(GraphQLClient(), pears["product"]) == "南果梨(新)"


def test_a_replica_behind_more_than_the_lag_limit_is_bypassed(pears, pg_cluster):
    pg_cluster.wait_replayed()
    pg_cluster.replay_pause()
    GraphQLClient(token_for(pears["owner"])).execute(RENAME, {"id": gid(pears["product"]), "name": "南果梨(新)"})
    pg_cluster.wait_received()  # the standby holds the write but has not replayed it
    anonymous = GraphQLClient()
    with override_settings(REPLICA_MAX_LAG_SECONDS=0):
        with queries_by_alias() as (primary, _replica):
            assert product_name(anonymous, pears["product"]) == "南果梨(新)"
        assert ran(primary, PRODUCT_TABLE)
    with override_settings(REPLICA_MAX_LAG_SECONDS=3600):  # a stale replica within the limit is read
        assert product_name(anonymous, pears["product"]) == "南果梨"
    pg_cluster.replay_resume()
    pg_cluster.wait_replayed()
    with override_settings(REPLICA_MAX_LAG_SECONDS=0), queries_by_alias() as (primary, replica):
        assert product_name(anonymous, pears["product"]) == "南果梨(新)"
    assert ran(replica, PRODUCT_TABLE) and not ran(primary, PRODUCT_TABLE)  # caught up: current again


def test_an_unreachable_replica_falls_back_to_the_primary(pears, pg_cluster, caplog):
    pg_cluster.wait_replayed()
    anonymous, browser = GraphQLClient(), Client()
    # a healthy measurement that this process trusts for an hour: the replica then dies under it,
    # with its connection open (CONN_MAX_AGE), so the next requests meet the failure mid-query
    with override_settings(REPLICA_CHECK_SECONDS=3600, REPLICA_RETRY_SECONDS=3600):
        assert product_name(anonymous, pears["product"]) == "南果梨"
        pg_cluster.server_stop(pg_cluster.standby)
        try:
            response = anonymous.post(PRODUCT, {"slug": pears["product"].slug})
            assert response.status_code == 200, response.content  # answered again from the primary
            assert response.json()["data"]["product"]["name"] == "南果梨"
            assert "Replica replica_0 is unreachable" in caplog.text
            page = browser.get(f"/shop/p/{pears['product'].slug}/?channel=rural")
            assert page.status_code == 200 and "南果梨" in page.content.decode()
            # the retry period over, the replica is measured again: refusing connections, it is skipped
            replica_health_forget()
            caplog.clear()
            with override_settings(REPLICA_CHECK_SECONDS=0, REPLICA_RETRY_SECONDS=0):
                assert product_name(anonymous, pears["product"]) == "南果梨"
                assert "Replica replica_0 is unreachable" in caplog.text
        finally:
            pg_cluster.server_start(pg_cluster.standby)


PRODUCT_NAME = """query($slug: String!) { product(slug: $slug, channel: "rural") { name } }"""


def test_answers_that_fill_the_shared_caches_read_the_primary(pears, pg_cluster):
    """A lagging replica would render data older than the versions in the cache key, and the shared cache
    would keep it for everyone: a cache fill (GraphQL answer or public page) reads the primary, while the
    same read with the caches off may read the replica."""
    pg_cluster.wait_replayed()
    cache.clear()
    with override_settings(RESPONSE_CACHE_ENABLED=True, PAGE_CACHE_ENABLED=True):
        with queries_by_alias() as (primary, replica):
            data = GraphQLClient().execute(PRODUCT_NAME, {"slug": pears["product"].slug})
        assert data["product"]["name"] == "南果梨"
        assert ran(primary, PRODUCT_TABLE) and not ran(replica, PRODUCT_TABLE)

        with queries_by_alias() as (primary, replica):
            page = Client().get(f"/shop/p/{pears['product'].slug}/?channel=rural")
        assert page.status_code == 200 and page["X-Page-Cache"] == "miss"
        assert ran(primary, PRODUCT_TABLE) and not ran(replica, PRODUCT_TABLE)

    with override_settings(RESPONSE_CACHE_ENABLED=False):
        with queries_by_alias() as (primary, replica):
            GraphQLClient().execute(PRODUCT_NAME, {"slug": pears["product"].slug})
        assert ran(replica, PRODUCT_TABLE) and not ran(primary, PRODUCT_TABLE)
