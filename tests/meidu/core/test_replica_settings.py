"""Replica settings that could open money or stock to a replica, or break read-your-writes, are refused;
DATABASE_REPLICA_URLS makes aliases with the primary's options (the streaming tests: tests/meidu/replicas)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from meidu.core.replicas.router import allowed_models
from meidu.runtime.database import database_settings, replica_databases


@pytest.fixture
def fresh_lists():
    allowed_models.cache_clear()
    yield
    allowed_models.cache_clear()


@pytest.mark.parametrize("listed", ["ledger", "inventory.stock", "exchange_trading", "orders", "shops"])
def test_a_never_table_may_not_be_listed_for_a_replica(fresh_lists, listed):
    with override_settings(REPLICA_READ_MODELS={"storefront": ["catalog", listed], "report": []}):
        with pytest.raises(ImproperlyConfigured, match=listed):
            allowed_models()


def test_the_shipped_lists_are_accepted(fresh_lists):
    lists = allowed_models()
    assert "catalog" in lists["storefront"] and "orders.order" in lists["report"]
    assert "orders.order" not in lists["storefront"]


def test_replica_aliases_keep_the_primary_options():
    default = database_settings("postgresql://meidu:pw@primary:5432/meidu", conn_max_age=60)
    default["OPTIONS"].update(server_side_binding=True, prepare_threshold=5, connect_timeout=5)
    replicas = replica_databases(
        default, ["postgresql://meidu:pw@replica-a:5432/meidu", "postgresql://ro:pw2@replica-b/meidu"], 2
    )
    assert list(replicas) == ["replica_0", "replica_1"]
    assert replicas["replica_1"]["HOST"] == "replica-b" and replicas["replica_1"]["USER"] == "ro"
    for entry in replicas.values():
        assert entry["CONN_MAX_AGE"] == 60
        assert entry["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5, "connect_timeout": 2}
        assert entry["TEST"] == {"MIRROR": "default"}


def test_a_window_shorter_than_the_lag_limit_stops_the_settings(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "REPLICA_READ_YOUR_WRITES_SECONDS": "1", "REPLICA_MAX_LAG_SECONDS": "3"}
    result = subprocess.run(
        [sys.executable, "-c", "import meidu.settings.test"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "REPLICA_READ_YOUR_WRITES_SECONDS must be at least" in result.stderr
