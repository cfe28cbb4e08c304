"""The bank portal's credit report page: an officer looks a member up by its unified social credit code (or
picks one of the members that consented to the bank) and reads its credit report with the signed
statement. Reading calls ``credit_report_read`` (recorded and audited), so it is a POST; without the
member's consent for the officer's own bank the page says so and nothing is written.

Mounted by the bank portal: ``storefront/bank/urls.py`` includes ``credit_urlpatterns`` (``credit/``)."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from magnesium_exchange.credit.selectors import credit_consent_list_for_bank, credit_member_by_code
from magnesium_exchange.credit.services import credit_report_read
from magnesium_exchange.financing.selectors import bank_of_actor
from meidu.core.errors import DomainError
from meidu.core.permissions import ExchangePermissions

CONSENTS_SHOWN = 100

MESSAGES = {
    "no_consent": _(
        "This member has not consented to your bank reading its credit report (or has withdrawn its consent)."
    ),
    "not_your_bank": _("You may read credit reports only for your own bank."),
    "bank_not_active": _("Your bank is not active on the exchange."),
}


class CreditLookupForm(forms.Form):
    credit_code = forms.CharField(
        label=pgettext_lazy("credit report", "Unified social credit code"),
        max_length=18,
        min_length=18,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "latin"}
        ),
    )

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].replace(" ", "").upper()
        if not code.isalnum():
            raise forms.ValidationError(_("A unified social credit code has 18 letters and digits."))
        return code


def with_bank(view):
    """The view receives the caller's bank: an active officer of a bank holding BANK_LENDING; others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        bank = bank_of_actor(request.user) if request.user.has_perm(ExchangePermissions.BANK_LENDING.value) else None
        if bank is None or not bank.is_active:
            raise PermissionDenied("Only officers of a lending bank read credit reports")
        return view(request, bank, *args, **kwargs)

    return wrapper


@with_bank
@require_http_methods(["GET", "HEAD", "POST"])
def credit_report_page(request, bank):
    form = CreditLookupForm(request.POST if request.method == "POST" else None)
    report = statement = None
    member = None
    if request.method == "POST" and form.is_valid():
        member = credit_member_by_code(form.cleaned_data["credit_code"])
        if member is None:
            form.add_error("credit_code", _("No exchange member has this credit code."))
        else:
            try:
                report, statement = credit_report_read(
                    member=member, bank=bank, actor=request.user, ip_address=request.META.get("REMOTE_ADDR")
                )
            except DomainError as exc:
                for error in exc.as_list():
                    messages.error(request, str(MESSAGES.get(error.code, error.message)))
    consents = list(credit_consent_list_for_bank(bank, in_force=True)[:CONSENTS_SHOWN])
    return render(
        request,
        "bank/credit_report.html",
        {
            "bank": bank,
            "form": form,
            "member": member,
            "report": report,
            "statement": statement,
            "consents": consents,
            "consents_limit": CONSENTS_SHOWN,
        },
    )


credit_urlpatterns = [
    path("credit/", credit_report_page, name="credit_report"),
]
