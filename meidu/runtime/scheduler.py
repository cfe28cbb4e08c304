"""Periodic jobs in process, for `meidu demo` (no broker, no beat).

Reads the one beat schedule (``settings.CELERY_BEAT_SCHEDULE``, the one `meidu beat` runs)
and calls each task in a thread on the same period, so complaints escalate, earnings are
released, auctions close and webhook retries go out in the demo as they do in production.
Every job runs once at start (a demo stopped for days catches up), then whenever Celery's
schedule says it is due. A job that raises is logged and tried again on its next period;
the others keep running.

Given a ScheduleLock (meidu.runtime.schedule_lock), the runner runs jobs only while it holds the
database's beat-schedule lock: a second `meidu demo` on the same database, or a demo beside a
`meidu beat`, stands by (looking again every STANDBY_SECONDS) instead of running every job twice,
and takes over when the holder stops.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from celery.schedules import maybe_schedule
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connections

from meidu.runtime.schedule_lock import ScheduleLock

logger = logging.getLogger("meidu.scheduler")

# Longest sleep between two looks at the schedule (a crontab entry may be due in days).
MAX_SLEEP_SECONDS = 60.0
# How often a runner standing by (another process holds the schedule lock) asks for the lock again.
STANDBY_SECONDS = 15.0


@dataclass
class PeriodicJob:
    name: str
    task: Callable[..., object]
    schedule: object  # a celery.schedules.schedule (interval) or crontab
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    last_run_at: datetime | None = None
    runs: int = 0
    failures: int = 0

    @property
    def period_seconds(self) -> float | None:
        run_every = getattr(self.schedule, "run_every", None)
        return run_every.total_seconds() if run_every is not None else None

    def seconds_until_due(self) -> float:
        if self.last_run_at is None:
            return 0.0
        due, next_check = self.schedule.is_due(self.last_run_at)
        return 0.0 if due else max(float(next_check), 0.0)


def beat_jobs(beat_schedule: dict | None = None, app=None) -> list[PeriodicJob]:
    """The jobs of the beat schedule, each bound to its registered Celery task."""
    from django.conf import settings

    if app is None:
        from meidu.celery import app
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE if beat_schedule is None else beat_schedule
    jobs = []
    for name, entry in schedule.items():
        task = app.tasks.get(entry["task"])
        if task is None:
            raise ImproperlyConfigured(f"CELERY_BEAT_SCHEDULE[{name!r}] names an unknown task {entry['task']!r}.")
        jobs.append(
            PeriodicJob(
                name=name,
                task=task,
                schedule=maybe_schedule(entry["schedule"], app=app),
                args=tuple(entry.get("args", ())),
                kwargs=dict(entry.get("kwargs", {})),
            )
        )
    return jobs


class JobRunner:
    """Calls due jobs one after another from one daemon thread until stopped (and, given a lock,
    only while it holds it)."""

    def __init__(self, jobs: list[PeriodicJob], lock: ScheduleLock | None = None, standby_seconds: float | None = None):
        self.jobs = jobs
        self.lock = lock
        self.standby_seconds = STANDBY_SECONDS if standby_seconds is None else standby_seconds
        self.standing_by = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold_lock(self) -> bool:
        """Whether this runner may run jobs now: no lock given, or the lock held (taken now if free)."""
        if self.lock is None or self.lock.held():
            return True
        if self.lock.acquire():
            if self.standing_by:
                logger.info("This process took the schedule lock: it runs the periodic jobs from now on.")
            self.standing_by = False
            return True
        if not self.standing_by:
            logger.info(
                "Periodic jobs: %s runs them on this database; this process stands by.",
                self.lock.holder() or "another process",
            )
        self.standing_by = True
        return False

    def run_pending(self) -> float:
        """Run every due job once; the seconds until the next one is due."""
        for job in self.jobs:
            if self._stop.is_set():
                break
            if job.seconds_until_due() == 0.0:
                self._run(job)
        return min([MAX_SLEEP_SECONDS, *(job.seconds_until_due() for job in self.jobs)])

    def _run(self, job: PeriodicJob) -> None:
        job.last_run_at = job.schedule.now()
        started = time.monotonic()
        try:
            job.task(*job.args, **job.kwargs)
        except Exception:
            job.failures += 1
            logger.exception("Periodic job %s failed; it runs again on its next period.", job.name)
        else:
            logger.debug("Periodic job %s ran in %.0f ms.", job.name, (time.monotonic() - started) * 1000)
        finally:
            job.runs += 1
            close_old_connections()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                if not self.hold_lock():
                    self._stop.wait(self.standby_seconds)
                    continue
                self._stop.wait(self.run_pending())
        finally:
            if self.lock is not None:
                self.lock.release()
            connections.close_all()

    def start(self) -> "JobRunner":
        self._thread = threading.Thread(target=self._loop, name="meidu-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> bool:
        """Ask the thread to stop after the job it is running; True when it has ended."""
        self._stop.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def schedule_table(jobs: list[PeriodicJob]) -> list[str]:
    """One line per job for the demo's welcome text."""
    lines = []
    for job in jobs:
        period = job.period_seconds
        every = f"every {_duration(period)}" if period is not None else str(job.schedule)
        lines.append(f"  {job.name:<36} {every}")
    return lines
