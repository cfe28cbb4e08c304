"""Typed hooks of settlement (meidu.core.hooks), for apps above it that must act in the same
transaction (financing: the proceeds of a forced sale repay the loan at the settlement that pays
them). Settlement imports none of them; their subscribers are named in meidu/wiring.

* ``settlement_locked(settlement)``: right after the settlement row lock, before any ledger account
  or receipt is locked; a subscriber takes the rows it will write here, so the lock order stays: the
  settlement row, the subscribers' rows, the ledger accounts, the receipts.
* ``settlement_completed(settlement, actor=, now=)``: the buyer paid, funds and receipts moved; before commit.
* ``settlement_defaulted(settlement, actor=, now=)``: the buyer defaulted, the receipts went back to the seller.

A subscriber that raises rolls the whole settlement back. Each may have no subscriber (an exchange
without financing settles all the same).
"""

from __future__ import annotations

from meidu.core.hooks import Hook

settlement_locked: Hook = Hook("settlement.settlement_locked", required=False)
settlement_completed: Hook = Hook("settlement.settlement_completed", required=False)
settlement_defaulted: Hook = Hook("settlement.settlement_defaulted", required=False)
