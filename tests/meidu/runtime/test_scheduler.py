"""The in-process scheduler of `meidu demo`: the beat schedule's jobs, on their periods, robust."""

import logging
import threading
import time
from datetime import timedelta

import pytest
from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from meidu.celery import app as celery_app
from meidu.runtime.scheduler import JobRunner, PeriodicJob, beat_jobs


def _job(name, task, seconds):
    return PeriodicJob(name=name, task=task, schedule=maybe_schedule(timedelta(seconds=seconds), app=celery_app))


def test_every_beat_entry_becomes_a_job_on_its_own_period():
    jobs = {job.name: job for job in beat_jobs()}
    assert set(jobs) == set(settings.CELERY_BEAT_SCHEDULE)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert jobs[name].task.name == entry["task"]
        assert jobs[name].period_seconds == maybe_schedule(entry["schedule"]).run_every.total_seconds()


def test_a_schedule_naming_an_unknown_task_is_refused():
    with pytest.raises(ImproperlyConfigured, match="auctions-close.*no.such.task"):
        beat_jobs({"auctions-close": {"task": "no.such.task", "schedule": 5.0}})


def test_runner_runs_due_jobs_on_periods_of_a_few_seconds_past_a_failing_one(caplog):
    calls = {"tick": [], "broken": 0}

    def broken():
        calls["broken"] += 1
        raise RuntimeError("database went away")

    tick = _job("tick", lambda: calls["tick"].append(time.monotonic()), 0.3)
    failing = _job("broken", broken, 0.3)
    slow = _job("weekly", lambda: None, 7 * 24 * 3600)
    runner = JobRunner([failing, tick, slow]).start()
    with caplog.at_level(logging.ERROR, logger="meidu.scheduler"):
        time.sleep(2.0)
        assert runner.running
        assert runner.stop(timeout=5)
    assert not runner.running
    # Run once at start, then every 0.3 s: about 7 runs in 2 s, each failure logged, never fatal.
    assert 3 <= len(calls["tick"]) <= 9, calls["tick"]
    gaps = [b - a for a, b in zip(calls["tick"], calls["tick"][1:], strict=False)]
    assert all(gap >= 0.25 for gap in gaps), gaps
    assert failing.failures == calls["broken"] >= 3
    assert slow.runs == 1
    assert "Periodic job broken failed" in caplog.text and "database went away" in caplog.text


def test_stop_waits_for_the_running_job_and_nothing_runs_after():
    started, release, ran_after_stop = threading.Event(), threading.Event(), []

    def long_job():
        started.set()
        release.wait(5)

    runner = JobRunner([_job("long", long_job, 0.1), _job("next", lambda: ran_after_stop.append(1), 0.1)]).start()
    assert started.wait(5)
    stopped = threading.Thread(target=runner.stop, kwargs={"timeout": 5})
    stopped.start()
    time.sleep(0.2)
    assert runner.running  # still finishing the job it had begun
    release.set()
    stopped.join(5)
    assert not runner.running
    assert ran_after_stop == []
