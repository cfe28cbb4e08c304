"""Station agents' fees in the weekly payout (网络代购服务费): called by payout_batch_create inside the
batch's transaction, so the fees leave in the same bank file as the shops' earnings, once a week.

* What is paid: per agent and station shop, the sum over the agent's AssistFee rows of amount − paid,
  for fees earned before the week's cutoff; claw-backs since (an order cancelled, returned or
  refunded after its fee was paid: amount < paid) are netted in. A total of zero or less is carried
  into the next week (the fee account stays negative), never paid out, as the shops' claw-back debts.
  A fee clawed back before its payout is simply no longer owed (assist_fee_sync took it back).
* Where to: the payout account of the shop that runs the station (the agent works for it; agents have
  no bank details on the platform), one Payout per agent (purpose AGENT_FEES, ``agent`` set) with a
  line per order. A suspended shop's agents are held, the money stays in their fee accounts.
* Postings: settlement:agent:<id>:fees −total, settlement:agent:<id>:paid_out +total (sum zero; the
  fees themselves were posted from the platform's commission income by assist_fee_sync).
* Exactly once: the batch is once per week (payout_batch_create returns the existing one) and each
  fee's ``paid_amount`` catches up with its amount under the row lock; a returned transfer
  (payout_mark_failed) books its postings back and ``assist_fee_payout_returned`` lowers the
  paid amounts again, so a later batch pays them.

Lock order of assist_fee_payouts_add: (the batch's own locks, see payout_batch_create) → the agents'
fee accounts FOR UPDATE in ascending pk (only payouts lock them) → their AssistFee rows FOR UPDATE in
ascending pk. assist_fee_sync takes Order → AssistFee and no account, so the two never cross.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Q

from marketplace.orders.models import OrderAssistance
from marketplace.settlement.accounts import agent_fee_code, agent_paid_out_account
from marketplace.settlement.models import AssistFee, Payout, PayoutBatch, PayoutPurpose
from marketplace.settlement.services.payout_transfer import payout_add
from marketplace.shops.models import Shop, ShopStatus
from meidu.core.ledger.models import LedgerAccount

ZERO = Decimal("0.00")


def assist_fee_payouts_add(batch: PayoutBatch, cutoff: datetime, actor=None) -> list[Payout]:
    """Add every station agent's fee payout to ``batch`` (see the module docstring)."""
    unpaid = AssistFee.objects.exclude(amount=F("paid_amount")).filter(Q(earned_at__lt=cutoff) | Q(paid_amount__gt=0))
    keys = set(unpaid.values_list("agent_id", "currency").distinct())
    if not keys:
        return []
    codes = {agent_fee_code(agent_id, currency): (agent_id, currency) for agent_id, currency in keys}
    accounts = {
        codes[account.code]: account
        for account in LedgerAccount.objects.filter(code__in=list(codes)).order_by("pk").select_for_update()
    }
    fees = list(unpaid.select_for_update().order_by("pk"))
    shop_of_order = dict(
        OrderAssistance.objects.filter(order_id__in=[fee.order_id for fee in fees]).values_list(
            "order_id", "station__shop_id"
        )
    )
    grouped: dict[tuple[int, int, str], list[AssistFee]] = defaultdict(list)
    for fee in fees:
        grouped[(fee.agent_id, shop_of_order[fee.order_id], fee.currency)].append(fee)
    shops = Shop.objects.in_bulk({shop_id for _, shop_id, _ in grouped})
    payouts, paid_ids = [], []
    for (agent_id, shop_id, currency), agent_fees in sorted(grouped.items()):
        total = sum((fee.amount - fee.paid_amount for fee in agent_fees), ZERO)
        shop = shops[shop_id]
        if total <= 0 or shop.status == ShopStatus.SUSPENDED:
            continue  # a claw-back debt, nothing, or held: carried into next week, never paid out
        lines: dict[int, Decimal] = {fee.order_id: fee.amount - fee.paid_amount for fee in agent_fees}
        payouts.append(
            payout_add(
                batch,
                shop,
                currency,
                [(accounts[(agent_id, currency)], -total), (agent_paid_out_account(agent_id, currency), total)],
                {order: amount for order, amount in lines.items() if amount},
                purpose=PayoutPurpose.AGENT_FEES,
                actor=actor,
                agent_id=agent_id,
            )
        )
        paid_ids += [fee.pk for fee in agent_fees]
    # one set-based update (the rows are locked above): each fee's paid amount catches up with it
    AssistFee.objects.filter(pk__in=paid_ids).update(paid_amount=F("amount"))
    return payouts


def assist_fee_payout_returned(payout: Payout) -> int:
    """A returned AGENT_FEES transfer (payout_mark_failed already booked its postings back to the fee
    account): its fees are unpaid again by what it carried, for a later batch. The number of fees.
    Lock order: (the Payout row) → the AssistFee rows FOR UPDATE in ascending pk."""
    if payout.purpose != PayoutPurpose.AGENT_FEES:
        return 0
    carried = dict(payout.lines.values_list("order_id", "amount"))
    fees = list(AssistFee.objects.filter(order_id__in=list(carried)).select_for_update().order_by("pk"))
    for fee in fees:
        fee.paid_amount -= carried[fee.order_id]
    AssistFee.objects.bulk_update(fees, ["paid_amount"])
    return len(fees)
