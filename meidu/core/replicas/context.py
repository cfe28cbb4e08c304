"""The read state of one request: which scope may read replicas, and whether the request wrote.

A ``ContextVar`` (not a thread-local) so that each request, thread or task sees its own state; code
outside a request sees none and reads the primary.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Scope(str, Enum):
    """What kind of read may go to a replica: the storefront's public tables, or staff reports'."""

    STOREFRONT = "storefront"
    REPORT = "report"


@dataclass
class ReadState:
    scope: Scope | None = None
    request: Any = None  # the HttpRequest, asked lazily who is reading (read-your-writes)
    wrote: bool = False  # a write went to the primary: the rest of the request reads it too
    query_operation: bool = False  # a GraphQL query (read-only) sent with POST
    pinned: bool | None = None  # the reader is in their read-your-writes window (asked once)
    alias: str | None = None  # the replica chosen for this request, once a read needed one
    replicas_off: bool = False  # a replica failed during the request: the primary from here on
    replica_timed_out: bool = False  # a replica statement ran past its statement timeout (``timeouts``)

    def note_write(self) -> None:
        self.wrote = True


_state: contextvars.ContextVar[ReadState | None] = contextvars.ContextVar("meidu_replica_reads", default=None)


def current() -> ReadState | None:
    return _state.get()


@contextmanager
def read_state(scope: Scope | None = None, request: Any = None) -> Iterator[ReadState]:
    """Open a read state for a request (or a test); nested calls get their own and restore the outer one."""
    state = ReadState(scope=scope, request=request)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


@contextmanager
def scoped(scope: Scope) -> Iterator[ReadState]:
    """Within the current request's state, let ``scope`` read replicas (a GraphQL query, a report view);
    outside any request, open a state of its own. The previous scope comes back afterwards."""
    state = current()
    if state is None:
        with read_state(scope) as fresh:
            yield fresh
        return
    previous = state.scope
    state.scope = scope
    try:
        yield state
    finally:
        state.scope = previous


@contextmanager
def primary_reads() -> Iterator[ReadState]:
    """Read only the primary inside (a Celery task run eagerly within a request, which must not inherit the
    request's replica scope); a write inside still counts as the enclosing request's write."""
    outer = current()
    with read_state(None) as state:
        try:
            yield state
        finally:
            if outer is not None and state.wrote:
                outer.note_write()
