"""Importing a script of benchmarks/ in a test: the folder is not a package (its scripts run as files and
import their siblings `_http`, `_report` by name), so a test loads one from its path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def bench_module(name: str):
    """benchmarks/<name>.py as a module (registered as ``bench_<name>``, so loading it twice is one module)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name.strip('_')}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
