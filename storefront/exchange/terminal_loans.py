"""The trader's loans in the terminal: apply for a loan on my receipts (bank, receipts, amount, term),
my loans (status, debt, loan-to-value, margin calls), and on a loan: repay, add collateral, ask to
release some, withdraw an application in review. Each action calls one financing service; refusals come
back as form messages and nothing is written. The member's grants are checked per action: applying,
adding and releasing collateral need trading, repaying needs funds management."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from magnesium_exchange.credit.selectors import bank_list_active
from magnesium_exchange.financing.models import PLEDGE_IN_FORCE, LoanStatus
from magnesium_exchange.financing.selectors import (
    OWING_STATUSES,
    PLEDGED_STATUSES,
    loan_collateral_list,
    loan_debt,
    loan_disputes_of,
    loan_list_for_member,
    loan_row_list,
    loan_valuation_list,
    margin_call_get_open,
    margin_call_list_open_for_member,
)
from magnesium_exchange.financing.services.loans import (
    loan_apply,
    loan_collateral_add,
    loan_collateral_release,
    loan_repay,
    loan_withdraw,
)
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.warehouses.selectors import receipt_list_by_ids
from meidu.core.errors import DomainError
from storefront.bank.errors import add_financing_errors, financing_error_messages
from storefront.bank.ltv_chart import ltv_chart
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_loan_forms import CollateralForm, LoanApplyForm, RepayForm
from storefront.exchange.terminal_views import free_receipts, my_receipts
from storefront.shell.loan_dispute_form import LoanDisputeForm, loan_dispute_posted

SHOWN = 100
CHART_DAYS = 90


def my_loans(member):
    return loan_list_for_member(member)


@with_trader
@require_safe
def loans_page(request, trader):
    member = trader.member
    rows = loan_row_list(my_loans(member).order_by("-id")[:SHOWN])
    return render(
        request,
        "exchange/terminal/loans.html",
        {
            "trader": trader,
            "member": member,
            "rows": rows,
            "limit": SHOWN,
            "calls": list(margin_call_list_open_for_member(member)),
            "tab": "loans",
        },
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def loan_apply_view(request, trader):
    member = trader.member
    # Offered: the free receipts. Accepted: any of the member's live receipts, so that one pledged or listed
    # since the form was shown gets the service's clear refusal rather than "not a valid choice".
    receipts = my_receipts(member) if request.method == "POST" else free_receipts(member)
    chosen = [value for value in request.GET.getlist("receipt") if value.isdigit()]
    form = LoanApplyForm(
        request.POST or None, banks=bank_list_active(), receipts=receipts, initial={"receipts": chosen}
    )
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        try:
            loan = loan_apply(
                member=member,
                bank=data["bank"],
                receipts=list(data["receipts"]),
                amount=data["amount"],
                term_days=data["term_days"],
                purpose=data["purpose"],
                actor=request.user,
            )
        except DomainError as exc:
            add_financing_errors(form, exc, {"amount": "amount", "termDays": "term_days"})
        else:
            messages.success(
                request,
                _("Application %(number)s sent to %(bank)s: the receipts are held for its review.")
                % {"number": loan.number, "bank": data["bank"].name},
            )
            return redirect("exchange:terminal_loan", number=loan.number)
    return render(
        request, "exchange/terminal/loan_apply.html", {"trader": trader, "member": member, "form": form, "tab": "loans"}
    )


def _my_loan(member, number):
    return get_object_or_404(my_loans(member), number=number)


@with_trader
@require_safe
def loan_page(request, trader, number):
    member = trader.member
    loan = _my_loan(member, number)
    return _render_loan(request, trader, loan)


def _render_loan(request, trader, loan, repay_form=None, add_form=None, release_form=None, status=200):
    member = trader.member
    collateral = loan_collateral_list(loan)
    pledged = [c.receipt_id for c in collateral if c.status in PLEDGE_IN_FORCE]
    free = free_receipts(member)
    valuations = loan_valuation_list(loan)
    owing = loan.status in OWING_STATUSES
    return render(
        request,
        "exchange/terminal/loan.html",
        {
            "trader": trader,
            "member": member,
            "loan": loan,
            "debt": loan_debt(loan),
            "collateral": collateral,
            "funds": member_balances(member),
            "last": valuations[-1] if valuations else None,
            "chart": ltv_chart(
                valuations,
                limit=loan.max_ltv_percent,
                warning=loan.warning_percent,
                liquidation=loan.liquidation_percent,
                until=timezone.localdate(),
                days=CHART_DAYS,
            ),
            "chart_days": CHART_DAYS,
            "open_call": margin_call_get_open(loan),
            "repay_form": repay_form or (RepayForm(prefix="repay") if owing else None),
            "add_form": add_form
            or (CollateralForm(prefix="add", receipts=free) if loan.status in PLEDGED_STATUSES else None),
            "release_form": release_form
            or (
                CollateralForm(prefix="release", receipts=loan_pledged_receipts(loan, pledged))
                if owing and len(pledged) > 1
                else None
            ),
            "may_withdraw": loan.status == LoanStatus.APPLIED,
            "tab": "loans",
            "disputes": list(loan_disputes_of(loan)),
            "dispute_form": LoanDisputeForm(prefix="dispute"),
            "dispute_action": reverse("exchange:terminal_loan_dispute", kwargs={"number": loan.number}),
        },
        status=status,
    )


@with_trader
@require_POST
def loan_dispute_view(request, trader, number):
    loan_dispute_posted(request, _my_loan(trader.member, number))
    return redirect("exchange:terminal_loan", number=number)


def loan_pledged_receipts(loan, receipt_ids):
    return receipt_list_by_ids(receipt_ids)


@with_trader
@require_POST
def loan_repay_view(request, trader, number):
    loan = _my_loan(trader.member, number)
    form = RepayForm(request.POST, prefix="repay")
    if granted(request, trader, "can_manage_funds") and form.is_valid():
        try:
            loan_repay(
                loan,
                member=trader.member,
                amount=form.cleaned_data["amount"],
                actor=request.user,
                idempotency_key=f"terminal:{form.cleaned_data['token']}",
            )
        except DomainError as exc:
            add_financing_errors(form, exc)
        else:
            messages.success(
                request,
                _("Repaid %(amount)s yuan on loan %(number)s (interest first, then principal).")
                % {"amount": form.cleaned_data["amount"], "number": loan.number},
            )
            return redirect("exchange:terminal_loan", number=loan.number)
    return _render_loan(request, trader, loan, repay_form=form, status=400 if form.errors else 200)


@with_trader
@require_POST
def loan_collateral_add_view(request, trader, number):
    loan = _my_loan(trader.member, number)
    form = CollateralForm(request.POST, prefix="add", receipts=free_receipts(trader.member))
    if granted(request, trader, "can_trade") and form.is_valid():
        try:
            loan_collateral_add(
                loan, member=trader.member, receipts=list(form.cleaned_data["receipts"]), actor=request.user
            )
        except DomainError as exc:
            add_financing_errors(form, exc)
        else:
            messages.success(request, _("Receipts added to the pledge of loan %(number)s.") % {"number": loan.number})
            return redirect("exchange:terminal_loan", number=loan.number)
    return _render_loan(request, trader, loan, add_form=form, status=400 if form.errors else 200)


@with_trader
@require_POST
def loan_collateral_release_view(request, trader, number):
    loan = _my_loan(trader.member, number)
    pledged = [c.receipt_id for c in loan_collateral_list(loan) if c.status in PLEDGE_IN_FORCE]
    form = CollateralForm(request.POST, prefix="release", receipts=loan_pledged_receipts(loan, pledged))
    if granted(request, trader, "can_trade") and form.is_valid():
        try:
            loan_collateral_release(loan, receipts=list(form.cleaned_data["receipts"]), actor=request.user)
        except DomainError as exc:
            add_financing_errors(form, exc)
        else:
            messages.success(
                request, _("Receipts released from the pledge of loan %(number)s.") % {"number": loan.number}
            )
            return redirect("exchange:terminal_loan", number=loan.number)
    return _render_loan(request, trader, loan, release_form=form, status=400 if form.errors else 200)


@with_trader
@require_POST
def loan_withdraw_view(request, trader, number):
    loan = _my_loan(trader.member, number)
    if granted(request, trader, "can_trade"):
        try:
            loan_withdraw(loan, member=trader.member, actor=request.user)
        except DomainError as exc:
            for message in financing_error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(
                request, _("Application %(number)s withdrawn; its receipts are free again.") % {"number": loan.number}
            )
    return redirect("exchange:terminal_loan", number=loan.number)
