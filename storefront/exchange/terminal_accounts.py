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
from magnesium_exchange.members.services import funds_deposit_request, funds_withdraw_request
from magnesium_exchange.settlement.models import SettlementStatus
from magnesium_exchange.settlement.selectors import settlement_list_for_member
from magnesium_exchange.settlement.services import settlement_pay
from magnesium_exchange.trading.contracts import contract_pdf
from magnesium_exchange.trading.selectors import contract_get_by_number
from meidu.core.errors import DomainError
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_errors import add_terminal_errors, error_messages
from storefront.exchange.terminal_forms import FundsRequestForm

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


SERVICES = {FundsRequestKind.DEPOSIT: funds_deposit_request, FundsRequestKind.WITHDRAWAL: funds_withdraw_request}


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def funds_page(request, trader):
    member = trader.member
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms = {k: FundsRequestForm(request.POST if kind == k else None, prefix=k) for k in SERVICES}
    if kind in SERVICES and granted(request, trader, "can_manage_funds") and forms[kind].is_valid():
        form = forms[kind]
        data = form.cleaned_data
        try:
            funds_request = SERVICES[kind](
                member,
                data["amount"],
                actor=request.user,
                idempotency_key=f"terminal:{data['token']}",
                note=data["note"],
            )
        except DomainError as exc:
            add_terminal_errors(form, exc)
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
            "tab": "funds",
        },
    )
