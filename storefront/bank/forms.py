"""Input parsing of the bank portal: filled in and of the right shape (finite decimals, bounded
lengths). Every lending rule (lines, loan-to-value, states, ownership) lives in the financing services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.exchange.forms import NUMERIC

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
PERCENT = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


def decimal(label, options, **kwargs):
    return forms.DecimalField(label=label, widget=forms.TextInput(attrs=NUMERIC), **options, **kwargs)


class VerifyForm(forms.Form):
    """A receipt number and the verification code printed on it (or read from its QR)."""

    number = forms.CharField(
        label=_("Receipt number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper().replace(" ", "").replace("-", "")


class ApproveForm(forms.Form):
    """The terms the bank lends on; the lines come preset from the bank's financing rule for the grade."""

    principal = decimal(_("Principal (yuan)"), AMOUNT)
    annual_rate_percent = forms.DecimalField(
        label=_("Annual rate (%)"),
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    term_days = forms.IntegerField(
        label=_("Term (days)"), min_value=1, max_value=3650, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    haircut_percent = decimal(_("Haircut (%)"), PERCENT)
    max_ltv_percent = decimal(_("Loan-to-value limit (%)"), PERCENT)
    warning_percent = decimal(_("Warning line (%)"), PERCENT)
    liquidation_percent = decimal(_("Liquidation line (%)"), PERCENT)
    registry_filing_no = forms.CharField(
        label=_("Registry filing number (中登网)"),
        max_length=40,
        required=False,
        help_text=_("The national movable-property registry's filing of this pledge."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}))
