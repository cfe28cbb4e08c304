"""The one race harness: calls raced on real, separate database connections.

Every race test of the suite goes through :func:`race` (calls released together by a barrier),
or :func:`holding` with :func:`in_background` (one connection holds its locks while another call
waits for them).

How to use it::

    pytestmark = pytest.mark.django_db(transaction=True)   # the threads must see committed rows

    for round_no in range(ROUNDS):                          # many rounds: one interleaving proves little
        calls = [lambda: loan_approve(first, ...), lambda: loan_approve(second, ...)]
        if round_no % 2:
            calls.reverse()                                 # who is listed first alternates
        outcomes = race(*calls)                             # in the order of ``calls``
        winner = one_winner(outcomes, "already_pledged")    # exactly one wins, the others refused so
        ...

Each call runs in its own thread and so on its own database connection (Django keeps one
connection per thread and alias). The threads wait at a barrier and are released together, so the
calls reach the database at the same moment and the locks named in the services' docstrings are what
orders them. A :class:`~meidu.core.errors.DomainError` is an outcome (a refusal, with its code);
any other exception is a failure of the test and is raised again in the test's thread, as is a call
still running after ``timeout`` seconds.

Why each thread closes its connections (``connections.close_all()`` in a ``finally``): Django never
closes a thread's connection when the thread ends. Left open, every round would leave idle sessions
behind: they count against the server's ``max_connections`` over many rounds, can keep an aborted
transaction's locks, and make dropping the test database at the end of the session fail ("database
is being accessed by other users"). The test's own connection is left alone.

Why ``transaction=True``: in a plain ``django_db`` test everything the test wrote is inside one
transaction on the test's connection, invisible to the threads' connections.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections

from meidu.core.errors import DomainError

OK = "ok"
RACE_TIMEOUT = 120  # seconds a racing call may take (a deadlock shows as a timeout, not a hang)


@dataclass(frozen=True)
class Outcome:
    """What one racing call did: returned ``value``, or was refused with ``error``."""

    value: Any = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def code(self) -> str:
        """``"ok"`` for a call that returned, else the refusal's code."""
        return OK if self.error is None else self.error.code


class RaceFailed(AssertionError):
    """A racing call raised something other than a DomainError, or did not finish in time."""


def _run_closing(call: Callable[[], Any], before: Callable[[], Any] | None = None) -> Callable[[], Any]:
    def run():
        try:
            if before is not None:
                before()
            return call()
        finally:
            connections.close_all()  # this thread's connections only (see the module's docstring)

    return run


def race(*calls: Callable[[], Any], timeout: float = RACE_TIMEOUT) -> list[Outcome]:
    """Run ``calls`` at once, each in its own thread on its own database connection, released together
    by a barrier. Their outcomes, in the order of ``calls``."""
    if len(calls) < 2:
        raise ValueError("a race needs at least two calls")
    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)
    failures: list[tuple[int, BaseException]] = []

    def runner(index: int, call: Callable[[], Any]) -> None:
        try:
            outcomes[index] = Outcome(value=_run_closing(call, before=lambda: barrier.wait(timeout))())
        except DomainError as exc:
            outcomes[index] = Outcome(error=exc)
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread below
            failures.append((index, exc))

    threads = [threading.Thread(target=runner, args=(i, call), name=f"race-{i}") for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    if stuck:
        raise RaceFailed(f"racing calls still running after {timeout}s: {stuck}")
    if failures:
        index, exc = sorted(failures, key=lambda failure: failure[0])[0]
        raise RaceFailed(f"racing call {index} raised {exc!r} ({len(failures)} of {len(calls)} failed)") from exc
    return outcomes  # type: ignore[return-value]  (every slot is filled once the threads are done)


def codes(outcomes: list[Outcome]) -> list[str]:
    """The outcomes' codes, sorted (``"ok"`` for each call that returned)."""
    return sorted(outcome.code for outcome in outcomes)


def one_winner(outcomes: list[Outcome], *loser_codes: str) -> Outcome:
    """Assert exactly one call returned and the others were refused with ``loser_codes`` (in any
    order); return the winner."""
    won = [outcome for outcome in outcomes if outcome.ok]
    lost = sorted(outcome.code for outcome in outcomes if not outcome.ok)
    assert len(won) == 1 and lost == sorted(loser_codes), [outcome.code for outcome in outcomes]
    return won[0]


@contextmanager
def holding(hold: Callable[[], Any], timeout: float = 30) -> Iterator[None]:
    """Run ``hold`` in a transaction on another connection and keep that transaction (and its row
    locks) open while the ``with`` body runs; commit when the body ends. ``hold``'s exceptions and a
    holder that does not finish in time fail the test::

        with holding(lambda: Checkout.objects.select_for_update().get(pk=checkout.pk)):
            assert checkout_funds_release_abandoned() == 0   # skips the locked checkout
    """
    from django.db import transaction

    held, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                hold()
                held.set()
                release.wait(timeout)
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread below
            failures.append(exc)
        finally:
            held.set()
            connections.close_all()

    thread = threading.Thread(target=holder, name="holding")
    thread.start()
    try:
        if not held.wait(timeout):
            raise RaceFailed(f"the holder did not take its locks within {timeout}s")
        if failures:
            raise RaceFailed(f"the holder raised {failures[0]!r}") from failures[0]
        yield
    finally:
        release.set()
        thread.join(timeout)
    if thread.is_alive():
        raise RaceFailed(f"the holder still running after {timeout}s")
    if failures:
        raise RaceFailed(f"the holder raised {failures[0]!r}") from failures[0]


class Background:
    """One call running in a thread on its own connection (see :func:`in_background`)."""

    def __init__(self, call: Callable[[], Any]):
        self._value: Any = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), name="background")
        self._thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self._value = _run_closing(call)()
        except BaseException as exc:  # noqa: BLE001 - raised again by result()
            self._failure = exc

    def running_after(self, seconds: float) -> bool:
        """Whether the call is still running (e.g. waiting for a lock) after ``seconds``."""
        self._thread.join(seconds)
        return self._thread.is_alive()

    def result(self, timeout: float = RACE_TIMEOUT) -> Any:
        """The call's return value; its exception (a DomainError too) is raised here."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RaceFailed(f"the background call still running after {timeout}s")
        if self._failure is not None:
            raise self._failure
        return self._value


def in_background(call: Callable[[], Any]) -> Background:
    """Start ``call`` now in its own thread and connection; ``.result()`` waits for it. With
    :func:`holding`, it shows a call waiting for the locks another connection holds."""
    return Background(call)
