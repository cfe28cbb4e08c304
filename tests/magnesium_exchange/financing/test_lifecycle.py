"""A loan's whole life through the services: apply, approve (the pledge is registered on the receipts'
signed chains), disburse, repay part, release part of the collateral, repay the rest (every pledge
released); the ledger balances to zero throughout, and each step is an event row."""

from decimal import Decimal

import pytest

from magnesium_exchange.financing.models import CollateralStatus, LoanStatus
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.financing.services.ledger import loan_post_interest
from magnesium_exchange.financing.services.loans import (
    loan_apply,
    loan_approve,
    loan_cancel,
    loan_collateral_add,
    loan_collateral_release,
    loan_disburse,
    loan_reject,
    loan_repay,
    loan_withdraw,
)
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.verification import receipt_verify
from tests.magnesium_exchange.financing.lending import ledger_sum

pytestmark = pytest.mark.django_db


def _events(loan):
    return list(loan.events.values_list("action", flat=True))


def test_apply_approve_disburse_repay_part_release_part_repay_in_full(lending):
    first, second = lending.receipt(net="100.000"), lending.receipt(net="50.000")
    loan = loan_apply(
        member=lending.borrower,
        bank=lending.ccb,
        receipts=[first, second],
        amount="150000.00",
        term_days=90,
        purpose="采购菱镁矿",
        actor=lending.trader,
    )
    assert loan.status == LoanStatus.APPLIED and loan.number.startswith("LN")
    assert set(loan.collateral.values_list("status", flat=True)) == {CollateralStatus.PROPOSED}

    # 150 t × 3000 = 450,000; less 20% = 360,000; at 60% carries 216,000.
    loan = loan_approve(
        loan,
        bank=lending.ccb,
        principal="150000.00",
        annual_rate_percent="4.350",
        term_days=90,
        registry_filing_no="ZD2026120600123",
        actor=lending.ccb_officer,
    )
    assert loan.status == LoanStatus.APPROVED
    assert (loan.haircut_percent, loan.max_ltv_percent, loan.warning_percent, loan.liquidation_percent) == (
        Decimal("20.00"),
        Decimal("60.00"),
        Decimal("65.00"),
        Decimal("80.00"),
    )
    for receipt in (first, second):
        receipt.refresh_from_db()
        assert receipt.status == ReceiptStatus.PLEDGED and receipt.encumbrance == f"loan:{loan.pk}"
        assert receipt_verify(receipt).valid
        assert receipt.events.order_by("-seq").first().action == "pledge"
    assert set(loan.collateral.values_list("status", flat=True)) == {CollateralStatus.PLEDGED}

    available_before = member_balances(lending.borrower).available.amount
    loan = loan_disburse(loan, bank=lending.ccb, actor=lending.ccb_officer)
    assert loan.status == LoanStatus.ACTIVE and loan.due_date and loan.interest_accrued_until
    assert member_balances(lending.borrower).available.amount == available_before + Decimal("150000.00")
    assert loan_debt(loan).principal == Decimal("150000.00")
    assert ledger_sum() == 0

    loan_post_interest(loan, Decimal("17.88"), day_key="2026-12-06")  # a day's interest, as the accrual job posts it
    loan = loan_repay(loan, member=lending.borrower, amount="50017.88", actor=lending.trader, idempotency_key="r1")
    assert loan_debt(loan).interest == 0 and loan_debt(loan).principal == Decimal("100000.00")
    # The same request again repays once.
    loan_repay(loan, member=lending.borrower, amount="50017.88", actor=lending.trader, idempotency_key="r1")
    assert loan_debt(loan).principal == Decimal("100000.00")

    # 100,000 owed on 100 t (240,000 after the haircut): 41.67% ≤ 60%, the 50 t receipt may go.
    loan = loan_collateral_release(loan, actor=lending.trader, receipts=[second])
    second.refresh_from_db()
    assert second.status == ReceiptStatus.ACTIVE and second.encumbrance == "" and receipt_verify(second).valid

    loan = loan_repay(loan, member=lending.borrower, amount="100000.00", actor=lending.trader)
    assert loan.status == LoanStatus.REPAID and loan.closed_at
    first.refresh_from_db()
    assert first.status == ReceiptStatus.ACTIVE and first.encumbrance == "" and receipt_verify(first).valid
    assert set(loan.collateral.values_list("status", flat=True)) == {CollateralStatus.RELEASED}
    assert loan_debt(loan).total == 0 and ledger_sum() == 0
    assert _events(loan) == ["apply", "approve", "disburse", "repay", "collateral_release", "repay", "repay_in_full"]
    assert [e.action for e in Receipt.objects.get(pk=first.pk).events.order_by("seq")][-2:] == ["pledge", "unpledge"]


def test_withdraw_reject_and_cancel_free_the_receipts(lending):
    receipt = lending.receipt()
    loan = loan_apply(member=lending.borrower, bank=lending.ccb, receipts=[receipt], amount="100000.00", term_days=30)
    loan = loan_withdraw(loan, member=lending.borrower)
    assert loan.status == LoanStatus.WITHDRAWN and loan.collateral.get().status == CollateralStatus.DROPPED

    loan = loan_apply(member=lending.borrower, bank=lending.hxb, receipts=[receipt], amount="100000.00", term_days=30)
    loan = loan_reject(loan, bank=lending.hxb, reason="押品集中度过高")
    assert loan.status == LoanStatus.REJECTED and loan.rejection_reason == "押品集中度过高"

    loan = loan_apply(member=lending.borrower, bank=lending.ccb, receipts=[receipt], amount="100000.00", term_days=30)
    loan = loan_approve(loan, bank=lending.ccb, principal="100000.00", annual_rate_percent="4.000", term_days=30)
    loan = loan_cancel(loan, bank=lending.ccb, reason="借款人放弃")
    receipt.refresh_from_db()
    assert loan.status == LoanStatus.CANCELLED and receipt.status == ReceiptStatus.ACTIVE and not receipt.encumbrance
    assert receipt_verify(receipt).valid


def test_collateral_added_to_an_active_loan_is_pledged_at_once(lending):
    first, extra = lending.receipt(), lending.receipt(net="30.000")
    loan = loan_apply(member=lending.borrower, bank=lending.ccb, receipts=[first], amount="100000.00", term_days=30)
    loan = loan_approve(loan, bank=lending.ccb, principal="100000.00", annual_rate_percent="4.000", term_days=30)
    loan = loan_disburse(loan, bank=lending.ccb)
    loan = loan_collateral_add(loan, member=lending.borrower, receipts=[extra])
    extra.refresh_from_db()
    assert extra.status == ReceiptStatus.PLEDGED and extra.encumbrance == f"loan:{loan.pk}"
    assert loan.collateral.get(receipt=extra).status == CollateralStatus.PLEDGED
    # Released, then added again: it comes back on its own row.
    loan_collateral_release(loan, actor=lending.ccb_officer, receipts=[extra])
    loan_collateral_add(loan, member=lending.borrower, receipts=[extra])
    assert loan.collateral.get(receipt=extra).status == CollateralStatus.PLEDGED
    assert receipt_verify(Receipt.objects.get(pk=extra.pk)).valid
