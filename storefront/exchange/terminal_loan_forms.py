"""Input parsing of the trader's loan pages: filled in and of the right shape. Which receipts may be
pledged, how much may be borrowed or released, lives in the financing services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from storefront.exchange.forms import NUMERIC
from storefront.exchange.terminal_forms import AMOUNT


class ReceiptsField(forms.ModelMultipleChoiceField):
    """Some of my receipts, ticked in a list (the view gives the queryset)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, label=_("Receipts"), **kwargs):
        super().__init__(queryset=None, label=label, **kwargs)

    def label_from_instance(self, receipt):
        return f"{receipt.number} · {receipt.grade.name} · {receipt.quantity} t · {receipt.warehouse.name}"


class LoanApplyForm(forms.Form):
    bank = forms.ModelChoiceField(label=pgettext_lazy("lender", "Bank"), queryset=None, empty_label=_("Choose a bank"))
    receipts = ReceiptsField(_("Receipts to pledge"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), widget=forms.TextInput(attrs=NUMERIC), **AMOUNT)
    term_days = forms.IntegerField(
        label=_("Term (days)"),
        min_value=1,
        max_value=3650,
        initial=90,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=255, required=False)

    def __init__(self, *args, banks, receipts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks
        self.fields["receipts"].queryset = receipts


class RepayForm(forms.Form):
    """A repayment from available funds; the token makes a double-sent form one repayment."""

    amount = forms.DecimalField(label=_("Amount to repay (yuan)"), widget=forms.TextInput(attrs=NUMERIC), **AMOUNT)
    token = forms.CharField(widget=forms.HiddenInput(), max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class CollateralForm(forms.Form):
    receipts = ReceiptsField()

    def __init__(self, *args, receipts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipts"].queryset = receipts
