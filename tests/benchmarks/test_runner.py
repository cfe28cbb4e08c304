"""`make bench`'s runner (benchmarks/run.py): it reads FIGURE lines from real script processes, turns a
failing or hanging script into a "could not measure" row, and rewrites RESULTS.md without losing a row
(replaced rows go to HISTORY.md; the readings are kept). The benchmarks themselves are not run here."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support.bench_scripts import BENCHMARKS, bench_module

run = bench_module("run")
results_module = bench_module("_results")
report_module = bench_module("_report")
Figure, Run = run.Figure, run.Run


def _script(folder: Path, name: str, body: str) -> list[str]:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(path)]


def _env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(BENCHMARKS)}


def test_a_scripts_figures_are_read_from_its_output_and_other_lines_are_ignored(tmp_path):
    command = _script(
        tmp_path,
        "fake",
        """
        from _report import report
        print("seeding 100 rows...")
        print('FIGURE {"not": "a figure"}')
        report("`ledger_post`, 3 postings", "throughput", "129 tx/s")
        report("`products(first: 100)`", "p95", "31 ms", goal="≤ 40 ms", met=True)
        report("`auctionBid` over HTTP", "p99", "28 ms", goal="<= 25 ms", met=False)
        print("done")
        """,
    )
    outcome = run.run_script("fake", command, _env(tmp_path), timeout=60, log=tmp_path / "fake.log", echo=False)
    assert outcome.run.outcome == "ok"
    assert [(f.path, f.figure, f.goal, f.result, f.met) for f in outcome.figures] == [
        ("`ledger_post`, 3 postings", "throughput", None, "129 tx/s", None),
        ("`products(first: 100)`", "p95", "≤ 40 ms", "31 ms", True),
        ("`auctionBid` over HTTP", "p99", "<= 25 ms", "28 ms", False),
    ]
    assert "seeding 100 rows..." in (tmp_path / "fake.log").read_text(encoding="utf-8")


def test_a_script_that_fails_keeps_its_figures_and_gets_a_could_not_measure_row(tmp_path):
    command = _script(
        tmp_path,
        "broken",
        """
        from _report import report
        report("first path", "time", "1.0 s")
        raise SystemExit("gunicorn did not start")
        """,
    )
    outcome = run.run_script("broken", command, _env(tmp_path), timeout=60, echo=False)
    assert [f.result for f in outcome.figures] == ["1.0 s", "could not measure: exit 1: gunicorn did not start"]
    assert outcome.run.outcome == "could not measure: exit 1: gunicorn did not start"


def test_a_script_that_reports_nothing_could_not_measure(tmp_path):
    command = _script(tmp_path, "silent", 'print("all fine, no figures")\n')
    outcome = run.run_script("silent", command, _env(tmp_path), timeout=60, echo=False)
    assert outcome.run.outcome == "could not measure: it reported no figure"


def test_a_hanging_script_and_its_children_are_stopped_at_the_timeout(tmp_path):
    marker = tmp_path / "child.pid"
    command = _script(
        tmp_path,
        "hang",
        f"""
        import subprocess, sys, time
        from _report import report
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(marker)!r}, "w").write(str(child.pid))
        report("before the hang", "count", "1")
        time.sleep(600)
        """,
    )
    # 10 s: room for a loaded machine to start the script, its child and its first report
    outcome = run.run_script("hang", command, _env(tmp_path), timeout=10, echo=False)
    assert [f.result for f in outcome.figures] == ["1", "could not measure: timed out after 10 s"]
    assert outcome.run.outcome == "could not measure: timed out after 10 s"
    child = int(marker.read_text())
    assert _ends(child), "the script's child outlived its timeout"


def _ends(pid: int) -> bool:
    """Whether ``pid`` is gone or a zombie within a few seconds: a killed process on a loaded machine is
    still being torn down for a moment after the signal."""
    for _ in range(100):
        try:
            if "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]:
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_report_refuses_a_verdict_without_a_goal(capsys):
    with pytest.raises(ValueError):
        report_module.report("path", "figure", "1 s", goal=None, met=True)
    assert capsys.readouterr().out == ""
    assert report_module.parse('FIGURE {"path": "p", "figure": "f", "goal": null, "result": "1", "met": "yes"}') is None


OLD_RESULTS = """# Benchmark results

| path | script | result | machine | date |
|---|---|---|---|---|
| `ledger_post` | `benchmarks/ledger_post.py` | 129 tx/s | 2-core VM | 2026-11-28 |

Reading: the cost per post grows with the account's history.
"""


def _figures(script: str, *results: str) -> list:
    return [Figure(script, f"{script} path {n}", "figure", "≤ 40 ms", result, True) for n, result in enumerate(results)]


def _runs(*scripts: str) -> list:
    return [Run(script, "--requests 5", 12.0, 0.5, 1.5, "ok") for script in scripts]


def test_the_first_run_moves_the_hand_kept_results_to_history_verbatim(tmp_path):
    results, history = tmp_path / "RESULTS.md", tmp_path / "HISTORY.md"
    results.write_text(OLD_RESULTS, encoding="utf-8")
    run.write_results(
        results, history, _figures("ledger_post", "130 tx/s"), _runs("ledger_post"), "2-core X", "d1", "c1"
    )
    assert OLD_RESULTS.rstrip("\n") in history.read_text(encoding="utf-8")
    text = results.read_text(encoding="utf-8")
    assert "| path | figure | goal | result | machine | date | commit |" in text
    assert "| ledger_post path 0 · `ledger_post.py` | figure | ≤ 40 ms | 130 tx/s (met) | 2-core X | d1 | c1 |" in text
    assert "129 tx/s" not in text


def test_rewriting_round_trips_readings_and_sends_replaced_rows_to_history(tmp_path):
    results, history = tmp_path / "RESULTS.md", tmp_path / "HISTORY.md"
    run.write_results(results, history, _figures("a", "1 ms") + _figures("b", "2 ms"), _runs("a", "b"), "m", "d1", "c1")
    readings = "## Readings\n\nReading (a): 1 ms is the | pipe-free floor.\n\nReading (b): kept as written.\n"
    results.write_text(results.read_text(encoding="utf-8") + "\n" + readings, encoding="utf-8")
    history_before = history.read_text(encoding="utf-8") if history.exists() else ""

    appended = run.write_results(results, history, _figures("a", "3 ms", "4 ms"), _runs("a"), "m", "d2", "c2")

    text = results.read_text(encoding="utf-8")
    assert text.endswith(readings)
    assert text.count(readings) == 1
    assert "| a path 0 · `a.py` | figure | ≤ 40 ms | 3 ms (met) | m | d2 | c2 |" in text
    assert "| a path 1 · `a.py` | figure | ≤ 40 ms | 4 ms (met) | m | d2 | c2 |" in text
    assert "| b path 0 · `b.py` | figure | ≤ 40 ms | 2 ms (met) | m | d1 | c1 |" in text  # b did not run: kept
    assert "1 ms (met)" not in text
    history_text = history.read_text(encoding="utf-8")
    assert history_text.startswith(history_before.rstrip("\n"))
    assert "## Rows replaced by `make bench` on d2 (commit c2)" in history_text
    assert "| a path 0 · `a.py` | figure | ≤ 40 ms | 1 ms (met) | m | d1 | c1 |" in history_text
    assert "2 ms" not in history_text
    assert any("1 ms (met)" in line for line in appended)
    # once more, parsing what was written: the same document comes back
    again = results_module.Document.parse(text)
    assert again.render() == text


def test_a_cell_with_a_pipe_stays_one_cell(tmp_path):
    results, history = tmp_path / "RESULTS.md", tmp_path / "HISTORY.md"
    figure = Figure("x", "a | b", "p95", None, "could not measure: exit 1: x | y", None)
    run.write_results(results, history, [figure], _runs("x"), "m", "d", "c")
    document = results_module.Document.parse(results.read_text(encoding="utf-8"))
    assert [results_module.row_script(line) for line in document.figure_rows] == ["x"]


def test_discovery_takes_top_level_scripts_and_sub_folder_scripts_that_declare_bench_run(tmp_path):
    (tmp_path / "_helper.py").write_text("", encoding="utf-8")
    (tmp_path / "run.py").write_text("", encoding="utf-8")
    (tmp_path / "ledger_post.py").write_text("", encoding="utf-8")
    (tmp_path / "load").mkdir()
    (tmp_path / "load" / "locustfile.py").write_text("", encoding="utf-8")
    (tmp_path / "load" / "mixes.py").write_text(
        'BENCH_RUN = {"full": ["--seconds", "60"], "quick": ["--seconds", "5"], "dataset": "catalogue", '
        '"after": ["ledger_post"]}\n',
        encoding="utf-8",
    )
    found = run.discover(tmp_path)
    assert sorted(found) == ["ledger_post", "load/mixes"]
    plans = {name: run.plan_for(name, path) for name, path in found.items()}
    assert plans["load/mixes"].quick == ["--seconds", "5"] and plans["load/mixes"].dataset == "catalogue"
    assert run.ordered(["load/mixes", "ledger_post"], plans) == ["ledger_post", "load/mixes"]
    assert run.ordered(["load/mixes"], plans) == ["load/mixes"]  # ordering only, never an unselected script


def test_every_benchmark_script_reports_its_figures():
    scripts = run.discover()
    assert len(scripts) >= 20
    for name, path in scripts.items():
        assert "_report import report" in path.read_text(encoding="utf-8"), f"{name} reports no FIGURE line"


def test_the_machine_line_is_read_from_proc(tmp_path):
    (tmp_path / "cpuinfo").write_text(
        "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n\n"
        "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n",
        encoding="utf-8",
    )
    (tmp_path / "meminfo").write_text("MemTotal:       24683772 kB\nMemFree: 1 kB\n", encoding="utf-8")
    assert run.machine_line(tmp_path) == "2-core Intel Xeon CPU @ 2.20GHz, 24 GiB"


def test_dataset_names_follow_the_base_database():
    datasets = run.Datasets("postgresql://postgres@127.0.0.1:5432/meidu_bench", quick=True, fresh_all=False)
    assert datasets.url("main") == "postgresql://postgres@127.0.0.1:5432/meidu_bench_quick"
    assert datasets.url("catalogue") == "postgresql://postgres@127.0.0.1:5432/meidu_bench_quick_catalogue"
    socket_url = "postgresql://postgres:@/meidu_bench?host=/tmp/pg"
    assert run.with_database(socket_url, "meidu_bench_stmt") == "postgresql://postgres:@/meidu_bench_stmt?host=/tmp/pg"


def test_the_committed_results_parse_and_render_unchanged_and_history_keeps_the_hand_kept_file():
    text = (BENCHMARKS / "RESULTS.md").read_text(encoding="utf-8")
    document = results_module.Document.parse(text)
    assert document.render() == text
    assert "## Readings" in document.readings
    assert all(results_module.row_script(line) for line in document.figure_rows)
    history = (BENCHMARKS / "HISTORY.md").read_text(encoding="utf-8")
    assert "## RESULTS.md before `make bench`" in history
    assert "| `ledger_post`, 3 postings, guarded account locked, machine PostgreSQL 15 (fsync on) |" in history
