"""Web machines compare their secrets, keys and stores through the shared Redis: a machine that would
serve with another SECRET_KEY, signing key or database refuses to start, naming what differs."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.test import override_settings
from redis import Redis

from meidu.core.keys import key_ring
from meidu.core.statements import statement_keys
from meidu.runtime import fleet as fleet_module
from meidu.runtime.database import database_url
from meidu.runtime.fleet import FLEET_KEY, STALE_SECONDS, Fleet, fingerprint
from meidu.runtime.paths import BASE_DIR


def _fleet(redis_url, machine):
    """Each machine with its own Redis client, as on separate hosts."""
    return Fleet(Redis.from_url(redis_url), machine)


def test_equal_machines_agree_and_a_different_secret_key_is_named(redis_url, settings):
    mine = fingerprint()
    _fleet(redis_url, "web1:8000").announce(mine)
    second = _fleet(redis_url, "web2:8000")
    assert second.problems(mine) == []
    settings.SECRET_KEY = "another-secret-key-" * 3
    assert second.problems(fingerprint()) == [
        "SECRET_KEY (sessions, CSRF, signed links) differs from web machine web1:8000: "
        "set it the same on every machine."
    ]
    settings.PHONE_CODE_SECRET = "phone-code-secret-of-this-machine"
    assert "PHONE_CODE_SECRET (phone codes are kept as an HMAC under it) differs" in second.problems(fingerprint())[1]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_signing_keys_database_and_search_data_are_compared(redis_url, settings, tmp_path):
    key_ring(), statement_keys()
    first = fingerprint()
    _fleet(redis_url, "web1:8000").announce(first)
    settings.JWT_KEYS_DIR = tmp_path  # this machine's own key folder, with a key of its own
    (tmp_path / "20260101T000000-other.pem").write_text("another key")
    settings.DATABASES = {**settings.DATABASES, "default": {**settings.DATABASES["default"], "NAME": "elsewhere"}}
    extra = tmp_path / "search"
    extra.mkdir()
    (extra / "synonyms.txt").write_text("苞米 玉米\n", encoding="utf-8")
    settings.SEARCH_DATA_DIRS = [str(extra)]
    found = _fleet(redis_url, "web2:8000").problems(fingerprint())
    assert [line.split(" differs")[0] for line in found] == [
        "the signing keys in JWT_KEYS_DIR (JWTs, webhook signatures)",
        "the statement keys in JWT_KEYS_DIR/statements (signed statements)",
        "DATABASE_URL (host, port and database)",
        "the search dictionaries and synonyms (SEARCH_DATA_DIRS files)",
    ]


def test_a_machine_gone_quiet_is_forgotten(redis_url):
    first, second = _fleet(redis_url, "web1:8000"), _fleet(redis_url, "web2:8000")
    first.announce({"secret_key": "a"})
    assert second.live_machines() == {"web1:8000": {"secret_key": "a"}}
    assert second.live_machines(now=time.time() + STALE_SECONDS + 1) == {}
    assert Redis.from_url(redis_url).hlen(FLEET_KEY) == 0


def test_the_heartbeat_keeps_the_machine_announced_and_leaves_on_stop(redis_url, monkeypatch):
    monkeypatch.setattr(fleet_module, "fingerprint", lambda: {"secret_key": "same"})
    first, stop = _fleet(redis_url, "web1:8000"), threading.Event()
    thread = first.heartbeat(stop, seconds=0.05)
    deadline = time.monotonic() + 10
    while "web1:8000" not in _fleet(redis_url, "web2:8000").live_machines() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _fleet(redis_url, "web2:8000").live_machines() == {"web1:8000": {"secret_key": "same"}}
    stop.set()
    thread.join(timeout=10)
    assert _fleet(redis_url, "web2:8000").live_machines() == {}


@pytest.mark.django_db(transaction=True)
def test_meidu_serve_refuses_to_start_beside_a_machine_with_another_secret_key(redis_url, tmp_path):
    key_ring()
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in {"MEIDU_MODE", "DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        SECRET_KEY="s" * 60,
        REDIS_URL=redis_url,
        DATABASE_URL=database_url(connection.settings_dict),
        JWT_KEYS_DIR=str(settings.JWT_KEYS_DIR),
        STATIC_ROOT=str(tmp_path / "static"),
        PYTHONPATH=str(BASE_DIR),
    )
    env.pop("CELERY_BROKER_URL", None)
    # Another machine is serving with another SECRET_KEY (its fingerprint as `meidu serve` announces it).
    with override_settings(SECRET_KEY="t" * 60):
        other = fingerprint()
    _fleet(redis_url, "web1.internal:8000").announce(other)
    result = subprocess.run(
        [sys.executable, "-m", "meidu.cli", "serve", "--host", "127.0.0.1", "--port", "1", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 2, result.stderr
    assert "meidu serve: refusing to start beside web machines that serve otherwise:" in result.stderr
    assert (
        "  - SECRET_KEY (sessions, CSRF, signed links) differs from web machine web1.internal:8000: "
        "set it the same on every machine."
    ) in result.stderr
    assert list(_fleet(redis_url, "x").live_machines()) == ["web1.internal:8000"]  # the refused one is not announced


def test_meidu_check_reports_a_live_machine_that_serves_otherwise(redis_url, settings):
    from meidu.cli import _fleet_problems

    settings.REDIS_URL = ""
    assert _fleet_problems() == []  # no Redis, nothing to compare with
    settings.REDIS_URL = redis_url
    _fleet(redis_url, "web1:8000").announce({**fingerprint(), "public_url": "https://old.example.cn"})
    assert _fleet_problems() == [
        "PUBLIC_URL (the load balancer's address) differs from web machine web1:8000: set it the same on every machine."
    ]
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert _fleet_problems()[0].startswith("REDIS_URL does not answer")
