"""One runner of the beat schedule per database: a PostgreSQL advisory lock on a connection of its own.

`meidu beat` and the demo's in-process scheduler (meidu.runtime.scheduler) run the same jobs against
the same database. Two of them (two beats on two machines, two `meidu demo` processes on one
DATABASE_URL, a demo beside a beat) would run every job twice: payout batches, interest accruals and
reminders raced by two runners. The lock lives where the jobs write, in the database: it needs no
Redis, covers every machine that shares the database, and the server drops it when its holder's
connection ends, so a standby runner takes over from a process that died (even by SIGKILL).

The lock is held by a session-level ``pg_try_advisory_lock`` on a psycopg connection opened for it
alone (Django's connections are closed between jobs, which would drop a session lock). The
connection's ``application_name`` says who holds it (role, host, pid), which a refused runner prints.
"""

from __future__ import annotations

import logging
import os
import socket

import psycopg

logger = logging.getLogger("meidu.scheduler")

# pg_try_advisory_lock(int4, int4): a namespace for Meidu's locks ("MEID") and the beat schedule's number.
LOCK_NAMESPACE = 0x4D454944
BEAT_SCHEDULE_LOCK = 1
CONNECT_TIMEOUT_SECONDS = 5


def holder_name(role: str) -> str:
    """What a lock holder is called in pg_stat_activity (and in the refusal another runner prints)."""
    return f"meidu {role} on {socket.gethostname()} pid {os.getpid()}"[:63]


class ScheduleLock:
    """The beat schedule's lock on the database at ``dsn`` (a libpq URL, ``database_url`` of Django's)."""

    def __init__(self, dsn: str, role: str, key: int = BEAT_SCHEDULE_LOCK):
        self.dsn = dsn
        self.role = role
        self.key = key
        self._connection: psycopg.Connection | None = None

    def _connect(self) -> psycopg.Connection:
        if self._connection is None or self._connection.closed or self._connection.broken:
            self._connection = psycopg.connect(
                self.dsn,
                autocommit=True,
                application_name=holder_name(self.role),
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
            )
        return self._connection

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this object holds it now (again: a no-op)."""
        if self.held():
            return True
        try:
            row = self._connect().execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, self.key]).fetchone()
        except psycopg.Error:
            logger.warning("The schedule lock could not be asked for: the database does not answer.", exc_info=True)
            self.release()
            return False
        return bool(row and row[0])

    def held(self) -> bool:
        """Whether this object holds the lock now (its connection alive and the lock granted to it)."""
        connection = self._connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            row = connection.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() "
                "AND classid = %s AND objid = %s AND objsubid = 2",
                [LOCK_NAMESPACE & 0xFFFFFFFF, self.key],
            ).fetchone()
        except psycopg.Error:
            self.release()
            return False
        return bool(row and row[0])

    def holder(self) -> str | None:
        """Who holds the lock (their application_name), or None when nobody does."""
        try:
            with psycopg.connect(self.dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection:
                row = connection.execute(
                    "SELECT coalesce(nullif(a.application_name, ''), 'pid ' || l.pid::text) FROM pg_locks l "
                    "LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND l.classid = %s AND l.objid = %s AND l.objsubid = 2",
                    [LOCK_NAMESPACE & 0xFFFFFFFF, self.key],
                ).fetchone()
        except psycopg.Error:
            return None
        return row[0] if row else None

    def release(self) -> None:
        """Give the lock up (closing the connection ends the session, and with it the lock)."""
        connection, self._connection = self._connection, None
        if connection is not None and not connection.closed:
            try:
                connection.close()
            except psycopg.Error:
                pass


def beat_schedule_lock(role: str) -> ScheduleLock:
    """The lock of the beat schedule on Django's default database."""
    from django.db import connections

    from meidu.runtime.database import database_url

    return ScheduleLock(database_url(connections["default"].settings_dict), role)


def wait_for_lock(lock: ScheduleLock, announce, poll_seconds: float = 15.0, stop=None) -> bool:
    """Block until ``lock`` is held (``meidu beat``: a second beat waits as a standby). ``announce``
    gets one line when another holder is found; ``stop`` (a threading.Event) ends the wait (False)."""
    import threading

    stop = stop or threading.Event()
    announced = False
    while not stop.is_set():
        if lock.acquire():
            if announced:
                announce("took the schedule lock: this beat runs the periodic jobs now.")
            return True
        if not announced:
            announce(
                f"{lock.holder() or 'another process'} runs the beat schedule on this database; "
                "waiting to take over when it stops (one beat only: two would run every job twice)."
            )
            announced = True
        stop.wait(poll_seconds)
    return False


def hold_while_running(lock: ScheduleLock, check_seconds: float = 15.0):
    """A daemon thread that checks the lock stays held (a database restart ends the session and drops
    it); if it is lost and someone else took it, the process gets SIGTERM, so beat stops cleanly and
    its supervisor restarts it as a standby, rather than running jobs beside the new holder."""
    import signal
    import threading

    def watch():
        while True:
            threading.Event().wait(check_seconds)
            if lock.held() or lock.acquire():
                continue
            logger.error("The schedule lock was lost to %s: stopping this beat.", lock.holder() or "another process")
            os.kill(os.getpid(), signal.SIGTERM)
            return

    thread = threading.Thread(target=watch, name="meidu-schedule-lock", daemon=True)
    thread.start()
    return thread
