"""Explicit hooks of trading, for apps above it that must act in the same transaction (financing: a
forced-sale auction that ends without a trade). Trading imports none of them: they register callbacks
here from their AppConfig.ready().

* ``auction_closing(auction, cancel_by_member=)``: under the auction's row lock, before its close or
  cancellation is decided (``cancel_by_member``: the member cancelling, None for a close or an
  operator's cancellation); a hook takes the rows it will write here, so the lock order stays: the
  auction row, the hooks' rows, the ledger accounts, the receipts. A hook may refuse by raising.
* ``auction_ended(auction, trades, actor=)``: the auction closed or was cancelled and its effects are
  applied (trades recorded, unsold receipts unlocked); before commit.

A hook that raises rolls the whole close back.
"""

from __future__ import annotations

from typing import Callable

_HOOKS: dict[str, list[Callable]] = {"auction_closing": [], "auction_ended": []}


def trading_hooks_register(*, auction_closing: Callable | None = None, auction_ended: Callable | None = None) -> None:
    """Add callbacks (each at most once, so a second ready() call changes nothing)."""
    for stage, callback in (("auction_closing", auction_closing), ("auction_ended", auction_ended)):
        if callback is not None and callback not in _HOOKS[stage]:
            _HOOKS[stage].append(callback)


def trading_hooks_run(stage: str, *args, **kwargs) -> None:
    for callback in _HOOKS[stage]:
        callback(*args, **kwargs)
