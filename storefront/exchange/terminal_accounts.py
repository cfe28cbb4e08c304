"""My trades and settlements (交收: pay the balance, the contract PDF) and my funds (deposit and
withdrawal requests, their history). Each action calls one settlement or members service."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from magnesium_exchange.members.models import FundsRequestKind
from magnesium_exchange.members.selectors import funds_request_list_for_member, member_balances
from magnesium_exchange.members.services import funds_deposit_request, funds_withdraw_request_by_code
from magnesium_exchange.settlement.models import SettlementStatus
from magnesium_exchange.settlement.selectors import settlement_list_for_member
from magnesium_exchange.settlement.services import settlement_pay
from magnesium_exchange.trading.contracts import contract_pdf
from magnesium_exchange.trading.selectors import contract_get_by_number
from meidu.accounts.models import PhoneCodePurpose
from meidu.accounts.selectors import sms_outbox_latest
from meidu.accounts.services.phone_codes import phone_code_request
from meidu.core.errors import DomainError
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_errors import add_terminal_errors, error_messages
from storefront.exchange.terminal_forms import FundsRequestForm, WithdrawalRequestForm

SETTLEMENTS_SHOWN = 200
REQUESTS_SHOWN = 50


@with_trader
@require_safe
def trades_page(request, trader):
    member = trader.member
    rows = []
    for settlement in settlement_list_for_member(member, with_contract=True)[:SETTLEMENTS_SHOWN]:
        buying = settlement.buyer_id == member.pk
        rows.append(
            {
                "settlement": settlement,
                "trade": settlement.trade,
                "buying": buying,
                "counterparty": settlement.seller if buying else settlement.buyer,
                "contract": getattr(settlement.trade, "contract", None),
                "payable": buying and settlement.status == SettlementStatus.PENDING,
            }
        )
    return render(
        request,
        "exchange/terminal/trades.html",
        {
            "trader": trader,
            "member": member,
            "rows": rows,
            "limit": SETTLEMENTS_SHOWN,
            "now": timezone.now(),
            "funds": member_balances(member),
            "tab": "trades",
        },
    )


@with_trader
@require_POST
def settlement_pay_view(request, trader, pk):
    settlement = get_object_or_404(settlement_list_for_member(trader.member), pk=pk)
    if granted(request, trader, "can_settle"):
        try:
            paid = settlement_pay(settlement, member=trader.member, actor=request.user)
        except DomainError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Settlement paid: receipts %(receipts)s are now your member's.")
                % {"receipts": "、".join(paid.delivered_receipts) or "—"},
            )
    return redirect("exchange:terminal_trades")


@with_trader
@require_safe
def contract_pdf_download(request, trader, number):
    contract = contract_get_by_number(number)
    if contract is None or trader.member_id not in (contract.trade.buyer_id, contract.trade.seller_id):
        raise Http404  # do not tell others whose contract this is
    response = HttpResponse(contract_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contract-{contract.number}.pdf"'
    return response


FORMS = {FundsRequestKind.DEPOSIT: FundsRequestForm, FundsRequestKind.WITHDRAWAL: WithdrawalRequestForm}


def _request(request, kind: str, member, data: dict):
    """One funds request by the form's kind: a withdrawal is confirmed by the trader's phone code."""
    common = {"actor": request.user, "idempotency_key": f"terminal:{data['token']}", "note": data["note"]}
    if kind == FundsRequestKind.DEPOSIT:
        return funds_deposit_request(member, data["amount"], **common)
    return funds_withdraw_request_by_code(
        member, data["amount"], phone_code=data["phone_code"], ip_address=request.META.get("REMOTE_ADDR"), **common
    )


def _send_withdrawal_code(request, form) -> None:
    """The withdrawal form's "Text me a code" button: a code to the signed-in trader's own phone."""
    try:
        phone_code_request(
            None, PhoneCodePurpose.WITHDRAWAL, user=request.user, ip_address=request.META.get("REMOTE_ADDR")
        )
    except DomainError as exc:
        add_terminal_errors(form, exc, {"phone": "phone_code"})
    else:
        messages.info(
            request,
            _("A six-digit code was texted to %(phone)s; enter it to confirm the withdrawal.")
            % {"phone": request.user.masked_phone},
        )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def funds_page(request, trader):
    member = trader.member
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms = {k: FORMS[k](request.POST if kind == k else None, prefix=k) for k in FORMS}
    if kind in FORMS and granted(request, trader, "can_manage_funds"):
        form = forms[kind]
        if kind == FundsRequestKind.WITHDRAWAL and request.POST.get("action") == "send":
            form.is_valid()  # keep what was typed; sending a code needs none of it
            form.errors.clear()
            _send_withdrawal_code(request, form)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                funds_request = _request(request, kind, member, data)
            except DomainError as exc:
                add_terminal_errors(form, exc, {"phoneCode": "phone_code"})
            else:
                if kind == FundsRequestKind.DEPOSIT:
                    messages.success(
                        request,
                        _(
                            "Deposit of %(amount)s yuan announced: it is credited once the settlement "
                            "bank confirms the transfer."
                        )
                        % {"amount": funds_request.amount},
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Withdrawal of %(amount)s yuan requested: the amount is frozen until the "
                            "settlement bank pays it out."
                        )
                        % {"amount": funds_request.amount},
                    )
                return redirect("exchange:terminal_funds")
    return render(
        request,
        "exchange/terminal/funds.html",
        {
            "trader": trader,
            "member": member,
            "funds": member_balances(member),
            "deposit_form": forms[FundsRequestKind.DEPOSIT],
            "withdraw_form": forms[FundsRequestKind.WITHDRAWAL],
            "requests": list(funds_request_list_for_member(member)[:REQUESTS_SHOWN]),
            "demo_sms": sms_outbox_latest(request.user.phone or ""),
            "tab": "funds",
        },
    )
