"""One runner of the beat schedule per database: a second demo or beat stands by, never runs a job twice,
and takes over when the holder's process ends (even killed)."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from celery.schedules import maybe_schedule
from django.db import connection

from meidu.celery import app as celery_app
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR
from meidu.runtime.schedule_lock import BEAT_SCHEDULE_LOCK, ScheduleLock, wait_for_lock
from meidu.runtime.scheduler import JobRunner, PeriodicJob

pytestmark = pytest.mark.django_db(transaction=True)

# A lock key of the tests' own, so that a demo running on the machine is left alone.
TEST_KEY = 9001

HOLDER = """
import sys, time
from meidu.runtime.schedule_lock import ScheduleLock
lock = ScheduleLock(sys.argv[1], "beat", key=int(sys.argv[2]))
print("held" if lock.acquire() else "refused", flush=True)
time.sleep(600)
"""


def _dsn() -> str:
    return database_url(connection.settings_dict)


def _holder_process():
    """A separate Python process that takes the lock and keeps it until killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, _dsn(), str(TEST_KEY)],
        cwd=BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "held"
    return process


def _job(name, task, seconds):
    return PeriodicJob(name=name, task=task, schedule=maybe_schedule(timedelta(seconds=seconds), app=celery_app))


def test_another_process_holds_the_lock_and_a_kill_hands_it_over():
    holder = _holder_process()
    mine = ScheduleLock(_dsn(), "demo", key=TEST_KEY)
    try:
        assert not mine.acquire()
        assert not mine.held()
        # The refusal names who runs the jobs: role, host and pid of the other process.
        assert mine.holder() == f"meidu beat on {os.uname().nodename} pid {holder.pid}"[:63]
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not mine.acquire() and time.monotonic() < deadline:
            time.sleep(0.1)  # the server notices the dead session within moments
        assert mine.held()
        assert mine.holder().startswith("meidu demo on ")
    finally:
        if holder.poll() is None:
            holder.kill()
        mine.release()
    assert not mine.held()
    assert mine.holder() is None


def test_two_runners_on_one_database_run_each_job_once_per_period():
    """Two schedulers (each with its own lock session, as two processes have): one runs, one stands by."""
    calls: list[str] = []
    runners = [
        JobRunner(
            [_job("tick", lambda name=name: calls.append(name), 0.2)],
            lock=ScheduleLock(_dsn(), "demo", key=TEST_KEY),
            standby_seconds=0.1,
        )
        for name in ("first", "second")
    ]
    assert runners[0].lock.acquire()  # the first process started first
    for runner in runners:
        runner.start()
    time.sleep(1.5)
    assert runners[1].standing_by and not runners[1].lock.held()
    assert set(calls) == {"first"} and 2 <= len(calls) <= 9, calls
    # The first stops (its session, and the lock, end): the standby takes over and runs the job at once.
    assert runners[0].stop(timeout=5)
    deadline = time.monotonic() + 10
    while "second" not in calls and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runners[1].lock.held() and not runners[1].standing_by
    assert "second" in calls
    assert calls[: calls.index("second")] == ["first"] * calls.index("second")
    assert runners[1].stop(timeout=5)
    assert not runners[1].lock.held()


def test_a_second_beat_waits_for_the_first_and_says_who_holds_it():
    holder = _holder_process()
    lines: list[str] = []
    lock, stop = ScheduleLock(_dsn(), "beat", key=TEST_KEY), threading.Event()
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(wait_for_lock(lock, lines.append, 0.1, stop)))
    try:
        waiter.start()
        time.sleep(0.5)
        assert outcome == [] and len(lines) == 1
        assert f"pid {holder.pid} runs the beat schedule on this database; waiting to take over" in lines[0]
        assert "one beat only" in lines[0]
        holder.terminate()
        holder.wait(timeout=10)
        waiter.join(timeout=10)
        assert outcome == [True] and lock.held()
        assert lines[1] == "took the schedule lock: this beat runs the periodic jobs now."
    finally:
        stop.set()
        if holder.poll() is None:
            holder.kill()
        lock.release()


def test_a_database_that_does_not_answer_is_no_lock():
    lock = ScheduleLock("postgresql://postgres@127.0.0.1:1/nothing", "demo", key=TEST_KEY)
    assert not lock.acquire()
    assert not lock.held()
    assert lock.holder() is None


def test_meidu_beat_waits_while_another_beat_runs_the_schedule_then_takes_over(tmp_path):
    """`meidu beat` itself, as a second machine starts it: it names the running beat and waits; when
    that one dies it takes the lock and starts Celery beat."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, _dsn(), str(BEAT_SCHEDULE_LOCK)],
        cwd=BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        MEIDU_MODE="test",
        DATABASE_URL=_dsn(),
        CELERY_BROKER_URL=os.environ.get("MEIDU_TEST_BROKER_URL", "redis://127.0.0.1:6379/15"),
        MEIDU_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(BASE_DIR),
    )
    log = open(tmp_path / "beat.log", "w+")
    beat = subprocess.Popen(
        [sys.executable, "-m", "meidu.cli", "beat"], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 120
        while True:
            log.seek(0)
            output = log.read()
            if text in output:
                return output
            assert beat.poll() is None, output
            assert time.monotonic() < deadline, output
            time.sleep(0.2)

    try:
        output = wait_for("waiting to take over")
        assert f"meidu beat: meidu beat on {os.uname().nodename} pid {holder.pid} runs the beat schedule" in output
        time.sleep(1)
        assert "beat: Starting" not in (log.seek(0) or log.read())  # Celery beat has not started
        holder.kill()
        holder.wait(timeout=10)
        output = wait_for("beat: Starting")  # polls every 15 s: it takes over within one poll
        assert "meidu beat: took the schedule lock: this beat runs the periodic jobs now." in output
    finally:
        for process in (holder, beat):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        log.close()


def test_a_second_demo_says_who_runs_the_jobs_and_stands_by(capsys):
    """`meidu demo` started while another process runs the schedule on the same database."""
    from meidu.cli import _start_scheduler

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, _dsn(), str(BEAT_SCHEDULE_LOCK)],
        cwd=BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    try:
        runner = _start_scheduler()
        deadline = time.monotonic() + 10
        while not runner.standing_by and time.monotonic() < deadline:
            time.sleep(0.05)  # the runner's thread has asked for the lock once
        assert runner.standing_by and not runner.lock.held()
        assert all(job.runs == 0 for job in runner.jobs)
        assert runner.stop(timeout=10)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert capsys.readouterr().out == (
        f"Periodic jobs: meidu beat on {os.uname().nodename} pid {holder.pid} runs them on this database; "
        "this process stands by and takes over if it stops.\n"
    )
