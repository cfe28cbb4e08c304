"""The dictionaries and synonym lists, read from data files that operators may extend and reload.

The repository's files (``meidu/core/search/data``) come first, then those of every folder named in
``settings.SEARCH_DATA_DIRS`` (one ``dictionary.txt`` and/or ``synonyms.txt`` each). The files'
modification times are looked at most every ``SEARCH_DATA_RELOAD_SECONDS``; a change rebuilds the
segmenter and the synonym table in the running process, so an operator's new word needs no deploy.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from meidu.core.search.normalize import normalize

REPO_DATA = Path(__file__).resolve().parent / "data"
DICTIONARY = "dictionary.txt"
SYNONYMS = "synonyms.txt"

logger = logging.getLogger("meidu.search")


@dataclass(frozen=True)
class SearchData:
    """One loaded generation of the data files."""

    words: tuple[tuple[str, int | None, str | None], ...]
    synonyms: dict[str, frozenset[str]] = field(default_factory=dict)
    readings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word -> pinyin syllables
    stamp: tuple = ()


def data_dirs() -> list[Path]:
    return [REPO_DATA, *(Path(p) for p in getattr(settings, "SEARCH_DATA_DIRS", []) or [])]


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _stamp() -> tuple:
    stamp: list[tuple[str, int | None]] = []
    for folder in data_dirs():
        for name in (DICTIONARY, SYNONYMS):
            path = folder / name
            try:
                stamp.append((str(path), path.stat().st_mtime_ns))
            except OSError:
                stamp.append((str(path), None))
    return tuple(stamp)


def _load(stamp: tuple) -> SearchData:
    words: list[tuple[str, int | None, str | None]] = []
    groups: dict[str, set[str]] = {}
    readings: dict[str, tuple[str, ...]] = {}
    for folder in data_dirs():
        for line in _lines(folder / DICTIONARY):
            parts = line.split()
            word = normalize(parts[0])
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            words.append((word, freq, parts[2] if len(parts) > 2 else None))
            if len(parts) > 3:
                readings[word] = tuple(s for s in parts[3].lower().split("-") if s.isascii() and s.isalpha())
        for line in _lines(folder / SYNONYMS):
            group = {normalize(w) for w in line.replace(",", " ").replace("，", " ").split() if w.strip()}
            group.discard("")
            for word in group:
                groups.setdefault(word, set()).update(group)
    return SearchData(
        words=tuple(words),
        synonyms={w: frozenset(g) for w, g in groups.items()},
        readings=readings,
        stamp=stamp,
    )


_lock = threading.Lock()
_current: SearchData | None = None
_checked_at = 0.0


def search_data() -> SearchData:
    """The current data files, reloaded when one changed (checked at most every few seconds)."""
    global _current, _checked_at
    now = time.monotonic()
    period = float(getattr(settings, "SEARCH_DATA_RELOAD_SECONDS", 10))
    if _current is not None and now - _checked_at < period:
        return _current
    with _lock:
        _checked_at = now
        stamp = _stamp()
        if _current is None or _current.stamp != stamp:
            if _current is not None:
                logger.info("search data files changed: reloading dictionaries and synonyms")
            _current = _load(stamp)
        return _current


def search_data_reload() -> SearchData:
    """Reload now (tests; `meidu search reload`)."""
    global _checked_at
    _checked_at = 0.0
    with _lock:
        global _current
        _current = None
    return search_data()
