"""Input parsing of bulk freight on the terminal and the warehouse desk: filled in and of the right
shape. Every freight rule (plate format, capacity, window, custody of the receipts) lives in
magnesium_exchange.warehouses.services.freight."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from storefront.exchange.forms import NUMERIC, TONNES
from storefront.exchange.terminal_forms import ReceiptChoiceField

PLATE_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "placeholder": "辽H·12345"}


class SlotChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, label=_("Time slot"), empty_label=_("Choose a time slot"), **kwargs)

    def label_from_instance(self, slot):
        return _("%(date)s %(start)s-%(end)s · %(warehouse)s · %(trucks)d trucks, %(tonnes)s t free") % {
            "date": formats.date_format(slot.date, "Y-m-d"),
            "start": f"{slot.start_time:%H:%M}",
            "end": f"{slot.end_time:%H:%M}",
            "warehouse": slot.warehouse.name,
            "trucks": slot.free_trucks,
            "tonnes": slot.free_tonnes,
        }


class TruckBookForm(forms.Form):
    receipt = ReceiptChoiceField()
    slot = SlotChoiceField()
    plate = forms.CharField(label=_("Truck plate"), max_length=32, widget=forms.TextInput(attrs=PLATE_ATTRS))
    driver_name = forms.CharField(label=_("Driver's name"), max_length=40)
    driver_phone = forms.CharField(
        label=_("Driver's mobile"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args, receipts, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].queryset = receipts
        self.fields["slot"].queryset = slots


class TruckArriveForm(forms.Form):
    plate = forms.CharField(label=_("Truck plate"), max_length=32, widget=forms.TextInput(attrs=PLATE_ATTRS))


class SlotsPublishForm(forms.Form):
    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(
        label=_("First slot starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(label=_("Last slot ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    length_minutes = forms.IntegerField(
        label=_("Minutes per slot"), min_value=15, max_value=720, widget=forms.NumberInput(attrs=NUMERIC)
    )
    capacity_trucks = forms.IntegerField(
        label=_("Trucks per slot"), min_value=1, max_value=500, widget=forms.NumberInput(attrs=NUMERIC)
    )
    capacity_tonnes = forms.DecimalField(label=_("Tonnes per slot"), widget=forms.TextInput(attrs=NUMERIC), **TONNES)
