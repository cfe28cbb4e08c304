"""Is a replica fit to read from: reachable, and no further behind than REPLICA_MAX_LAG_SECONDS?

Lag is measured on the standby itself, without asking the primary (that would cost the primary the
query a replica is meant to spare it): when everything received has been replayed the replica is
current (0 s); otherwise it is as far behind as the last transaction it replayed is old (so an idle
primary followed by a burst counts as far behind until replay catches up: the safe direction).
Replay paused (pg_wal_replay_pause) shows as growing lag. A standby that lost its connection to the
primary but replayed all it had received reads as current: its WAL receiver's state is visible only to
privileged roles, so monitoring of the standby (pg_stat_replication on the primary) covers that case.

Each process keeps its own measurement for REPLICA_CHECK_SECONDS (what a process sees of a replica is
its own observation; nothing another machine needs), and leaves an unreachable replica alone for
REPLICA_RETRY_SECONDS, so a dead standby costs one connection attempt per process per retry period (at
most DB_REPLICA_CONNECT_TIMEOUT seconds for one that accepts connections and never answers). A replica
whose statement ran past DB_REPLICA_STATEMENT_TIMEOUT is set aside the same way (``replica_mark_down``).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import Error, connections

from meidu.runtime.database import REPLICA_ALIAS_PREFIX

logger = logging.getLogger("meidu.replicas")

LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE"
    " WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END"
)


@dataclass(frozen=True)
class Health:
    reachable: bool
    lag_seconds: float | None  # None: unreachable, or behind with nothing replayed yet (unknown)
    until: float  # time.monotonic() when it is measured again

    @property
    def usable(self) -> bool:
        return self.lag_seconds is not None and self.lag_seconds <= settings.REPLICA_MAX_LAG_SECONDS


_health: dict[str, Health] = {}
_lock = threading.Lock()


def replica_aliases() -> list[str]:
    """The replica aliases configured (DATABASE_REPLICA_URLS), in order."""
    return [alias for alias in connections.settings if alias.startswith(REPLICA_ALIAS_PREFIX)]


def replica_measure(alias: str) -> Health:
    """Ask the replica how far behind it is, now; an error of any kind means unreachable."""
    now = time.monotonic()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
    except Error as exc:  # OperationalError, InterfaceError (a connection that died), any other
        logger.warning("Replica %s is unreachable, reading from the primary: %s", alias, exc)
        _close_quietly(alias)
        return Health(False, None, now + settings.REPLICA_RETRY_SECONDS)
    lag = None if row is None or row[1] is None else float(row[1])
    health = Health(True, lag, now + settings.REPLICA_CHECK_SECONDS)
    if not health.usable:
        logger.info("Replica %s is %s s behind, reading from the primary", alias, "?" if lag is None else lag)
    return health


def _close_quietly(alias: str) -> None:
    try:
        connections[alias].close()
    except Error:
        pass


def replica_health(alias: str, fresh: bool = False) -> Health:
    """The last measurement of ``alias`` while it is recent, otherwise a new one."""
    known = _health.get(alias)
    if known is not None and not fresh and time.monotonic() < known.until:
        return known
    health = replica_measure(alias)
    with _lock:
        _health[alias] = health
    return health


def replica_choose() -> str | None:
    """A usable replica, picked at random among those usable (spreading the load), or None."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if replica_health(alias).usable:
            return alias
    return None


def replica_mark_failed(alias: str) -> None:
    """A query on ``alias`` failed during a request: measure it again before trusting it."""
    _close_quietly(alias)
    with _lock:
        _health.pop(alias, None)


def replica_mark_down(alias: str, reason: str) -> None:
    """Leave ``alias`` alone for REPLICA_RETRY_SECONDS, as an unreachable replica (a statement on it ran
    past its timeout: ``timeouts``); then it is measured again."""
    seconds = settings.REPLICA_RETRY_SECONDS
    logger.warning("Replica %s is set aside for %s s, reading from the primary: %s", alias, seconds, reason)
    with _lock:
        _health[alias] = Health(False, None, time.monotonic() + settings.REPLICA_RETRY_SECONDS)


def replica_health_forget() -> None:
    """Forget every measurement (tests, and settings changes)."""
    with _lock:
        _health.clear()
