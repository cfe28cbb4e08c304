"""A replica statement that ran past DB_REPLICA_STATEMENT_TIMEOUT: the replica is set aside and the request
is answered again from the primary.

The timeout is the replica server's own (``-c statement_timeout`` in the replica's connection options,
meidu.runtime.database.replica_databases): a standby whose replay holds a lock the query waits for, a query
stuck behind a recovery conflict or a starved disk is cancelled by PostgreSQL (SQLSTATE 57014), and the
request gets the 503 of meidu.core.unavailable. The middleware watches the replicas' connections during a
request (``watch_replicas``): such an error marks the replica down for REPLICA_RETRY_SECONDS
(``health.replica_mark_down``, as an unreachable one, so the other requests of this process skip it without
waiting the timeout each) and tells the middleware to answer the request again from the primary. A replica
that does not answer at all while connecting is bounded by DB_REPLICA_CONNECT_TIMEOUT (``health``), and one
that stops answering on a connection already made (frozen, cut off) is cut by the client (``watchdog``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

from meidu.core.replicas import watchdog
from meidu.core.replicas.context import ReadState
from meidu.core.replicas.health import replica_aliases, replica_mark_down

QUERY_CANCELED = "57014"  # statement_timeout (or a cancel request)


def statement_timed_out(exc: BaseException) -> bool:
    """Did PostgreSQL cancel the statement (Django's error wraps the driver's, which carries the SQLSTATE)?"""
    for error in (exc, exc.__cause__):
        if error is not None and QUERY_CANCELED in (getattr(error, "sqlstate", None), getattr(error, "pgcode", None)):
            return True
    return False


class _Watch:
    """An execute wrapper on one replica's connection (Django's ``connection.execute_wrapper``)."""

    def __init__(self, alias: str, state: ReadState):
        self.alias = alias
        self.state = state

    def __call__(self, execute, sql, params, many, context):
        ticket = _watch_socket(context["connection"])
        cut = False
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError) as exc:
            cut = ticket is not None and watchdog.release(ticket)
            if cut or statement_timed_out(exc):
                self.state.replica_timed_out = True
                replica_mark_down(self.alias, f"a statement ran past its timeout ({exc})")
                if cut:
                    _close_quietly(context["connection"])
            raise
        finally:
            if ticket is not None and not cut:
                watchdog.release(ticket)


def _watch_socket(connection) -> int | None:
    """Let the watchdog cut this replica connection if the server never answers (a frozen standby)."""
    if not settings.DB_REPLICA_STATEMENT_TIMEOUT or connection.connection is None:
        return None
    try:
        fd = connection.connection.pgconn.socket
    except Exception:  # not psycopg 3, or a connection already closed
        return None
    return watchdog.watch(fd, settings.DB_REPLICA_STATEMENT_TIMEOUT + settings.REPLICA_WATCHDOG_GRACE_SECONDS)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:
        pass


@contextmanager
def watch_replicas(state: ReadState) -> Iterator[None]:
    """Within a request: note a replica statement cancelled by its timeout in ``state`` (and set it aside)."""
    with ExitStack() as stack:
        for alias in replica_aliases():
            stack.enter_context(connections[alias].execute_wrapper(_Watch(alias, state)))
        yield
