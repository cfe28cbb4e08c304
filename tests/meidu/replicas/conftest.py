"""A real streaming replica for these tests: one primary and standby per session (tests.support.pg_cluster).

For the tests of this folder, Django's ``default`` database is the temporary primary (holding a copy of
the suite's migrated test database, or migrated when it cannot be copied) and
``replica_0`` its standby, with the replica router on; afterwards ``default`` is the suite's test database
again. The tests are transactional (the standby must see committed rows), and ``replica_0`` is a test
mirror of ``default``, so Django flushes only the primary between tests. Skipped only when no PostgreSQL
binaries can be found, and then failed instead under MEIDU_REQUIRE_REPLICA=1 (set by .ci/run).
"""

from __future__ import annotations

import copy
import os

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from meidu.core.replicas.health import replica_health_forget
from tests.support.pg_cluster import Cluster, postgres_binaries

REPLICA = "replica_0"
DATABASE = "meidu_replica_test"
ROUTER = "meidu.core.replicas.router.ReplicaRouter"


@pytest.fixture(scope="session")
def pg_cluster(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        major = connections["default"].pg_version // 10000  # the suite's server: its database is copied
    binaries = postgres_binaries(major)
    if binaries is None:
        reason = "no PostgreSQL binaries (initdb, pg_ctl, pg_basebackup, postgres) on this machine"
        if os.environ.get("MEIDU_REQUIRE_REPLICA") == "1":  # set by .ci/run: the CI must run these
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = Cluster(binaries).start()
    try:
        yield cluster
    finally:
        cluster.close()


def _forget_server_facts(alias: str) -> None:
    connection = connections[alias]
    connection.close()
    connection.__dict__.pop("pg_version", None)


@pytest.fixture(scope="module", autouse=True)
def replicated_default(pg_cluster, django_db_setup, django_db_blocker):
    """``default`` on the temporary primary, migrated; ``replica_0`` on its standby; the router on."""
    default = connections["default"]
    saved = copy.deepcopy(default.settings_dict)
    _forget_server_facts("default")
    # the suite's test database, migrated already, copied onto the primary; migrated afresh only when it
    # cannot be copied (its server is newer than the binaries found). Each module of this folder starts from a
    # fresh copy (the cluster is the session's).
    pg_cluster.primary.scalar(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    copied = pg_cluster.database_copy(saved, DATABASE)
    if not copied:
        pg_cluster.primary.scalar(f'CREATE DATABASE "{DATABASE}"')
    default.settings_dict.update(HOST="127.0.0.1", PORT=str(pg_cluster.primary.port), NAME=DATABASE)
    default.settings_dict.update(USER="postgres", PASSWORD="")
    replica = copy.deepcopy(default.settings_dict)
    replica.update(PORT=str(pg_cluster.standby.port))
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA] = replica
    overrides = override_settings(
        DATABASE_ROUTERS=[ROUTER], REPLICA_CHECK_SECONDS=0, REPLICA_RETRY_SECONDS=0, REPLICA_MAX_LAG_SECONDS=2
    )
    overrides.enable()
    try:
        if not copied:
            with django_db_blocker.unblock():
                call_command("migrate", interactive=False, verbosity=0)
                default.close()
        pg_cluster.wait_replayed()
        yield pg_cluster
    finally:
        overrides.disable()
        _forget_server_facts(REPLICA)
        del connections[REPLICA]
        connections.settings.pop(REPLICA, None)
        _forget_server_facts("default")
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        replica_health_forget()


@pytest.fixture(autouse=True)
def fresh_health(pg_cluster):
    """Each test measures the replica afresh, with replay running and caught up."""
    pg_cluster.replay_resume()
    pg_cluster.wait_replayed()
    replica_health_forget()
    yield
    pg_cluster.replay_resume()
    replica_health_forget()
