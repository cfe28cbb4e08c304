"""Typed hooks of trading (meidu.core.hooks), for apps above it that must act in the same transaction
(financing: a forced-sale auction that ends without a trade). Trading imports none of them; their
subscribers are named in meidu/wiring.

* ``auction_closing(auction, cancel_by_member=)``: under the auction's row lock, before its close or
  cancellation is decided (``cancel_by_member``: the member cancelling, None for a close or an
  operator's cancellation); a subscriber takes the rows it will write here, so the lock order stays:
  the auction row, the subscribers' rows, the ledger accounts, the receipts. A subscriber may refuse by
  raising.
* ``auction_ended(auction, trades, actor=)``: the auction closed or was cancelled and its effects are
  applied (trades recorded, unsold receipts unlocked); before commit.

A subscriber that raises rolls the whole close back. Each may have no subscriber.

Settlement sits above trading (it delivers what trading agreed) and answers three more, each required:

* ``trade_recorded(trade)``: a trade was just recorded, in the trade's transaction; settlement opens
  the trade's delivery-versus-payment settlement.
* ``open_exposure(member) -> (value, tonnes)``: the member's contracts still awaiting settlement, for
  its exposure caps.
* ``open_exposure_sql(member_id_sql) -> (sql, params)``: the same as a one-row query for the member
  whose id is a column of the caller's statement, so a bid reads it with its other facts in one round trip.
"""

from __future__ import annotations

from meidu.core.hooks import Hook

auction_closing: Hook = Hook("trading.auction_closing", required=False)
auction_ended: Hook = Hook("trading.auction_ended", required=False)
trade_recorded: Hook = Hook("trading.trade_recorded")
open_exposure: Hook = Hook("trading.open_exposure")
open_exposure_sql: Hook = Hook("trading.open_exposure_sql")
