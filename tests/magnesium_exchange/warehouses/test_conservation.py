"""A randomized day in a warehouse: whatever sequence of splits, merges, transfers, withdrawals,
freezes and cancellations happens, tonnes weighed in equal tonnes on non-superseded receipts, and
every receipt's signed chain verifies."""

import random
from decimal import Decimal

import pytest

from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.selectors import tonnes_conservation
from magnesium_exchange.warehouses.services import (
    ReceiptLockPurpose,
    ReceiptTransferReason,
    receipt_cancel,
    receipt_freeze,
    receipt_lock,
    receipt_merge,
    receipt_split,
    receipt_transfer,
    receipt_unfreeze,
    receipt_unlock,
    receipt_withdraw,
)
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.core.errors import DomainError

MILLI = Decimal("0.001")


def _split(rng, receipt, members):
    if receipt.quantity < 2 * MILLI:
        return
    cut = Decimal(rng.randint(1, int(receipt.quantity / MILLI) - 1)) * MILLI
    receipt_split(receipt, [cut, receipt.quantity - cut])


def _merge(rng, receipt, members):
    others = list(
        Receipt.objects.filter(status=ReceiptStatus.ACTIVE, holder=receipt.holder, grade=receipt.grade).exclude(
            pk=receipt.pk
        )[:1]
    )
    if others:
        receipt_merge([receipt, *others])


def _transfer(rng, receipt, members):
    target = rng.choice([m for m in members if m.pk != receipt.holder_id])
    receipt_transfer(receipt, to_member=target, reason=ReceiptTransferReason.SETTLEMENT, reference=f"s:{receipt.pk}")


def _withdraw(rng, receipt, members):
    net = receipt.quantity + Decimal(rng.randint(-1000, 1000)) * MILLI  # within or beyond the 0.3 % tolerance
    receipt_withdraw(receipt, gross=net + Decimal("15"), tare="15", net=net)


def _freeze_cycle(rng, receipt, members):
    receipt_freeze(receipt, reason="抽查")
    if rng.random() < 0.7:
        receipt_unfreeze(receipt, reason="复核无误")


def _list_cycle(rng, receipt, members):
    receipt_lock(receipt, holder=receipt.holder, purpose=ReceiptLockPurpose.LISTING, reference="l")
    if rng.random() < 0.5:
        receipt_unlock(receipt, purpose=ReceiptLockPurpose.LISTING, reference="l")


def _cancel(rng, receipt, members):
    receipt_cancel(receipt, reason="更正")


OPERATIONS = [
    _split,
    _split,
    _split,
    _merge,
    _merge,
    _transfer,
    _transfer,
    _withdraw,
    _freeze_cycle,
    _list_cycle,
    _cancel,
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_day_conserves_tonnes(seed, receipt_factory, warehouse, seller_member, buyer_member, member_factory):
    rng = random.Random(seed)
    members = [seller_member, buyer_member, member_factory()]
    for _ in range(6):
        receipt_factory(rng.choice(members), net=str(Decimal(rng.randint(20_000, 200_000)) * MILLI))
    refusals = 0
    for _ in range(40):
        live = list(Receipt.objects.exclude(status__in=["split", "merged", "withdrawn", "cancelled"]).order_by("pk"))
        if not live:
            break
        receipt = rng.choice(live)
        try:
            rng.choice(OPERATIONS)(rng, receipt, members)
        except DomainError:
            refusals += 1  # e.g. splitting a frozen receipt: refused, nothing written
        weighed_in, on_receipts = tonnes_conservation(warehouse)
        assert weighed_in == on_receipts
    assert all(receipt_verify(r).valid for r in Receipt.objects.all())
