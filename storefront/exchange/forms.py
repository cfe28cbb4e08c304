"""Input parsing of the warehouse desk; every rule beyond "is it filled in and a number" (net =
gross − tare, grading, one receipt per ticket, tolerance) lives in the warehouses services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from magnesium_exchange.commodities.selectors import commodity_list
from magnesium_exchange.members.selectors import member_list_active

TONNES = {"max_digits": 14, "decimal_places": 3, "min_value": 0}
NUMERIC = {"inputmode": "decimal", "autocomplete": "off"}


def tonnes_field(label, **kwargs):
    return forms.DecimalField(label=label, widget=forms.TextInput(attrs=NUMERIC), **TONNES, **kwargs)


def assay_field(label):
    return forms.DecimalField(
        label=label, required=False, max_digits=8, decimal_places=3, widget=forms.TextInput(attrs=NUMERIC)
    )


class InboundTicketForm(forms.Form):
    commodity = forms.ModelChoiceField(
        label=_("Commodity"), queryset=commodity_list().order_by("id"), empty_label=_("Choose the commodity")
    )
    depositor = forms.ModelChoiceField(
        label=_("Depositor"), queryset=member_list_active(), empty_label=_("Choose the depositing member")
    )
    gross = tonnes_field(_("Gross weight (t)"))
    tare = tonnes_field(_("Tare (t)"))
    net = tonnes_field(_("Net weight (t)"), help_text=_("Gross weight minus tare."))
    mgo = assay_field(_("MgO %"))
    sio2 = assay_field(_("SiO2 %"))
    cao = assay_field(_("CaO %"))
    fe2o3 = assay_field(_("Fe2O3 %"))
    bulk_density = assay_field(_("Bulk density (g/cm³)"))
    grain_size = assay_field(_("Grain size (mm)"))
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=16, required=False)
    lot_no = forms.CharField(label=_("Lot number"), max_length=40, required=False)
    inspection_ref = forms.CharField(label=_("Inspection certificate"), max_length=60, required=False)
    number = forms.CharField(
        label=_("Weighbridge ticket number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number the ticket automatically."),
    )

    ASSAY_FIELDS = ("mgo", "sio2", "cao", "fe2o3", "bulk_density", "grain_size")

    def assay(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.ASSAY_FIELDS if self.cleaned_data.get(key) is not None}


class ReceiptIssueForm(forms.Form):
    packaging = forms.CharField(
        label=_("Packaging"), max_length=60, required=False, help_text=_("Such as 吨袋 (one-tonne bags).")
    )
    pieces = forms.IntegerField(label=_("Pieces"), min_value=0, required=False)
    marks = forms.CharField(label=_("Marks"), max_length=120, required=False)
    location = forms.CharField(label=_("Location (bay / stack)"), max_length=120, required=False)
    storage_until = forms.DateField(
        label=_("Stored until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    insured_value = forms.DecimalField(label=_("Insured value (yuan)"), max_digits=16, decimal_places=2, required=False)
    insurer = forms.CharField(label=_("Insurer"), max_length=120, required=False)
    insurance_policy_no = forms.CharField(label=_("Policy number"), max_length=60, required=False)
    insurance_until = forms.DateField(
        label=_("Insured until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class WithdrawForm(forms.Form):
    gross = tonnes_field(_("Gross weight (t)"))
    tare = tonnes_field(_("Tare (t)"))
    net = tonnes_field(_("Net weight (t)"), help_text=_("Gross weight minus tare."))
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=16, required=False)
    number = forms.CharField(
        label=_("Weighbridge ticket number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number the ticket automatically."),
    )
