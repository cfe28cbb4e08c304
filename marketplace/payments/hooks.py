"""A tiny explicit registry for reacting to payment changes (no Django signals).

Orders register a handler (from their AppConfig.ready) to update paid status. Handlers
run inside the service's database transaction, with the TransactionItem row locked, right
after its amounts changed: a handler that raises rolls the payment change back too.
"""

from __future__ import annotations

from typing import Callable

_callbacks: list[Callable] = []


def on_transaction_changed(callback: Callable) -> Callable:
    """Register ``callback(item, event)``; registering the same callable twice keeps one. Usable as a decorator."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def transaction_changed_notify(item, event) -> None:
    """Called by marketplace.payments.services after every amount change of ``item``."""
    for callback in list(_callbacks):
        callback(item, event)


def transaction_changed_unregister(callback: Callable) -> None:
    if callback in _callbacks:
        _callbacks.remove(callback)
