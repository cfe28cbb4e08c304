"""benchmarks/RESULTS.md as `make bench` writes it, and benchmarks/HISTORY.md, where replaced rows go.

RESULTS.md holds a short header, ONE table of figures (path | figure | goal | result | machine | date |
commit), a table of the runs that produced them (script, arguments, seconds, load), then the readings:
prose kept by hand, which the runner never touches. The two tables sit between marker comments; each
row names its script, so a partial run (`BENCH_ONLY=...`) replaces only the rows of the scripts it ran
and keeps the others with their own date and commit. Every row replaced is appended to HISTORY.md
first, under a heading that says when and by which commit: no figure is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("path", "figure", "goal", "result", "machine", "date", "commit")
RUN_COLUMNS = ("script", "arguments", "seconds", "load before → after", "outcome")
TABLE_START = "<!-- bench:figures (make bench rewrites this table) -->"
TABLE_END = "<!-- /bench:figures -->"
RUNS_START = "<!-- bench:runs (make bench rewrites this table) -->"
RUNS_END = "<!-- /bench:runs -->"
SCRIPT_CELL = re.compile(r"· `([A-Za-z0-9_./-]+)\.py`\s*$")

HEADER = """# Benchmark results

Written by `make bench` (benchmarks/run.py): every script in `benchmarks/` on a prepared dataset, one
row per headline figure. *goal* is the goal as its issue states it; *result* says whether it was met
(goals are read, not asserted). A script that could not measure (it failed or timed out) has a row
saying so. Each row keeps the machine, date and commit of the run that produced it: `make bench
BENCH_ONLY=a,b` replaces only those scripts' rows. Replaced rows, and every table written before this
runner existed, are in [HISTORY.md](HISTORY.md). Speed figures on this shared 2-core machine move with
the load of other work: the runs table gives the load average beside each script.
"""


@dataclass(frozen=True)
class Figure:
    """One row of the figures table."""

    script: str
    path: str
    figure: str
    goal: str | None
    result: str
    met: bool | None

    def cells(self, machine: str, date: str, commit: str) -> list[str]:
        if self.met is True:
            result = f"{self.result} (met)"
        elif self.met is False:
            result = f"{self.result} (**not met**)"
        else:
            result = self.result
        path = f"{self.path} · `{self.script}.py`"
        return [path, self.figure, self.goal or "—", result, machine, date, commit]


@dataclass(frozen=True)
class Run:
    """One row of the runs table: how a script was run and how it ended."""

    script: str
    arguments: str
    seconds: float
    load_before: float
    load_after: float
    outcome: str  # "ok", "could not measure: ..."

    def cells(self) -> list[str]:
        arguments = f"`{self.arguments}`" if self.arguments else "(none)"
        load = f"{self.load_before:.2f} → {self.load_after:.2f}"
        return [f"· `{self.script}.py`", arguments, f"{self.seconds:.0f}", load, self.outcome]


def could_not_measure(script: str, why: str) -> Figure:
    return Figure(script, "(the whole script)", "—", None, f"could not measure: {why}", None)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def table_lines(columns: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def row_script(line: str) -> str | None:
    """The script a table row came from (the `name.py` at the end of its first cell), None for others."""
    if not line.startswith("| ") or line.startswith("| path |") or line.startswith("| script |"):
        return None
    first = re.split(r"(?<!\\)\|", line)[1]
    found = SCRIPT_CELL.search(first.strip())
    return found.group(1) if found else None


@dataclass
class Document:
    """RESULTS.md cut into the generated tables (rows by script) and the readings kept verbatim."""

    figure_rows: list[str]
    run_rows: list[str]
    readings: str

    @classmethod
    def parse(cls, text: str) -> Document:
        if TABLE_START not in text:  # a RESULTS.md from before the runner: all of it is history
            return cls([], [], "")
        figures, rest = text.split(TABLE_START, 1)[1].split(TABLE_END, 1)
        runs: list[str] = []
        if RUNS_START in rest:
            runs_text, rest = rest.split(RUNS_START, 1)[1].split(RUNS_END, 1)
            runs = [line for line in runs_text.splitlines() if row_script(line)]
        return cls([line for line in figures.splitlines() if row_script(line)], runs, rest.strip("\n"))

    def render(self) -> str:
        header = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        run_header = ["| " + " | ".join(RUN_COLUMNS) + " |", "|" + "---|" * len(RUN_COLUMNS)]
        parts = [
            HEADER,
            TABLE_START,
            *header,
            *self.figure_rows,
            TABLE_END,
            "",
            "How each script was run (its arguments, wall seconds, the machine's load average before and after):",
            "",
            RUNS_START,
            *run_header,
            *self.run_rows,
            RUNS_END,
            "",
        ]
        text = "\n".join(parts)
        if self.readings:
            text += "\n" + self.readings + "\n"
        return text


def _ordered_merge(old: list[str], new: list[str], ran: set[str]) -> list[str]:
    """Old rows of scripts that did not run, with the new rows in script order."""
    kept = [line for line in old if row_script(line) not in ran]
    return sorted(kept + new, key=lambda line: row_script(line) or "")


def write_results(
    results: Path,
    history: Path,
    figures: list[Figure],
    runs: list[Run],
    machine: str,
    date: str,
    commit: str,
) -> list[str]:
    """Rewrite RESULTS.md with these figures; append the rows they replace to HISTORY.md first.

    Returns the lines appended to the history (empty when nothing was replaced)."""
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    document = Document.parse(text)
    ran = {run.script for run in runs}
    new_figures = table_lines(COLUMNS, [figure.cells(machine, date, commit) for figure in figures])[2:]
    new_runs = table_lines(RUN_COLUMNS, [run.cells() for run in runs])[2:]
    appended: list[str] = []
    if text and TABLE_START not in text:
        appended = [f"## {results.name} before `make bench` (moved here verbatim on {date})", "", text.rstrip("\n")]
    else:
        replaced = [line for line in document.figure_rows if row_script(line) in ran]
        replaced_runs = [line for line in document.run_rows if row_script(line) in ran]
        if replaced:
            appended = [
                f"## Rows replaced by `make bench` on {date} (commit {commit})",
                "",
                "| " + " | ".join(COLUMNS) + " |",
                "|" + "---|" * len(COLUMNS),
                *replaced,
            ]
            if replaced_runs:
                appended += ["", "| " + " | ".join(RUN_COLUMNS) + " |", "|" + "---|" * len(RUN_COLUMNS)]
                appended += replaced_runs
    if appended:
        previous = history.read_text(encoding="utf-8") if history.exists() else HISTORY_HEADER
        history.write_text(previous.rstrip("\n") + "\n\n" + "\n".join(appended) + "\n", encoding="utf-8")
    document.figure_rows = _ordered_merge(document.figure_rows, new_figures, ran)
    document.run_rows = _ordered_merge(document.run_rows, new_runs, ran)
    results.write_text(document.render(), encoding="utf-8")
    return appended


HISTORY_HEADER = """# Benchmark history

Every figure `make bench` replaced in [RESULTS.md](RESULTS.md), newest at the end, under the date and
commit of the run that replaced it; before that, RESULTS.md as it was kept by hand, verbatim.
"""
