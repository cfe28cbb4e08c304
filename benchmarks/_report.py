"""The one machine-readable line per headline figure that `make bench` (benchmarks/run.py) collects.

Every script in benchmarks/ prints its own human-readable output as it likes, and, for each headline
figure, calls `report(...)`, which prints one line:

    FIGURE {"path": "...", "figure": "...", "goal": "...", "result": "...", "met": true|false|null}

* path: what was measured (`products(channel, first: 100)` over HTTP, `ledger_post`, ...);
* figure: which reading (p95 latency, orders/s, SQL statements, ...);
* goal: the goal's text as the issue states it (None when the path has no goal);
* result: the reading with its unit, as text ("31 ms", "165 orders/s");
* met: True / False when there is a goal, None otherwise.

Goals are read, not asserted: a script exits non-zero ONLY when it could not measure (the runner then
shows "could not measure"), never because a goal was missed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

PREFIX = "FIGURE "
KEYS = ("path", "figure", "goal", "result", "met")


def report(path: str, figure: str, result: str, goal: str | None = None, met: bool | None = None) -> None:
    """Print one FIGURE line to stdout (flushed, so a runner reading a killed script still sees it)."""
    if goal is None and met is not None:
        raise ValueError("met needs a goal")
    line = {"path": path, "figure": figure, "goal": goal, "result": str(result), "met": met}
    sys.stdout.write(PREFIX + json.dumps(line, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def parse(line: str) -> dict[str, Any] | None:
    """The figure a FIGURE line carries, or None for any other line (or a malformed one)."""
    if not line.startswith(PREFIX):
        return None
    try:
        data = json.loads(line[len(PREFIX) :])
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(key in data for key in KEYS):
        return None
    if data["met"] not in (True, False, None):
        return None
    return {key: data[key] for key in KEYS}
