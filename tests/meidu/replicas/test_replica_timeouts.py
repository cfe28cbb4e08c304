"""A replica that never answers costs a bounded wait, never a hung request (meidu/core/replicas/timeouts.py).

* Connect: a local TCP server that accepts connections and never says a word stands in for the replica;
  the request waits DB_REPLICA_CONNECT_TIMEOUT once, is answered from the primary, and the replica is left
  alone for REPLICA_RETRY_SECONDS (no second connection attempt).
* Statement: the real standby (conftest.py) holds a lock replayed from the primary (ACCESS EXCLUSIVE on the
  products' table, taken on the primary and released there while the standby's replay is paused), so a
  storefront read there waits; DB_REPLICA_STATEMENT_TIMEOUT cancels it, the request is answered again from
  the primary and the replica is set aside for the next requests.

Nothing here asserts a duration beyond "it finished" (pytest-timeout bounds each test).
"""

from __future__ import annotations

import copy
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from meidu.core.replicas.health import replica_health, replica_health_forget
from meidu.core.replicas.timeouts import statement_timed_out
from meidu.runtime.database import replica_databases
from tests.support.graphql import GraphQLClient

from .conftest import DATABASE, REPLICA
from .test_streaming_replica import PRODUCT_TABLE, product_name, queries_by_alias, ran

pytestmark = [pytest.mark.django_db(transaction=True, databases=["default", REPLICA]), pytest.mark.timeout(120)]

ASIDE = {"REPLICA_RETRY_SECONDS": 3600, "REPLICA_CHECK_SECONDS": 3600}


@contextmanager
def silent_server():
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte: (port, accepted)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        listener.close()


@contextmanager
def replica_settings(port: int | None = None, statement_timeout: float | None = None):
    """``replica_0`` with the options meidu.runtime.database.replica_databases gives a replica (a 2 s connect
    timeout, ``statement_timeout`` seconds), optionally at another port; restored afterwards."""
    connection = connections[REPLICA]
    connection.close()
    saved = copy.deepcopy(connection.settings_dict)
    url = f"postgresql://postgres@127.0.0.1:{port or saved['PORT']}/{DATABASE}"
    entry = replica_databases(connections["default"].settings_dict, [url], 2, statement_timeout)["replica_0"]
    connection.settings_dict.update(PORT=str(port or saved["PORT"]), OPTIONS=entry["OPTIONS"])
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_replica_options_carry_both_timeouts():
    default = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"connect_timeout": 5, "options": "-c x=1"}}
    entry = replica_databases(default, ["postgresql://postgres@127.0.0.1:5/db"], 2, 1.5)["replica_0"]
    assert entry["OPTIONS"]["connect_timeout"] == 2
    assert entry["OPTIONS"]["options"] == "-c x=1 -c statement_timeout=1500"
    assert "options" not in replica_databases({}, ["postgresql://h/db"], 2, 0)["replica_0"]["OPTIONS"]


def test_a_replica_that_accepts_and_never_answers_costs_one_connect_timeout(pears, pg_cluster, caplog):
    url = f"/shop/p/{pears['product'].slug}/?channel=rural"
    with silent_server() as (port, accepted), replica_settings(port), override_settings(**ASIDE):
        with CaptureQueriesContext(connections["default"]) as primary:  # (capturing the replica would connect)
            assert product_name(GraphQLClient(), pears["product"]) == "南果梨"  # from the primary
        assert ran(primary, PRODUCT_TABLE)
        assert "Replica replica_0 is unreachable" in caplog.text
        assert not replica_health(REPLICA).reachable
        page = Client().get(url)
        assert page.status_code == 200 and "南果梨" in page.content.decode()
        assert product_name(GraphQLClient(), pears["product"]) == "南果梨"
        time.sleep(0.3)  # let the server's accept loop catch up with the kernel's queue
        assert len(accepted) == 1  # set aside after the first wait: the next requests did not try it


def _standby_holds_lock(pg_cluster) -> bool:
    sql = (
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        f"WHERE c.relname = '{PRODUCT_TABLE}' AND l.mode = 'AccessExclusiveLock'"
    )
    return bool(pg_cluster.standby.scalar(sql, dbname=DATABASE))


@contextmanager
def standby_blocked_on_products(pg_cluster):
    """The standby holds an ACCESS EXCLUSIVE lock on the products' table that the primary no longer holds."""
    pg_cluster.wait_replayed()
    holder = pg_cluster.primary.connect(DATABASE)
    holder.autocommit = False
    try:
        holder.execute(f'LOCK TABLE "{PRODUCT_TABLE}" IN ACCESS EXCLUSIVE MODE')
        deadline = time.monotonic() + 30
        while not _standby_holds_lock(pg_cluster):
            assert time.monotonic() < deadline, "the standby never replayed the lock"
            time.sleep(0.05)
        pg_cluster.replay_pause()  # the release below is received but not replayed: the standby keeps the lock
    finally:
        holder.rollback()
        holder.close()
    try:
        yield
    finally:
        pg_cluster.replay_resume()  # replays the release
        pg_cluster.wait_replayed()


def test_a_statement_past_its_timeout_on_the_standby_is_answered_from_the_primary(pears, pg_cluster, caplog):
    url = f"/shop/p/{pears['product'].slug}/?channel=rural"
    settings = {**ASIDE, "REPLICA_MAX_LAG_SECONDS": 3600}  # paused replay is lag: still a usable replica
    with standby_blocked_on_products(pg_cluster), replica_settings(statement_timeout=1), override_settings(**settings):
        with queries_by_alias() as (primary, replica):
            response = GraphQLClient().post(
                "query($slug: String!) { product(slug: $slug, channel: \"rural\") { name } }",
                {"slug": pears["product"].slug},
            )
        assert response.status_code == 200, response.content  # answered again from the primary
        assert response.json()["data"]["product"]["name"] == "南果梨"
        assert ran(replica, PRODUCT_TABLE) and ran(primary, PRODUCT_TABLE)  # tried there, answered here
        assert "ran past its timeout" in caplog.text
        assert not replica_health(REPLICA).reachable

        with queries_by_alias() as (primary, replica):  # set aside: the next request does not wait on it
            page = Client().get(url)
        assert page.status_code == 200 and "南果梨" in page.content.decode()
        assert replica.captured_queries == [] and ran(primary, PRODUCT_TABLE)

        replica_health_forget()  # as when the retry period is over: a page meets the blocked standby too
        caplog.clear()
        with queries_by_alias() as (primary, replica):  # (the test client would re-raise the first attempt's error)
            page = Client(raise_request_exception=False).get(url)
        assert page.status_code == 200 and "南果梨" in page.content.decode()
        assert ran(replica, PRODUCT_TABLE) and ran(primary, PRODUCT_TABLE)
        assert "ran past its timeout" in caplog.text


def test_only_a_cancelled_statement_counts_as_a_timeout(pg_cluster):
    with replica_settings(statement_timeout=0.2), connections[REPLICA].cursor() as cursor:
        with pytest.raises(OperationalError) as cancelled:
            cursor.execute("SELECT pg_sleep(5)")
    assert statement_timed_out(cancelled.value)
    assert not statement_timed_out(OperationalError("connection refused"))


@contextmanager
def freezable_proxy(target_port: int):
    """A TCP relay on 127.0.0.1 to ``target_port``; ``frozen.set()`` stops it relaying (both ways), as a standby
    that froze or a network that dropped its packets, with every connection left open: (port, frozen)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    frozen, stop = threading.Event(), threading.Event()
    sockets: list[socket.socket] = []

    def pipe(source: socket.socket, sink: socket.socket):
        source.settimeout(0.1)
        while not stop.is_set():
            if frozen.is_set():
                time.sleep(0.05)
                continue
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                sink.sendall(data)
            except OSError:
                return

    def serve():
        while not stop.is_set():
            try:
                client = listener.accept()[0]
            except OSError:
                continue
            upstream = socket.create_connection(("127.0.0.1", target_port))
            sockets.extend((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(source, sink), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], frozen
    finally:
        stop.set()
        thread.join(5)
        for sock in sockets:
            sock.close()
        listener.close()


def test_a_standby_that_stops_answering_on_an_open_connection_is_cut_by_the_client(pears, pg_cluster, caplog):
    """A frozen standby cancels nothing: the watchdog cuts the connection after the statement timeout plus its
    grace, and the request is answered from the primary."""
    pg_cluster.wait_replayed()
    with freezable_proxy(pg_cluster.standby.port) as (port, frozen), replica_settings(port, statement_timeout=1):
        with override_settings(**ASIDE, REPLICA_WATCHDOG_GRACE_SECONDS=1, DB_REPLICA_STATEMENT_TIMEOUT=1):
            with queries_by_alias() as (primary, replica):  # healthy: the replica answers through the relay
                assert product_name(GraphQLClient(), pears["product"]) == "南果梨"
            assert ran(replica, PRODUCT_TABLE) and not ran(primary, PRODUCT_TABLE)
            frozen.set()  # the connection stays open (CONN_MAX_AGE), the measurement trusted for an hour
            with CaptureQueriesContext(connections["default"]) as primary:
                response = GraphQLClient().post(
                    'query($slug: String!) { product(slug: $slug, channel: "rural") { name } }',
                    {"slug": pears["product"].slug},
                )
            assert response.status_code == 200, response.content  # answered again from the primary
            assert response.json()["data"]["product"]["name"] == "南果梨" and ran(primary, PRODUCT_TABLE)
            assert "its connection is cut" in caplog.text and not replica_health(REPLICA).reachable
