"""`meidu serve` as systemd or Docker runs it: SIGTERM to its pid stops gunicorn and every worker
and frees the port; several workers with a per-process cache draw a warning."""

import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import override_settings

from meidu.core.keys import key_ring
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR
from meidu.runtime.safety import serving_warnings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_gunicorn_and_its_workers_and_frees_the_port(tmp_path):
    key_ring()  # a signing key exists in the test key folder
    port = _free_port()
    drop = {"MEIDU_MODE", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        SECRET_KEY="s" * 60,
        DATABASE_URL=database_url(connection.settings_dict),
        JWT_KEYS_DIR=str(settings.JWT_KEYS_DIR),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "meidu.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.seek(0) or log.read()
            try:
                if requests.get(f"http://127.0.0.1:{port}/.well-known/jwks.json", timeout=30).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or a worker still booting
                pass
            assert time.monotonic() < deadline, "meidu serve did not answer"
            time.sleep(0.5)
        tree = psutil.Process(process.pid).children(recursive=True)
        assert len(tree) >= 3, tree  # the gunicorn master and two workers
        process.send_signal(signal.SIGTERM)  # to meidu's pid only, as a service manager does
        process.wait(timeout=60)
        gone, alive = psutil.wait_procs(tree, timeout=30)
        assert alive == [], alive
        assert _port_is_free(port)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        log.seek(0)
        output = log.read()
    assert process.returncode == 0, output
    assert "warning: the cache is in each process (LocMemCache) and 2 workers run" in output
    assert "Set REDIS_URL" in output


def test_several_workers_with_a_process_local_cache_draw_a_warning():
    assert serving_warnings(workers=1) == []
    assert "Set REDIS_URL" in serving_warnings(workers=4)[0]
    redis = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/4"}
    }
    with override_settings(CACHES=redis):
        assert serving_warnings(workers=4) == []


def test_the_response_cache_with_a_process_local_cache_and_several_workers_draws_a_warning():
    with override_settings(RESPONSE_CACHE_ENABLED=True):
        assert serving_warnings(workers=1) == []
        assert any("RESPONSE_CACHE is on" in warning for warning in serving_warnings(workers=2))
    with override_settings(RESPONSE_CACHE_ENABLED=False):
        assert not any("RESPONSE_CACHE" in warning for warning in serving_warnings(workers=2))
