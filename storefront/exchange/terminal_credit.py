"""The trader's credit page: which banks may read the member's credit report (grant or withdraw consent per
bank), who read it and when, and the report as a consented bank sees it. Each action calls one credit
service; refusals come back as messages and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from magnesium_exchange.credit.selectors import (
    bank_get_active,
    bank_list_active,
    credit_consent_list_for_member,
    credit_report_build,
    credit_report_read_list_for_member,
)
from magnesium_exchange.credit.services import credit_consent_grant, credit_consent_revoke
from meidu.core.errors import DomainError
from storefront.exchange.terminal_access import with_trader

READS_SHOWN = 50

MESSAGES = {
    "already_granted": gettext_lazy("This bank already has your member's consent."),
    "not_granted": gettext_lazy("This bank has no consent of your member in force."),
    "not_your_member": gettext_lazy("Only a trader of this member may give or withdraw its consent."),
    "bank_not_active": gettext_lazy("This bank is not active on the exchange."),
}


def reader_label(read) -> str:
    """Who read: the bank's App by name, or the officer by name (or masked mobile)."""
    if read.reader_app_id:
        return _("%(app)s (bank system)") % {"app": read.reader_app.name}
    user = read.reader_user
    if user is None:
        return "—"
    name = f"{user.last_name}{user.first_name}".strip()  # Chinese order, as User.display_name
    return name or user.masked_phone or _("Bank officer")


def _bank(code: str):
    bank = bank_get_active(code)
    if bank is None:
        raise Http404
    return bank


def _refused(request, exc: DomainError) -> None:
    for error in exc.as_list():
        messages.error(request, str(MESSAGES.get(error.code, error.message)))


@with_trader
@require_safe
def credit_page(request, trader):
    member = trader.member
    consents = list(credit_consent_list_for_member(member))
    in_force = {c.bank_id: c for c in consents if c.revoked_at is None}
    banks = [{"bank": bank, "consent": in_force.get(bank.pk)} for bank in bank_list_active()]
    reads = [
        {"read": read, "reader": reader_label(read)}
        for read in credit_report_read_list_for_member(member)[:READS_SHOWN]
    ]
    return render(
        request,
        "exchange/terminal/credit.html",
        {
            "trader": trader,
            "member": member,
            "banks": banks,
            "consents": consents,
            "reads": reads,
            "reads_limit": READS_SHOWN,
            "report": credit_report_build(member),
            "tab": "credit",
        },
    )


@with_trader
@require_POST
def credit_consent_grant_view(request, trader, code):
    bank = _bank(code)
    try:
        credit_consent_grant(member=trader.member, bank=bank, actor=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(bank)s may now read your member's credit report. You can withdraw this at any time.")
            % {"bank": bank.name},
        )
    return redirect("exchange:terminal_credit")


@with_trader
@require_POST
def credit_consent_revoke_view(request, trader, code):
    bank = _bank(code)
    try:
        credit_consent_revoke(member=trader.member, bank=bank, actor=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Consent withdrawn: %(bank)s can no longer read your member's credit report.") % {"bank": bank.name},
        )
    return redirect("exchange:terminal_credit")
