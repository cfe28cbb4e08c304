"""A receipt pledged as an approved loan leaves it, for the statement tests."""

from decimal import Decimal

from django.utils import timezone

from magnesium_exchange.financing.models import CollateralStatus, Loan, LoanCollateral, LoanStatus
from magnesium_exchange.warehouses.services.custody import ReceiptLockPurpose, receipt_lock


def pledge(receipt, bank, actor=None):
    """The receipt pledged to ``bank`` as an approved loan leaves it: the collateral row in force and the
    receipt locked (pledged, encumbered) through the custody service, on its signed chain."""
    loan = Loan.objects.create(
        number=f"L{receipt.pk:06d}",
        bank=bank,
        borrower=receipt.holder,
        status=LoanStatus.APPROVED,
        amount_requested=Decimal("100000.00"),
        term_days_requested=90,
        principal=Decimal("100000.00"),
        approved_at=timezone.now(),
    )
    LoanCollateral.objects.create(
        loan=loan,
        receipt=receipt,
        bank=bank,
        quantity=receipt.quantity,
        status=CollateralStatus.PLEDGED,
        pledged_at=timezone.now(),
    )
    return receipt_lock(
        receipt, holder=receipt.holder, purpose=ReceiptLockPurpose.PLEDGE, reference=f"loan:{loan.pk}", actor=actor
    )
