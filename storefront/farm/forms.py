"""Forms of the farm pages: they only shape input; every rule is the services' (which refuse with a
FarmInfoErrorCode shown on the field it names)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incubator.posts.models import PostSide, QuantityUnit
from incubator.prices.models import AlertDirection, Grade, PriceUnit

# form field -> the service's field name (camelCase, as the API reports it)
SERVICE_FIELDS = {
    "priceWish": "price_wish",
    "priceUnit": "price_unit",
    "quantityUnit": "quantity_unit",
    "windowStart": "window_start",
    "windowEnd": "window_end",
    "contactName": "contact_name",
    "contactPhone": "contact_phone",
    "onBehalfOf": "on_behalf_of",
}


def form_field(service_field: str | None) -> str | None:
    return SERVICE_FIELDS.get(service_field or "", service_field)


class DateInput(forms.DateInput):
    """A native date picker: its value must be ISO (YYYY-MM-DD) whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AlertForm(forms.Form):
    item = forms.ChoiceField(label=_("Produce"))
    direction = forms.ChoiceField(label=_("Tell me when the price"), choices=AlertDirection.choices)
    threshold = forms.CharField(label=_("Price"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    unit = forms.ChoiceField(label=_("Unit"), choices=PriceUnit.choices)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(item.code, item.name) for item in items]


class ObservationForm(forms.Form):
    item = forms.ChoiceField(label=_("Produce"))
    market = forms.ChoiceField(label=_("Market"))
    day = forms.DateField(label=_("Day"), widget=DateInput())
    price = forms.CharField(label=_("Price"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    unit = forms.ChoiceField(label=_("Unit"), choices=PriceUnit.choices)
    grade = forms.ChoiceField(label=pgettext_lazy("produce", "Grade"), choices=Grade.choices, required=False)
    confirm = forms.BooleanField(
        label=_("The price is right although it is far from the recent median"), required=False
    )

    def __init__(self, *args, items, markets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(item.code, item.name) for item in items]
        self.fields["market"].choices = [(m.code, m.name) for m in markets if m.kind != "platform"]
        self.fields["day"].initial = timezone.localdate()


class PostForm(forms.Form):
    side = forms.ChoiceField(label=_("I want to"), choices=[(PostSide.SUPPLY, _("Sell")), (PostSide.DEMAND, _("Buy"))])
    item = forms.CharField(label=_("Produce"), max_length=32, help_text=_("For example 南果梨, 玉米 or 苞米."))
    quantity = forms.CharField(
        label=_("Quantity"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    quantity_unit = forms.ChoiceField(label=_("Quantity unit"), choices=QuantityUnit.choices)
    price_wish = forms.CharField(
        label=_("Price wish"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    price_unit = forms.ChoiceField(label=_("Price unit"), choices=PriceUnit.choices, required=False)
    grade = forms.ChoiceField(label=pgettext_lazy("produce", "Grade"), choices=Grade.choices, required=False)
    village = forms.ChoiceField(label=_("Village"))
    window_start = forms.DateField(label=_("From"), widget=DateInput())
    window_end = forms.DateField(label=_("Until"), widget=DateInput())
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=16, required=False)
    on_behalf_of = forms.CharField(
        label=_("Posting for (villager's name)"),
        max_length=32,
        required=False,
        help_text=_("Village information officers: the villager you post for."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, villages, for_villagers: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {str(v.pk): v for v in villages}
        self.fields["village"].choices = [(str(v.pk), f"{v.town.name} {v.name}") for v in villages]
        today = timezone.localdate()
        self.fields["window_start"].initial = today
        self.fields["window_end"].initial = today + dt.timedelta(days=30)
        if not for_villagers:
            del self.fields["on_behalf_of"]

    def clean_village(self):
        return self.villages[self.cleaned_data["village"]]
