"""benchmarks/_http.py is the one way a benchmark starts and accounts a measured process: a free port,
``stop`` of only the process the script started (idempotent, None allowed), and ``process_roles``
telling a side worker's family from the server's. The benchmarks themselves are not run here."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.bench_scripts import bench_module

http = bench_module("_http")


def test_free_port_is_a_port_nobody_listens_on():
    port = http.free_port()
    assert 1024 < port < 65536


def test_stop_ends_only_its_own_process_and_may_be_called_again():
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        http.stop(server)
        http.stop(server)  # idempotent: an ended process is left alone
        http.stop(None)  # no worker started: nothing to stop
        assert server.returncode is not None and worker.poll() is None
        roles = http.process_roles(server.pid, "no_such_database", {"celery": worker.pid, "absent": None})()
        assert roles["celery"] == [worker.pid] and roles["absent"] == [] and roles["gunicorn"] == []
        assert roles["client"] == [os.getpid()] and roles["postgres"] == []
    finally:
        http.stop(worker)
    assert worker.returncode is not None
