"""Concurrent writers on real connections: the row locks named in the services' docstrings make
exactly one of two racing calls win, and the loser is refused cleanly."""

from decimal import Decimal

import pytest

from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.services import ReceiptLockPurpose, receipt_lock, receipt_split
from magnesium_exchange.warehouses.verification import receipt_verify
from tests.support.races import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_listing_and_splitting_the_same_receipt_at_once(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member, net="100")
    outcomes = race(
        lambda: receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="l1"),
        lambda: receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.PLEDGE, reference="p1"),
        lambda: receipt_split(receipt, ["50", "50"]),
    )
    winners = [outcome.value for outcome in outcomes if outcome.ok]
    receipt.refresh_from_db()
    # Whoever locked first wins; a split after a listing also succeeds (the parts stay listed).
    assert winners and receipt.status in {ReceiptStatus.LISTED, ReceiptStatus.PLEDGED, ReceiptStatus.SPLIT}
    assert all(receipt_verify(r).valid for r in Receipt.objects.all())
    assert sum(r.quantity for r in Receipt.objects.exclude(status__in=["split", "merged"])) == Decimal("100.000")
