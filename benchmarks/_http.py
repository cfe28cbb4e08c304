"""Serving the project with gunicorn and driving it over HTTP, for the benchmarks that measure a path
through the network: start the server (the one way every script does: ``free_port``, ``serve``, ``stop``;
a Celery worker beside it with ``celery_worker``), offer load from keep-alive client threads (closed loop,
or an open loop at a Poisson rate), and account CPU per request to the server, its PostgreSQL backends,
the client, any worker and the machine (from /proc)."""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def server_env(redis: str, root: Path = ROOT, **extra: str) -> dict:
    """Production-like settings: demo mode for generated secrets, DEBUG off, the cache on Redis.
    ``root``: the source tree to import (another work tree measures the code before a change)."""
    env = dict(
        os.environ,
        PYTHONPATH=str(root),
        DJANGO_SETTINGS_MODULE="meidu.settings.base",
        MEIDU_MODE="demo",
        DEBUG="0",
        REDIS_URL=redis,
        PUBLIC_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        **extra,
    )
    env.pop("MEIDU_TEST_BROKER_URL", None)
    return env


def free_port() -> int:
    """A port nobody listens on now, for one server of this run."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(
    port: int,
    workers: int,
    env: dict,
    worker_class: str = "sync",
    threads: int = 4,
    root: Path = ROOT,
    start_timeout: float = 60.0,
    probe: str = "/.well-known/jwks.json",
) -> subprocess.Popen:
    """gunicorn serving the tree at ``root`` (its folder comes first on sys.path: run from there) with
    this interpreter (the runner's venv, whichever tree it lives in); ``start_timeout``: seconds to
    wait for the first answer at ``probe`` (more on a loaded machine). Stop it with ``stop``."""
    command = [sys.executable, "-m", "gunicorn", "meidu.wsgi:application", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(workers), "--log-level", "warning", "--timeout", "120", "--backlog", "2048"]
    if worker_class == "gthread":
        command += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    process = subprocess.Popen(command, cwd=root, env=env)
    deadline = time.time() + start_timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2)
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not start")


def celery_worker(env: dict, root: Path = ROOT, concurrency: int = 1, nice: int = 10) -> subprocess.Popen:
    """A Celery worker of the tree at ``root``, below the web workers' priority (``nice``), without
    the chatter (heartbeat, gossip, mingle) a lone benchmark worker does not need. Stop it with ``stop``."""
    command = ["nice", "-n", str(nice), sys.executable, "-m", "celery", "-A", "meidu", "worker"]
    command += ["--concurrency", str(concurrency), "--loglevel", "warning"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=root, env=env)


def stop(process: subprocess.Popen | None, timeout: float = 30) -> None:
    """Stop a server or worker this script started (by its own process, never by name); idempotent."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def cpu_seconds(pids_of: Callable[[], dict[str, list[int]]]) -> dict[str, float]:
    tick = os.sysconf("SC_CLK_TCK")
    totals = {}
    for role, pids in pids_of().items():
        ticks = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])
        totals[role] = ticks / tick
    with open("/proc/stat") as handle:
        busy = [int(x) for x in handle.readline().split()[1:]]
    totals["machine"] = (sum(busy) - busy[3] - busy[4]) / tick
    return totals


def _serves_database(pid: str, database: str) -> bool:
    """A backend's title is "postgres: <cluster>: <user> <database> <host>(<port>) <state>": the name is
    matched whole, so `meidu_load` does not count the backends of `test_meidu_load_test`."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return f" {database} ".encode() in handle.read().replace(b"\0", b" ")
    except OSError:
        return False


def process_roles(
    server_pid: int, database: str | None, others: dict[str, int | None] | None = None
) -> Callable[[], dict[str, list[int]]]:
    """The gunicorn master and workers, each of ``others`` (role -> a process this script started, such
    as a Celery worker, with its children; None: the role is there, empty), the PostgreSQL backends of
    ``database`` (None: every PostgreSQL process of the machine), and this process."""
    others = others or {}

    def of() -> dict[str, list[int]]:
        roles: dict[str, list[int]] = {"gunicorn": [], "postgres": [], "client": [os.getpid()]}
        roles.update({role: [] for role in others})
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/comm") as handle:
                    name = handle.read().strip()
            except OSError:
                continue
            family = (int(entry), parent)
            other = next((role for role, pid in others.items() if pid and pid in family), None)
            if server_pid in family:
                roles["gunicorn"].append(int(entry))
            elif other is not None:
                roles[other].append(int(entry))
            elif name.startswith("postgres") and (database is None or _serves_database(entry, database)):
                roles["postgres"].append(int(entry))
        return roles

    return of


# A request: (method, path, body, headers); a check says whether the answer is the expected one.
Request = tuple[str, str, bytes, dict]


def _client(port, make, check, stop_at, latencies, errors, seed, rate) -> None:
    rng = random.Random(seed)
    scheduled = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < stop_at:
        method, path, body, headers = make(rng)
        if rate:
            scheduled += rng.expovariate(rate)
            if scheduled >= stop_at:
                break
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            started = scheduled
        else:
            started = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            payload = response.read()
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            connection.close()
            continue
        latencies.append(time.perf_counter() - started)
        if not check(response.status, payload):
            errors.append(payload[:200])


def drive(port, make, check, *, clients, seconds, warmup, rate, pids_of) -> dict:
    """Warm up, then measure: requests/s, latency percentiles, errors and CPU ms per request by role."""
    if warmup:
        warm_stop = time.perf_counter() + warmup
        threads = [
            threading.Thread(target=_client, args=(port, make, check, warm_stop, [], [], n, 0.0))
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    load = os.getloadavg()[0]
    latencies: list[float] = []
    errors: list = []
    before = cpu_seconds(pids_of)
    started = time.perf_counter()
    stop_at = started + seconds
    per_client = rate / clients if rate else 0.0
    threads = [
        threading.Thread(target=_client, args=(port, make, check, stop_at, latencies, errors, 100 + n, per_client))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    used = {role: value - before[role] for role, value in cpu_seconds(pids_of).items()}
    latencies.sort()
    count = max(1, len(latencies))

    def pct(p):
        return latencies[min(count - 1, int(p * count))] * 1000 if latencies else float("nan")

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "load_before": load,
        "cpu_ms_per_request": {role: used[role] / count * 1000 for role in used},
        "machine_cores_busy": used["machine"] / elapsed,
    }
