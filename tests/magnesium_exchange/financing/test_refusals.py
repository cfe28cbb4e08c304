"""Every refusal of the loan services named in issue 15's "Bad input" that is the loans' own: a loan on a
receipt that is listed, frozen, in an auction, already pledged, not the applicant's or in another bank's
review; a repayment larger than the debt (or than the funds auction bids leave spendable); a release
that would leave the loan-to-value above the limit; an officer acting on another bank's loan. Each is a
DomainError with its code and writes nothing (tests.refusals.assert_refused against the snapshot of
every table the services write, receipt statuses and the ledger)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.financing.services.banks import bank_require
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
from magnesium_exchange.members.models import FundsHold
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.members.services import funds_withdraw_request, member_status_set
from magnesium_exchange.trading.services import auction_bid, auction_open, listing_open
from magnesium_exchange.warehouses.services import receipt_freeze, receipt_split
from tests.magnesium_exchange.financing.lending import snapshot
from tests.magnesium_exchange.records_factories import FUSED_97_ASSAY, issue
from tests.refusals import assert_refused

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    return assert_refused(snapshot, code, call, *args, **kwargs)


def apply(lending, receipts, bank=None, member=None, **kwargs):
    values = {"amount": "100000.00", "term_days": 90, **kwargs}
    return loan_apply(member=member or lending.borrower, bank=bank or lending.ccb, receipts=receipts, **values)


def approve(loan, bank, principal="100000.00", **kwargs):
    return loan_approve(loan, bank=bank, principal=principal, annual_rate_percent="4.350", term_days=90, **kwargs)


def active_loan(lending, net="100.000", principal="100000.00"):
    receipt = lending.receipt(net=net)
    loan = apply(lending, [receipt], amount=principal)
    approve(loan, lending.ccb, principal=principal)
    return loan_disburse(loan, bank=lending.ccb), receipt


# --- the application -----------------------------------------------------------------------


def test_a_listed_receipt_is_refused(lending):
    receipt = lending.receipt()
    listing_open(member=lending.borrower, grade=lending.grade, price=Decimal("3000"), receipts=[receipt])
    refused("receipt_listed", apply, lending, [receipt])


def test_a_frozen_receipt_is_refused(lending):
    receipt = lending.receipt()
    receipt_freeze(receipt, reason="抽检", actor=lending.market.keeper)
    refused("receipt_frozen", apply, lending, [receipt])


def test_a_receipt_in_an_auction_is_refused(lending):
    receipt = lending.receipt()
    now = timezone.now()
    auction_open(
        member=lending.borrower,
        grade=lending.grade,
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        receipts=[receipt],
        reserve_price=Decimal("2900"),
    )
    refused("receipt_in_auction", apply, lending, [receipt])


def test_an_already_pledged_receipt_is_refused(lending):
    receipt = lending.receipt()
    approve(apply(lending, [receipt]), lending.ccb)
    refused("receipt_pledged", apply, lending, [receipt], bank=lending.hxb)


def test_another_members_receipt_is_refused(lending):
    other = lending.market.member("营口青花耐火材料有限公司")
    refused("receipt_not_yours", apply, lending, [lending.receipt(holder=other)])


def test_a_receipt_in_another_banks_review_is_refused(lending):
    receipt = lending.receipt()
    apply(lending, [receipt], bank=lending.ccb)
    refused("receipt_in_review", apply, lending, [receipt], bank=lending.hxb)
    refused("receipt_in_review", apply, lending, [receipt], bank=lending.ccb)


def test_a_closed_receipt_is_refused(lending):
    receipt = lending.receipt()
    receipt_split(receipt, ["40", "60"], actor=lending.market.keeper)
    receipt.refresh_from_db()
    refused("receipt_closed", apply, lending, [receipt])


def test_an_inactive_bank_or_member_and_hostile_numbers_are_refused(lending):
    receipt = lending.receipt()
    for amount in ("NaN", "Infinity", "-Infinity", "1e30", "-1", "0", "0.001", 1.5, None, "abc"):
        refused("invalid_amount", apply, lending, [receipt], amount=amount)
    for term in (0, -3, 3651, "1.5", "NaN", None, True):
        refused("invalid_term", apply, lending, [receipt], term_days=term)
    refused("invalid", apply, lending, [receipt], purpose="采购\x00")
    refused("invalid", apply, lending, [receipt], purpose="长" * 256)
    refused("required", apply, lending, [])
    refused("invalid", apply, lending, [receipt, receipt])
    lending.hxb.is_active = False
    lending.hxb.save(update_fields=["is_active"])
    refused("bank_not_active", apply, lending, [receipt], bank=lending.hxb)
    member_status_set(lending.borrower, "suspended", actor=lending.operator)
    refused("member_not_active", apply, lending, [receipt])


# --- the bank's decision ---------------------------------------------------------------------


def test_an_officer_of_another_bank_is_refused_every_decision(lending):
    receipt = lending.receipt()
    loan = apply(lending, [receipt])
    other = bank_require(lending.hxb_officer)
    refused("not_your_bank", approve, loan, other)
    refused("not_your_bank", loan_reject, loan, bank=other, reason="x")
    approve(loan, lending.ccb)
    refused("not_your_bank", loan_cancel, loan, bank=other, reason="x")
    refused("not_your_bank", loan_disburse, loan, bank=other)
    refused("not_your_loan", loan_collateral_release, loan, actor=lending.hxb_officer, receipts=[receipt])
    refused("not_your_bank", bank_require, lending.trader)


def test_a_principal_above_the_loan_to_value_limit_or_without_a_price_is_refused(lending):
    receipt = lending.receipt()  # 100 t: carries 144,000 at 60% after a 20% haircut
    loan = apply(lending, [receipt], amount="200000.00")
    refused("loan_to_value_exceeded", approve, loan, lending.ccb, principal="144000.01")
    refused(
        "loan_to_value_exceeded",
        approve,
        loan,
        lending.ccb,
        principal="100000.00",
        max_ltv_percent="40",
        warning_percent="65",
        liquidation_percent="80",
    )
    refused("invalid_amount", approve, loan, lending.ccb, principal="200000.01")
    refused(
        "invalid_rate",
        loan_approve,
        loan,
        bank=lending.ccb,
        principal="1000.00",
        annual_rate_percent="NaN",
        term_days=30,
    )
    refused("invalid_lines", approve, loan, lending.ccb, warning_percent="90", liquidation_percent="80")
    refused("invalid", approve, loan, lending.ccb, registry_filing_no="ZD\x00")
    approve(loan, lending.ccb, principal="144000.00")
    unpriced = issue(
        lending.market.warehouse,
        lending.market.fused,
        lending.borrower,
        net="100.000",
        assay=FUSED_97_ASSAY,
        actor=lending.market.keeper,
    )
    other = apply(lending, [unpriced], bank=lending.hxb)
    refused("no_reference_price", approve, other, lending.hxb)


def test_decisions_out_of_turn_are_refused(lending):
    receipt = lending.receipt()
    loan = apply(lending, [receipt])
    refused("invalid_transition", loan_disburse, loan, bank=lending.ccb)
    refused("invalid_transition", loan_cancel, loan, bank=lending.ccb, reason="x")
    refused("required", loan_reject, loan, bank=lending.ccb, reason="  ")
    loan_withdraw(loan, member=lending.borrower)
    refused("invalid_transition", approve, loan, lending.ccb)
    refused("invalid_transition", loan_withdraw, loan, member=lending.borrower)


# --- repayments and collateral -----------------------------------------------------------------


def test_a_repayment_larger_than_the_debt_is_refused(lending):
    loan, _receipt = active_loan(lending)
    refused("repayment_exceeds_debt", loan_repay, loan, member=lending.borrower, amount="100000.01")
    refused("invalid_amount", loan_repay, loan, member=lending.borrower, amount="NaN")
    refused("invalid_amount", loan_repay, loan, member=lending.borrower, amount="-5")
    other = lending.market.member("营口青花耐火材料有限公司")
    refused("not_your_loan", loan_repay, loan, member=other, amount="10.00")


def test_a_repayment_must_leave_the_funds_held_by_auction_bids_covered(lending):
    loan, _receipt = active_loan(lending)  # the borrower holds 50,000 + 100,000
    seller = lending.market.member("营口青花耐火材料有限公司")
    now = timezone.now()
    auction = auction_open(
        member=seller,
        grade=lending.grade,
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        receipts=[lending.receipt(holder=seller)],
        reserve_price=Decimal("2900"),
    )
    funds_withdraw_request(lending.borrower, "40000.00")  # 110,000 left available on the ledger
    auction_bid(auction, member=lending.borrower, price="3000", quantity="100")  # a deposit held by the bid
    held = FundsHold.objects.get(member=lending.borrower).amount
    spendable = member_balances(lending.borrower).available.amount
    assert held > 0 and spendable == Decimal("110000.00") - held < Decimal("100000.00")
    # The ledger alone would allow 100,000 (110,000 available): the bid's hold does not.
    refused("insufficient_funds", loan_repay, loan, member=lending.borrower, amount="100000.00")
    refused("insufficient_funds", loan_repay, loan, member=lending.borrower, amount=str(spendable + Decimal("0.01")))
    loan_repay(loan, member=lending.borrower, amount=str(spendable))
    assert member_balances(lending.borrower).available.amount == 0


def test_a_release_that_would_leave_the_loan_to_value_above_the_limit_is_refused(lending):
    loan, receipt = active_loan(lending, principal="140000.00")  # 140,000 on 240,000: 58.34%
    extra = lending.receipt(net="10.000")
    loan_collateral_add(loan, member=lending.borrower, receipts=[extra])
    refused("loan_to_value_exceeded", loan_collateral_release, loan, actor=lending.trader, receipts=[receipt])
    refused(
        "loan_to_value_exceeded", loan_collateral_release, loan, actor=lending.ccb_officer, receipts=[receipt, extra]
    )
    refused("invalid", loan_collateral_release, loan, actor=lending.trader, receipts=[lending.receipt()])
    # 140,000 on 100 t only (240,000): within 60%, the 10 t may go.
    loan_collateral_release(loan, actor=lending.trader, receipts=[extra])


def test_collateral_add_refuses_the_same_receipts_as_an_application(lending):
    loan, receipt = active_loan(lending)
    refused("invalid", loan_collateral_add, loan, member=lending.borrower, receipts=[receipt])
    listed = lending.receipt()
    listing_open(member=lending.borrower, grade=lending.grade, price=Decimal("3000"), receipts=[listed])
    refused("receipt_listed", loan_collateral_add, loan, member=lending.borrower, receipts=[listed])
    other = lending.market.member("营口青花耐火材料有限公司")
    refused(
        "receipt_not_yours",
        loan_collateral_add,
        loan,
        member=lending.borrower,
        receipts=[lending.receipt(holder=other)],
    )
    refused("not_your_loan", loan_collateral_add, loan, member=other, receipts=[lending.receipt()])
