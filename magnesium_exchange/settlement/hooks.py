"""Explicit hooks of settlement, for apps above it that must act in the same transaction (financing:
the proceeds of a forced sale repay the loan at the settlement that pays them). Settlement imports
none of them: they register callbacks here from their AppConfig.ready().

* ``locked(settlement)``: right after the settlement row lock, before any ledger account or receipt
  is locked; a hook takes the rows it will write here, so the lock order stays: the settlement row,
  the hooks' rows, the ledger accounts, the receipts.
* ``completed(settlement, actor=, now=)``: the buyer paid, funds and receipts moved; before commit.
* ``defaulted(settlement, actor=, now=)``: the buyer defaulted, the receipts went back to the seller.

A hook that raises rolls the whole settlement back.
"""

from __future__ import annotations

from typing import Callable

_HOOKS: dict[str, list[Callable]] = {"locked": [], "completed": [], "defaulted": []}


def settlement_hooks_register(*, locked: Callable | None = None, completed: Callable | None = None,
                              defaulted: Callable | None = None) -> None:
    """Add callbacks (each at most once, so a second ready() call changes nothing)."""
    for stage, callback in (("locked", locked), ("completed", completed), ("defaulted", defaulted)):
        if callback is not None and callback not in _HOOKS[stage]:
            _HOOKS[stage].append(callback)


def settlement_hooks_run(stage: str, settlement, **kwargs) -> None:
    for callback in _HOOKS[stage]:
        callback(settlement, **kwargs)
