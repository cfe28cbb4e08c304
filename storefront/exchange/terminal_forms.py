"""Input parsing of the trader terminal: filled in and a number of the right shape. Every trading
rule (minimum pick, step, tick, limits, funds, credit matching, resale lock) lives in the services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.exchange.forms import NUMERIC, TONNES

PRICE = {"max_digits": 12, "decimal_places": 2, "min_value": 0}
AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


def tonnes(label, **kwargs):
    return forms.DecimalField(label=label, widget=forms.TextInput(attrs=NUMERIC), **TONNES, **kwargs)


def price(label, **kwargs):
    return forms.DecimalField(label=label, widget=forms.TextInput(attrs=NUMERIC), **PRICE, **kwargs)


class ReceiptChoiceField(forms.ModelChoiceField):
    """One of my receipts, shown by number, grade, tonnes and warehouse (the view gives the queryset)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, label=_("Receipt"), empty_label=_("Choose one of your receipts"), **kwargs)

    def label_from_instance(self, receipt):
        return f"{receipt.number} · {receipt.grade.name} · {receipt.quantity} t · {receipt.warehouse.name}"


class PickForm(forms.Form):
    quantity = tonnes(_("Tonnes to pick"))


class ListingCreateForm(forms.Form):
    receipt = ReceiptChoiceField()
    price = price(_("Price (yuan per tonne)"))
    min_pick = tonnes(_("Minimum pick (t)"), required=False, help_text=_("Leave empty for the grade's default."))
    step = tonnes(_("Step (t)"), required=False, help_text=_("Picks above the minimum go by this step."))

    def __init__(self, *args, receipts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].queryset = receipts


class WantedCreateForm(forms.Form):
    """A wanted (buy) listing: its deposit is frozen from available funds by the service."""

    grade = forms.ModelChoiceField(label=_("Grade"), queryset=None, empty_label=_("Choose a grade"))
    quantity = tonnes(_("Tonnes wanted"))
    price = price(_("Price (yuan per tonne)"))
    min_pick = tonnes(_("Minimum pick (t)"), required=False, help_text=_("Leave empty for the grade's default."))
    step = tonnes(_("Step (t)"), required=False, help_text=_("Picks above the minimum go by this step."))

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = grades


class WantedPickForm(forms.Form):
    """Sell into a wanted listing with one of my receipts of its grade; what is not sold stays mine."""

    receipt = ReceiptChoiceField()
    quantity = tonnes(_("Tonnes to sell"))

    def __init__(self, *args, receipts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].queryset = receipts


def moment(label, **kwargs):
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), **kwargs
    )


class SaleAuctionForm(forms.Form):
    """A sale auction (竞卖) of one whole receipt: one lot at the reserve price, or lots of a given size."""

    receipt = ReceiptChoiceField()
    reserve_price = price(_("Reserve price (yuan per tonne)"))
    lot_size = tonnes(
        _("Lot size (t)"),
        required=False,
        help_text=_("Split the receipt into lots of this size (the last lot takes the rest); leave empty for one lot."),
    )
    starts_at = moment(_("Starts at"), required=False, help_text=_("Leave empty to start now."))
    ends_at = moment(_("Ends at"))

    def clean_lot_size(self):
        size = self.cleaned_data.get("lot_size")
        if size is not None and size <= 0:
            raise forms.ValidationError(_("A lot needs more than 0 t."))
        return size

    def __init__(self, *args, receipts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].queryset = receipts


class ProcurementAuctionForm(forms.Form):
    """A procurement auction (竞买): sellers offer down from my ceiling price, and the deposit on the
    ceiling value is frozen from my available funds while it runs."""

    grade = forms.ModelChoiceField(label=_("Grade"), queryset=None, empty_label=_("Choose a grade"))
    quantity = tonnes(_("Tonnes wanted"))
    ceiling_price = price(_("Ceiling price (yuan per tonne)"))
    starts_at = moment(_("Starts at"), required=False, help_text=_("Leave empty to start now."))
    ends_at = moment(_("Ends at"))

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = grades


class SellRfqForm(forms.Form):
    """A selling request for quote (询价求售) of one of my receipts: buyers quote until it expires."""

    receipt = ReceiptChoiceField()
    expires_at = moment(_("Quotes until"))

    def __init__(self, *args, receipts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].queryset = receipts


class RfqOpenForm(forms.Form):
    """A buying request for quote (询价求购): sellers quote against it until it expires."""

    grade = forms.ModelChoiceField(label=_("Grade"), queryset=None, empty_label=_("Choose a grade"))
    quantity = tonnes(_("Tonnes wanted"))
    expires_at = moment(_("Quotes until"))

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = grades


class QuoteForm(forms.Form):
    price = price(_("Quote price (yuan per tonne)"))
    quantity = tonnes(_("Tonnes"))


class BidForm(forms.Form):
    lot = forms.ChoiceField(label=_("Lot"))
    price = price(_("Bid price (yuan per tonne)"))
    quantity = tonnes(_("Tonnes"))

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [(lot["lot_id"], lot["lot_id"]) for lot in lots]
        if len(lots) <= 1:
            self.fields["lot"].widget = forms.HiddenInput()
            self.fields["lot"].initial = lots[0]["lot_id"] if lots else "1"


class FundsRequestForm(forms.Form):
    """A deposit or withdrawal request; the token makes a double-sent form one request."""

    amount = forms.DecimalField(label=_("Amount (yuan)"), widget=forms.TextInput(attrs=NUMERIC), **AMOUNT)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    token = forms.CharField(widget=forms.HiddenInput(), max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class WithdrawalRequestForm(FundsRequestForm):
    """A withdrawal also carries the six-digit code texted to the trader's phone (issue 21)."""

    phone_code = forms.CharField(
        label=_("SMS code"),
        max_length=6,
        required=False,
        help_text=_("Press “Text me a code”: the code goes to your own mobile number."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "maxlength": "6"}
        ),
    )


class ListingSearchForm(forms.Form):
    """The board's search: words (commodity, grade, standard), guaranteed spec, warehouse, a price cap."""

    q = forms.CharField(required=False, max_length=64, label=_("Commodity or grade"))
    mgo_min = forms.DecimalField(
        required=False, min_value=0, max_value=100, max_digits=6, decimal_places=3, label=_("MgO at least (%)")
    )
    sio2_max = forms.DecimalField(
        required=False, min_value=0, max_value=100, max_digits=6, decimal_places=3, label=_("SiO2 at most (%)")
    )
    warehouse = forms.CharField(required=False, max_length=12, label=_("Warehouse code"))
    price_max = forms.DecimalField(
        required=False, min_value=0, max_value=10_000_000, max_digits=12, decimal_places=2, label=_("Price at most")
    )

    def searching(self) -> bool:
        return self.is_valid() and any(v not in (None, "") for v in self.cleaned_data.values())
