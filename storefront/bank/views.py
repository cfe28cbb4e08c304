"""The bank portal: home (queue counts, loans at risk), receipt verification (number and code, or the
QR read by the phone's camera) with the signed statement in full, the applications queue and the
application page (approve with terms, reject with a reason), loans with their loan-to-value chart,
ledger, events and margin calls (disburse, start a forced sale), margin calls, forced sales and the
CSV export for the bank's core system.

Every page is for an officer of one bank (``access.with_bank``) and reads only that bank's loans
(``financing.selectors.loan_list_for_bank``): another bank's loan is not found. Each action calls one financing
service; refusals come back as form messages and nothing is written."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from magnesium_exchange.credit.selectors import credit_consent_in_force
from magnesium_exchange.financing.error_codes import ExchangeStatementErrorCode as StatementCode
from magnesium_exchange.financing.models import LoanStatus
from magnesium_exchange.financing.selectors import (
    OWING_STATUSES,
    forced_sale_list_for_bank,
    forced_sale_list_for_loan,
    loan_collateral_list,
    loan_counts_for_bank,
    loan_debt,
    loan_disputes_of,
    loan_event_list,
    loan_ledger_list,
    loan_list_for_bank,
    loan_row_list,
    loan_valuation_list,
    margin_call_list_for_bank,
    margin_call_list_for_loan,
    pledge_in_force_of,
)
from magnesium_exchange.financing.services.forced_sale import loan_forced_sale_may_start, loan_forced_sale_start
from magnesium_exchange.financing.services.loans import loan_approve, loan_disburse, loan_reject
from magnesium_exchange.financing.statements import receipt_statement, receipt_statement_by_code
from magnesium_exchange.financing.valuation import (
    after_haircut,
    loan_to_value,
    market_value,
    terms_for,
    valuation_prices,
)
from magnesium_exchange.warehouses.selectors import receipt_get_by_number
from meidu.core.errors import DomainError
from meidu.core.statements import StatementInvalid, statement_public_jwks, statement_verify
from storefront.bank.access import with_bank
from storefront.bank.errors import add_financing_errors, financing_error_messages
from storefront.bank.export import bank_loans_csv
from storefront.bank.forms import ApproveForm, RejectForm, VerifyForm
from storefront.bank.ltv_chart import ltv_chart
from storefront.shell.loan_dispute_form import LoanDisputeForm, loan_dispute_posted

SHOWN = 200
CHART_DAYS = 90

# The loan's event actions (financing.state and the services' event rows) in the reader's language.
EVENT_LABELS = {
    "apply": pgettext_lazy("loan event", "Applied"),
    "withdraw": pgettext_lazy("loan event", "Withdrawn"),
    "approve": pgettext_lazy("loan event", "Approved, pledge registered"),
    "reject": pgettext_lazy("loan event", "Rejected"),
    "cancel": pgettext_lazy("loan event", "Cancelled"),
    "disburse": pgettext_lazy("loan event", "Disbursed"),
    "repay": pgettext_lazy("loan event", "Repayment"),
    "repay_in_full": pgettext_lazy("loan event", "Repaid in full"),
    "collateral_add": pgettext_lazy("loan event", "Collateral added"),
    "collateral_release": pgettext_lazy("loan event", "Collateral released"),
    "margin_call_open": pgettext_lazy("loan event", "Margin call opened"),
    "forced_sale_start": pgettext_lazy("loan event", "Forced sale started"),
    "forced_sale_settled": pgettext_lazy("loan event", "Forced sale settled"),
    "forced_sale_unsold": pgettext_lazy("loan event", "Forced sale unsold"),
    "forced_sale_auction_closed": pgettext_lazy("loan event", "Forced sale auction closed"),
    "close_with_shortfall": pgettext_lazy("loan event", "Closed with a shortfall"),
}


def loan_events(loan) -> list:
    events = loan_event_list(loan)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


@with_bank
@require_safe
def home(request, bank):
    owing = loan_list_for_bank(bank, statuses=OWING_STATUSES).order_by("-id")[:SHOWN]
    at_risk = [row for row in loan_row_list(owing) if row.at_risk or row.margin_call]
    return render(
        request,
        "bank/home.html",
        {"bank": bank, "counts": loan_counts_for_bank(bank), "at_risk": at_risk, "tab": "home"},
    )


def _statement(receipt, user):
    """The signed statement of ``receipt`` for ``user``: (token, claims, error message or None)."""
    return _checked(receipt_statement(receipt, viewer=user))


def _checked(token: str):
    """The statement checked against the published keys, as a bank would: (token, claims, error or None)."""
    try:
        return token, statement_verify(token, statement_public_jwks()), None
    except StatementInvalid as exc:
        return token, {}, str(exc)


def _flatten(claims, prefix=""):
    """Claims as (path, value) rows for the page, nested objects and lists spelled out."""
    rows = []
    items = claims.items() if isinstance(claims, dict) else enumerate(claims)
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, (dict, list)) and value:
            rows += _flatten(value, path)
        else:
            rows.append((path, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value))
    return rows


@with_bank
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, bank):
    """A receipt by number and verification code (receipt_statement_by_code): a wrong code finds nothing,
    exactly as a wrong number."""
    data = request.POST if request.method == "POST" else (request.GET if request.GET.get("number") else None)
    form = VerifyForm(data)
    context = {"bank": bank, "form": form, "tab": "verify"}
    if data is not None and form.is_valid():
        result = receipt_statement_by_code(
            form.cleaned_data["number"],
            form.cleaned_data["code"],
            viewer=request.user,
            address=request.META.get("REMOTE_ADDR"),
        )
        if result.statement is None:
            form.add_error(
                None,
                _(
                    "No receipt has this number and verification code. Check both; a receipt that "
                    "cannot be found may be forged."
                )
                if result.code == StatementCode.NOT_FOUND
                else result.message,
            )
        else:
            receipt = receipt_get_by_number(result.number)
            token, claims, invalid = _checked(result.statement)
            pledge = pledge_in_force_of([receipt.pk]).get(receipt.pk)
            context.update(
                {
                    "receipt": receipt,
                    "token": token,
                    "claims": claims,
                    "claim_rows": _flatten(claims),
                    "invalid": invalid,
                    "pledge": pledge,
                    "pledge_ours": pledge is not None and pledge.bank_id == bank.pk,
                }
            )
    return render(request, "bank/verify.html", context)


@with_bank
@require_safe
def applications(request, bank):
    loans = loan_list_for_bank(bank, statuses=[LoanStatus.APPLIED]).order_by("created_at", "id")[:SHOWN]
    rows = loan_row_list(loans)
    return render(
        request, "bank/applications.html", {"bank": bank, "rows": rows, "limit": SHOWN, "tab": "applications"}
    )


def _bank_loan(bank, number):
    return get_object_or_404(loan_list_for_bank(bank), number=number)


def _valuation_now(bank, collateral):
    """Today's value of the offered receipts at the reference prices, with the bank's terms per grade."""
    today = timezone.localdate()
    prices = valuation_prices({c.receipt.grade_id for c in collateral}, today)
    rows, total_value, total_after = [], 0, 0
    for item in collateral:
        terms = terms_for(bank, item.receipt.grade_id)
        price = prices.get(item.receipt.grade_id)
        value = market_value(item.quantity, price) if price is not None else None
        after = after_haircut(value, terms.haircut_percent) if value is not None else None
        rows.append({"collateral": item, "price": price, "value": value, "after": after, "terms": terms})
        total_value += value or 0
        total_after += after or 0
    return rows, total_value, total_after


@with_bank
@require_http_methods(["GET", "HEAD", "POST"])
def application(request, bank, number):
    loan = _bank_loan(bank, number)
    collateral = loan_collateral_list(loan)
    valued, total_value, total_after = _valuation_now(bank, collateral)
    first_terms = valued[0]["terms"] if valued else terms_for(bank, None)
    initial = {
        "principal": loan.amount_requested,
        "term_days": loan.term_days_requested,
        "haircut_percent": first_terms.haircut_percent,
        "max_ltv_percent": first_terms.max_ltv_percent,
        "warning_percent": first_terms.warning_percent,
        "liquidation_percent": first_terms.liquidation_percent,
    }
    action = request.POST.get("action") if request.method == "POST" else None
    approve_form = ApproveForm(request.POST if action == "approve" else None, initial=initial, prefix="approve")
    reject_form = RejectForm(request.POST if action == "reject" else None, prefix="reject")
    if action == "approve" and approve_form.is_valid():
        try:
            loan_approve(loan, bank=bank, actor=request.user, **approve_form.cleaned_data)
        except DomainError as exc:
            add_financing_errors(approve_form, exc)
        else:
            messages.success(
                request,
                _("Loan %(number)s approved: the receipts are pledged to your bank and frozen.")
                % {"number": loan.number},
            )
            return redirect("bank:loan", number=loan.number)
    elif action == "reject" and reject_form.is_valid():
        try:
            loan_reject(loan, bank=bank, reason=reject_form.cleaned_data["reason"], actor=request.user)
        except DomainError as exc:
            add_financing_errors(reject_form, exc)
        else:
            messages.success(
                request, _("Application %(number)s rejected; the trader is told the reason.") % {"number": loan.number}
            )
            return redirect("bank:applications")
    statements = []
    for item in collateral:
        token, claims, invalid = _statement(item.receipt, request.user)
        statements.append({"receipt": item.receipt, "token": token, "claim_rows": _flatten(claims), "invalid": invalid})
    ltv = loan_to_value(loan.amount_requested, total_after) if total_after else None
    return render(
        request,
        "bank/application.html",
        {
            "bank": bank,
            "loan": loan,
            "valued": valued,
            "total_value": total_value,
            "total_after": total_after,
            "requested_ltv": ltv,
            "statements": statements,
            "approve_form": approve_form,
            "reject_form": reject_form,
            "consented": _consented(loan.borrower, bank),
            "open": loan.status == LoanStatus.APPLIED,
            "tab": "applications",
        },
    )


def _consented(member, bank) -> bool:
    return credit_consent_in_force(member, bank) is not None


@with_bank
@require_safe
def loans(request, bank):
    status = request.GET.get("status") or ""
    if status not in LoanStatus.values:
        status = ""
    qs = loan_list_for_bank(bank, statuses=[status] if status else None).exclude(status=LoanStatus.APPLIED)
    rows = loan_row_list(qs.order_by("-id")[:SHOWN])
    return render(
        request,
        "bank/loans.html",
        {"bank": bank, "rows": rows, "limit": SHOWN, "status": status, "statuses": LoanStatus.choices, "tab": "loans"},
    )


@with_bank
@require_safe
def loan_page(request, bank, number):
    loan = _bank_loan(bank, number)
    today = timezone.localdate()
    valuations = loan_valuation_list(loan)
    chart = ltv_chart(
        valuations,
        limit=loan.max_ltv_percent,
        warning=loan.warning_percent,
        liquidation=loan.liquidation_percent,
        until=today,
        days=CHART_DAYS,
    )
    margin_calls = margin_call_list_for_loan(loan)
    open_call = next((call for call in margin_calls if call.status == "open"), None)
    last = valuations[-1] if valuations else None
    may_force = loan_forced_sale_may_start(loan) is not None
    return render(
        request,
        "bank/loan.html",
        {
            "bank": bank,
            "loan": loan,
            "debt": loan_debt(loan),
            "collateral": loan_collateral_list(loan),
            "chart": chart,
            "chart_days": CHART_DAYS,
            "valuations": valuations[-10:][::-1],
            "last": last,
            "ledger": loan_ledger_list(loan),
            "events": loan_events(loan),
            "margin_calls": margin_calls,
            "open_call": open_call,
            "forced_sales": forced_sale_list_for_loan(loan),
            "may_disburse": loan.status == LoanStatus.APPROVED,
            "may_force": may_force,
            "tab": "loans",
            "disputes": list(loan_disputes_of(loan)),
            "dispute_form": LoanDisputeForm(prefix="dispute"),
            "dispute_action": reverse("bank:loan_dispute", kwargs={"number": loan.number}),
        },
    )


@with_bank
@require_POST
def loan_dispute_view(request, bank, number):
    loan_dispute_posted(request, _bank_loan(bank, number))
    return redirect("bank:loan", number=number)


@with_bank
@require_POST
def loan_disburse_view(request, bank, number):
    loan = _bank_loan(bank, number)
    try:
        loan_disburse(loan, bank=bank, actor=request.user)
    except DomainError as exc:
        for message in financing_error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request, _("Loan %(number)s disbursed to the borrower's exchange funds.") % {"number": loan.number}
        )
    return redirect("bank:loan", number=loan.number)


@with_bank
@require_POST
def loan_forced_sale_view(request, bank, number):
    loan = _bank_loan(bank, number)
    try:
        loan_forced_sale_start(loan, bank=bank, actor=request.user)
    except DomainError as exc:
        for message in financing_error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Forced sale of loan %(number)s started: the pledged receipts are in a sale auction.")
            % {"number": loan.number},
        )
    return redirect("bank:loan", number=loan.number)


@with_bank
@require_safe
def margin_calls(request, bank):
    calls = list(margin_call_list_for_bank(bank)[:SHOWN])
    return render(
        request,
        "bank/margin_calls.html",
        {"bank": bank, "calls": calls, "limit": SHOWN, "now": timezone.now(), "tab": "margin_calls"},
    )


@with_bank
@require_safe
def forced_sales(request, bank):
    sales = list(forced_sale_list_for_bank(bank)[:SHOWN])
    return render(
        request, "bank/forced_sales.html", {"bank": bank, "sales": sales, "limit": SHOWN, "tab": "forced_sales"}
    )


@with_bank
@require_safe
def loans_export(request, bank):
    rows = loan_row_list(loan_list_for_bank(bank).order_by("id"))
    response = HttpResponse(bank_loans_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank.code}-loans-{timezone.localdate():%Y%m%d}.csv"'
    return response
