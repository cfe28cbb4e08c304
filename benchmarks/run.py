"""`make bench`: run every script in benchmarks/ on a prepared dataset and rewrite RESULTS.md.

    .venv/bin/python benchmarks/run.py [--only a,b] [--quick] [--fresh] [--list]
    (or make bench [BENCH_ONLY=a,b] [BENCH_QUICK=1] [BENCH_FRESH=1])

1. Datasets (benchmarks/_plan.py): one database per group of scripts that seed compatible data, named
   after BENCH_DATABASE_URL's database (`meidu_bench` → `meidu_bench_catalogue`, ...), on the server of
   BENCH_DATABASE_URL, else the machine PostgreSQL (127.0.0.1:5432), else the embedded one (pgserver).
   A migrated template is cloned for new and `fresh` datasets; the others keep their seeded data and are
   VACUUM ANALYZEd before each script (autovacuum is off on this machine). The scripts seed what they
   need themselves, once, as their docstrings say.
2. Every script (top-level `benchmarks/*.py`, and scripts in sub-folders that declare BENCH_RUN) runs in
   its own process group with its plan's arguments and a timeout; its output goes to the console and to
   var/bench/logs/NAME.log; its `FIGURE {...}` lines (benchmarks/_report.py) are collected. A script that
   exits non-zero, times out or reports nothing gets a "could not measure" row, and the rest go on.
3. RESULTS.md is rewritten (benchmarks/_results.py): the rows of the scripts that ran are replaced, the
   replaced rows appended to HISTORY.md. The machine (cores, model, memory from /proc), the date and the
   commit (`+dirty` when the tree has changes) go on every row.

Quick mode (BENCH_QUICK=1) runs each script at its smallest sizes on separate `_quick_` databases and
writes var/bench/quick/RESULTS.md (its figures are no readings: the committed RESULTS.md stays as is).
Other settings: BENCH_REDIS_URL (cache and Celery broker of the scripts that serve; default
redis://127.0.0.1:6379/5), BENCH_TIMEOUT (seconds, overrides every script's timeout), BENCH_RESULTS.
Exit status: 0 when every script measured, 1 when one could not, 2 for a bad selection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _plan import FRESH_DATASETS, Plan, plan_for  # noqa: E402
from _report import parse  # noqa: E402
from _results import Figure, Run, could_not_measure, write_results  # noqa: E402

MACHINE_POSTGRES = "postgresql://postgres@127.0.0.1:5432/meidu_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


# --- what to run -------------------------------------------------------------------------------------


def discover(folder: Path = HERE) -> dict[str, Path]:
    """Every benchmark script by name: top-level scripts, and sub-folder scripts that declare BENCH_RUN."""
    found = {}
    for path in sorted(folder.glob("*.py")):
        if not path.name.startswith("_") and path.name != "run.py":
            found[path.stem] = path
    for path in sorted(folder.glob("*/*.py")):
        if not path.name.startswith("_") and "BENCH_RUN" in path.read_text(encoding="utf-8"):
            found[f"{path.parent.name}/{path.stem}"] = path
    return found


def ordered(names: list[str], plans: dict[str, Plan]) -> list[str]:
    """Alphabetical, except that a script runs after the selected scripts it reads data from."""
    done: list[str] = []
    chosen = set(names)

    def visit(name: str, trail: tuple[str, ...] = ()) -> None:
        if name in done or name in trail:
            return
        for first in plans[name].after:
            if first in chosen:
                visit(first, (*trail, name))
        done.append(name)

    for name in sorted(names):
        visit(name)
    return done


# --- the machine -------------------------------------------------------------------------------------


def machine_line(proc: Path = Path("/proc")) -> str:
    """`2-core AMD EPYC, 24 GiB`: cores, model and memory, read from /proc."""
    cpuinfo = (proc / "cpuinfo").read_text(encoding="utf-8", errors="replace")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    cores = len(models) or os.cpu_count() or 1
    meminfo = (proc / "meminfo").read_text(encoding="utf-8")
    kib = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:"))
    model = " ".join((models[0] if models else "unknown CPU").replace("(R)", "").replace("(TM)", "").split())
    return f"{cores}-core {model}, {round(kib / 1024 / 1024)} GiB"


def commit_line() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks/RESULTS.md"]
            + [":!benchmarks/HISTORY.md"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("+dirty" if changed else "")


# --- datasets ----------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "meidu_bench"


def _reachable(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(with_database(url, "postgres"), connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def base_url() -> str:
    """BENCH_DATABASE_URL, else the machine PostgreSQL if it answers, else the embedded server."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if _reachable(MACHINE_POSTGRES):
        return MACHINE_POSTGRES
    from meidu.runtime.embedded_pg import embedded_database_url  # holds the server while the runner runs

    return embedded_database_url("meidu_bench")


class Datasets:
    """The databases of one run: `<base>[_quick]_<dataset>`, cloned from a migrated template."""

    def __init__(self, base: str, quick: bool, fresh_all: bool):
        self.base, self.fresh_all = base, fresh_all
        self.prefix = database_of(base) + ("_quick" if quick else "")
        self.template = database_of(base) + "_template"
        self.prepared: set[str] = set()
        self.template_ready = False

    def name(self, dataset: str) -> str:
        return self.prefix if dataset == "main" else f"{self.prefix}_{dataset}"

    def url(self, dataset: str) -> str:
        return with_database(self.base, self.name(dataset))

    def _admin(self, sql: str, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(with_database(self.base, database), autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def _exists(self, name: str) -> bool:
        return bool(self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))

    def _migrate_template(self) -> None:
        if self.template_ready:
            return
        if not self._exists(self.template):
            self._admin(f'CREATE DATABASE "{self.template}"')
        env = dict(os.environ, BENCH_DATABASE_URL=with_database(self.base, self.template), PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import _setup; _setup.setup()"], cwd=HERE, env=env, check=True, timeout=1800
        )
        print(f"[bench] template {self.template} migrated in {time.perf_counter() - started:.0f} s", flush=True)
        self.template_ready = True

    def prepare(self, dataset: str) -> str:
        """The dataset's URL, created (or recreated when fresh) on first use in this run, then vacuumed."""
        name = self.name(dataset)
        if dataset not in self.prepared:
            fresh = self.fresh_all or dataset in FRESH_DATASETS
            if fresh or not self._exists(name):
                self._migrate_template()
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                print(f"[bench] {name} created from {self.template}", flush=True)
            self.prepared.add(dataset)
        started = time.perf_counter()
        self._admin("VACUUM (ANALYZE)", name)
        print(f"[bench] {name} vacuumed and analysed in {time.perf_counter() - started:.1f} s", flush=True)
        return with_database(self.base, name)


# --- running a script --------------------------------------------------------------------------------


@dataclass
class Outcome:
    figures: list[Figure]
    run: Run


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def arguments(plan: Plan, quick: bool, redis: str) -> list[str]:
    return [
        arg.replace("{redis}", redis).replace("{port}", str(_free_port()) if "{port}" in arg else "")
        for arg in (plan.quick if quick else plan.full)
    ]


def run_script(
    name: str, command: list[str], env: dict[str, str], timeout: float, log: Path | None = None, echo: bool = True
) -> Outcome:
    """Run one script in its own process group; collect its FIGURE lines; never raise for its failures."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    figures: list[Figure] = []
    last_lines: list[str] = []
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    handle = log.open("w", encoding="utf-8") if log else None

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if handle:
                handle.write(line)
            if echo:
                sys.stdout.write(f"[{name}] {line}")
            found = parse(line.rstrip("\n"))
            if found is not None:
                figures.append(
                    Figure(name, found["path"], found["figure"], found["goal"], found["result"], found["met"])
                )
            elif line.strip():
                last_lines[:] = [*last_lines[-4:], line.strip()]

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timed_out = interrupted = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM on the runner: this script stops, its figures so far count
        interrupted = True
    _stop(process)  # what it left behind in its group (a gunicorn, a Celery worker) goes with it
    reader.join(timeout=10)
    if handle:
        handle.close()
    seconds = time.perf_counter() - started
    if timed_out:
        why = f"timed out after {timeout:.0f} s"
    elif interrupted:
        why = "the run was interrupted"
    elif process.returncode != 0:
        why = f"exit {process.returncode}: {(last_lines or ['no output'])[-1][:200]}"
    elif not figures:
        why = "it reported no figure"
    else:
        why = ""
    if why:
        figures.append(could_not_measure(name, why))
    shown = " ".join(command[2:]) if len(command) > 2 else ""
    run = Run(name, shown, seconds, load_before, os.getloadavg()[0], f"could not measure: {why}" if why else "ok")
    return Outcome(figures, run)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the script's process group (its gunicorn and Celery children too), SIGKILL after 15 s."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _run_one(
    name: str, path: Path, plan: Plan, datasets: Datasets | None, quick: bool, redis: str, timeout: float, logs: Path
) -> Outcome:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    try:
        if plan.dataset and datasets is not None:
            env["BENCH_DATABASE_URL"] = datasets.prepare(plan.dataset)
    except Exception as error:  # the dataset could not be prepared: this script cannot measure
        why = f"dataset {plan.dataset}: {error}"[:200]
        load = os.getloadavg()[0]
        return Outcome([could_not_measure(name, why)], Run(name, "", 0.0, load, load, f"could not measure: {why}"))
    command = [sys.executable, str(path.relative_to(ROOT)), *arguments(plan, quick, redis)]
    print(f"[bench] {name}: {' '.join(command[1:])} (timeout {timeout:.0f} s)", flush=True)
    return run_script(name, command, env, timeout, logs / f"{name.replace('/', '_')}.log")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


# --- the command -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""), help="comma-separated script names")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    parser.add_argument("--fresh", action="store_true", default=os.environ.get("BENCH_FRESH", "") not in ("", "0"))
    parser.add_argument("--results", default=os.environ.get("BENCH_RESULTS", ""))
    parser.add_argument("--list", action="store_true", help="print the plan and exit")
    args = parser.parse_args(argv)

    scripts = discover()
    plans = {name: plan_for(name, path) for name, path in scripts.items()}
    selected = [name.strip().removesuffix(".py") for name in args.only.split(",") if name.strip()] or list(scripts)
    unknown = [name for name in selected if name not in scripts]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(scripts)}", file=sys.stderr)
        return 2
    names = ordered(selected, plans)
    redis = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    override = float(os.environ["BENCH_TIMEOUT"]) if os.environ.get("BENCH_TIMEOUT") else None

    def timeout_of(plan: Plan) -> float:
        return override or (min(plan.timeout, plan.quick_timeout) if args.quick else plan.timeout)

    if args.list:
        for name in names:
            plan = plans[name]
            shown = arguments(plan, args.quick, redis)
            print(f"{name}: dataset {plan.dataset}, timeout {timeout_of(plan):.0f} s, {shown}")
        return 0

    if args.results:
        results = Path(args.results)
    elif args.quick:
        results = ROOT / "var" / "bench" / "quick" / "RESULTS.md"
    else:
        results = HERE / "RESULTS.md"
    results.parent.mkdir(parents=True, exist_ok=True)
    logs = ROOT / "var" / "bench" / ("quick-logs" if args.quick else "logs")
    logs.mkdir(parents=True, exist_ok=True)
    machine, commit = machine_line(), commit_line()
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    datasets = Datasets(base_url(), args.quick, args.fresh) if any(plans[n].dataset for n in names) else None
    print(f"[bench] {len(names)} scripts{' (quick sizes)' if args.quick else ''}; {machine}; commit {commit}")

    figures: list[Figure] = []
    runs: list[Run] = []
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for name in names:
            outcome = _run_one(
                name, scripts[name], plans[name], datasets, args.quick, redis, timeout_of(plans[name]), logs
            )
            figures += outcome.figures
            runs.append(outcome.run)
            print(f"[bench] {name}: {outcome.run.outcome} in {outcome.run.seconds:.0f} s", flush=True)
            if outcome.run.outcome.endswith("interrupted"):
                raise KeyboardInterrupt
    except KeyboardInterrupt:  # what was measured is written; the scripts not started keep their rows
        print("[bench] interrupted: writing the figures measured so far", flush=True)

    write_results(results, results.with_name("HISTORY.md"), figures, runs, machine, date, commit)
    failed = [run.script for run in runs if run.outcome != "ok"]
    print(f"[bench] wrote {results}; could not measure: {', '.join(failed) or 'none'}")
    print(json.dumps({"scripts": len(runs), "figures": len(figures), "could_not_measure": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
