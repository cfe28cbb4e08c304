"""What settlement tells the layers above it (the incubator's distributor commission), without
importing them (meidu.core.hooks). Subscribers are named in meidu/wiring/__init__.py.

A reseller's order line pays its supplier the supply price; the rest of what the buyer paid for it,
the distribution margin, goes to the platform's distribution-margin account, from which whoever
above settlement (the incubator) pays the reseller's commission. Settlement knows nothing of that
commission: it says when an order's money changed, when its after-sales window closed (earnings
released) and when a weekly payout batch is being made, so that the commission follows the same
window and rides the same batch and bank file.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from meidu.core.hooks import Hook

if TYPE_CHECKING:
    from marketplace.settlement.models import OrderSettlement, Payout, PayoutBatch

order_settled: Hook[[OrderSettlement], None] = Hook("order_settled", required=False)
"""Fired at the end of settlement_order_sync (inside its transaction, the Order row then the
OrderSettlement row locked; ``settlement.order`` is the locked order) when it posted something: the
payment, a refund or a return; or when the after-sales window closed and the seller's earnings were
released (``settlement.released_at`` set). The settlement row carries the money it settled
(charged, refunded, total)."""

payout_batch_filling: Hook[[PayoutBatch, datetime, Any], None] = Hook("payout_batch_filling", required=False)
"""Fired inside payout_batch_create's transaction after the shops' payouts were added, with the
batch, the cutoff (end of its week) and the actor: others add their payouts to the same batch
(settlement.services.payouts.payout_add) so they go out in the same bank file."""

payout_failed: Hook[[Payout], None] = Hook("payout_failed", required=False)
"""Fired inside payout_mark_failed's transaction once the returned transfer was booked back."""
