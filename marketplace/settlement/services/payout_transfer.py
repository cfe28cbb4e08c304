"""One transfer of a weekly payout batch: its balanced postings (the payee's balance to its paid-out
account) and the Payout with a line per order. Apart from payouts.py so the payers of each purpose
(shops' earnings, station agents' fees, the incubator's commission) share it without an import cycle."""

from __future__ import annotations

from decimal import Decimal

from marketplace.settlement.models import Payout, PayoutBatch, PayoutLine, PayoutPurpose
from marketplace.shops.models import Shop
from meidu.core.ledger.services import ledger_post

ZERO = Decimal("0.00")


def payout_add(
    batch: PayoutBatch,
    shop: Shop,
    currency: str,
    entries,
    lines: dict[int, Decimal],
    *,
    purpose: str,
    actor=None,
    agent_id: int | None = None,
) -> Payout:
    """Add one transfer to ``batch``: post ``entries`` (the payee's balance to its paid-out account,
    summing to zero) and record the payout with a line per order of ``lines`` ({order: amount}).
    Runs inside payout_batch_create's transaction (called by it, or by a payout_batch_filling
    subscriber, which holds its own accounts' locks). The amount is the sum of the lines.
    ``agent_id``: a station agent's fees (AGENT_FEES), one transfer per agent and shop."""
    total = sum(lines.values(), ZERO)
    week = f"{batch.week_end:%Y%m%d}"
    suffix = "" if currency == "CNY" else currency
    is_earnings = purpose == PayoutPurpose.EARNINGS
    payee = f"{shop.pk}" if agent_id is None else f"{shop.pk}:{agent_id}"
    txn = ledger_post(
        entries,
        description=f"Payout ({purpose}) to {shop.name} for the week ending {batch.week_end:%Y-%m-%d}",
        reference=f"payout:{week}:{shop.pk}" if is_earnings else f"payout:{week}:{purpose}:{payee}",
        actor=actor,
        idempotency_key=(
            f"settlement:payout:{week}:{shop.pk}:{currency}"
            if is_earnings
            else f"settlement:payout:{week}:{purpose}:{payee}:{currency}"
        ),
    )
    kind = "S" if is_earnings else "A" if agent_id is not None else "C"
    payout = Payout.objects.create(
        batch=batch,
        shop=shop,
        agent_id=agent_id,
        currency=currency,
        purpose=purpose,
        amount=total,
        reference=f"MD{week}{kind}{shop.pk}{'' if agent_id is None else f'U{agent_id}'}{suffix}",
        payee_name=shop.payout_account_name,
        account_number=shop.payout_account_number,
        bank=shop.payout_bank,
        ledger_transaction=txn,
    )
    PayoutLine.objects.bulk_create(
        [PayoutLine(payout=payout, order_id=order, amount=amount) for order, amount in sorted(lines.items())]
    )
    return payout
