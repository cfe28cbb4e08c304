"""Explicit, typed hooks: how a lower layer tells a higher one, without importing it.

The layers (see the contracts in pyproject.toml, ``[tool.importlinter]``) let imports run one
way only: a page imports a service, a service a model, every domain ``meidu.core``. When a lower
module must reach something above it (the payments app telling orders that money moved, the
GraphQL view asking accounts who holds a token), it fires a hook instead of importing:

* the hook is declared, typed by the call it makes, in the module of the layer that fires it
  (``marketplace/payments/hooks.py``: ``transaction_changed: Hook[[TransactionItem,
  TransactionEvent | None], None]``), with a docstring saying when it fires and inside which
  transaction;
* its subscribers are named in one place, ``meidu/wiring.py``, which sits above every domain and
  connects them once at start-up (its AppConfig.ready); a grep for the hook's name finds the firing
  call and every subscriber;
* subscribers run in the firing thread, in the order ``meidu/wiring.py`` connects them, inside the
  caller's transaction: a subscriber that raises rolls the cause back too. Nothing is queued or
  swallowed here; an event meant for later goes through the outbox instead.

A hook is not a Django signal: there is no sender filtering, no weak references, no receivers
connected from anywhere, and firing a hook nobody subscribed to is a programming error unless the
hook says it may be empty (``required=False``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class HookNotConnected(RuntimeError):
    """A required hook was fired before meidu/wiring.py connected its subscribers."""


class Hook(Generic[P, R]):
    """A named list of subscribers of one signature, fired by the layer that declares it."""

    def __init__(self, name: str, *, required: bool = True):
        self.name = name
        self.required = required
        self._subscribers: list[Callable[P, R]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {', '.join(_name_of(s) for s in self._subscribers) or 'no subscriber'}>"

    @property
    def subscribers(self) -> tuple[Callable[P, R], ...]:
        return tuple(self._subscribers)

    def connect(self, subscriber: Callable[P, R]) -> Callable[P, R]:
        """Add ``subscriber`` (once: connecting the same callable again keeps one)."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    def disconnect(self, subscriber: Callable[P, R]) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def _checked(self) -> tuple[Callable[P, R], ...]:
        if self.required and not self._subscribers:
            raise HookNotConnected(f"hook {self.name} has no subscriber: is meidu.wiring in INSTALLED_APPS?")
        return tuple(self._subscribers)

    def send(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Call every subscriber in order; their results in the same order."""
        return [subscriber(*args, **kwargs) for subscriber in self._checked()]

    def first(self, *args: P.args, **kwargs: P.kwargs) -> R | None:
        """Ask the subscribers in order; the first answer that is not None (None when none answers).
        For questions (who holds this token?) rather than news."""
        for subscriber in self._checked():
            answer = subscriber(*args, **kwargs)
            if answer is not None:
                return answer
        return None


def _name_of(subscriber) -> str:
    return f"{getattr(subscriber, '__module__', '?')}.{getattr(subscriber, '__qualname__', repr(subscriber))}"
