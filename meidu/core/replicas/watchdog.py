"""A replica connection that stops answering mid-statement is cut by the client after the statement timeout.

``statement_timeout`` is enforced by the replica server: a standby that is frozen (a stopped VM, a process
stuck on a dead disk) or cut off by the network after the connection was made (kept for CONN_MAX_AGE) never
cancels anything, and the request would wait on the socket forever. Each replica statement run inside a
request registers here with a deadline (DB_REPLICA_STATEMENT_TIMEOUT plus REPLICA_WATCHDOG_GRACE_SECONDS);
one daemon thread per process looks every quarter second and shuts down the socket of a statement past its
deadline, so the driver raises at once; ``timeouts`` then sets the replica aside and the middleware answers
the request again from the primary. Registering costs a dict insertion under a lock.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time

logger = logging.getLogger("meidu.replicas")

POLL_SECONDS = 0.25

_lock = threading.Lock()
_watched: dict[int, tuple[float, int]] = {}  # ticket -> (deadline on time.monotonic(), socket fd)
_fired: set[int] = set()
_tickets = itertools.count(1)
_thread: threading.Thread | None = None


def _cut(fd: int) -> None:
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:  # a duplicate: shutdown acts on the shared socket
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _run() -> None:
    while True:
        time.sleep(POLL_SECONDS)
        now = time.monotonic()
        # cut under the lock: once ``release`` has returned, its socket (whose number the system may hand to
        # another connection after a close) is never touched here
        with _lock:
            due = [(ticket, fd) for ticket, (deadline, fd) in _watched.items() if deadline <= now]
            for ticket, fd in due:
                del _watched[ticket]
                _fired.add(ticket)
                _cut(fd)
        for _due in due:
            logger.warning("A replica statement outlived its timeout without an answer: its connection is cut")


def watch(fd: int, seconds: float) -> int:
    """Cut socket ``fd`` unless ``release`` is called within ``seconds``; returns the ticket."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="meidu-replica-watchdog", daemon=True)
            _thread.start()
        ticket = next(_tickets)
        _watched[ticket] = (time.monotonic() + seconds, fd)
    return ticket


def release(ticket: int) -> bool:
    """Stop watching; True when the watchdog had already cut the connection."""
    with _lock:
        _watched.pop(ticket, None)
        if ticket in _fired:
            _fired.discard(ticket)
            return True
    return False
