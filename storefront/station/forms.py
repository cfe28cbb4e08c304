"""The counter form: which pickup point, the buyer's code, and whether cash was taken."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PickupForm(forms.Form):
    point = forms.ChoiceField(label=_("Pickup point"))
    code = forms.CharField(
        label=_("Pickup code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "code-input", "pattern": "[0-9]*"}
        ),
        help_text=_("The six digits the buyer shows you."),
    )
    cash_collected = forms.BooleanField(
        label=_("Cash collected"),
        required=False,
        help_text=_("Tick when the buyer paid in cash (cash on delivery) at the counter."),
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = {str(point.pk): point for point in points}
        self.fields["point"].choices = [(str(point.pk), point.name) for point in points]
        if len(points) == 1:
            self.fields["point"].initial = str(points[0].pk)
            self.fields["point"].widget = forms.HiddenInput()

    def clean_point(self):
        return self.points[self.cleaned_data["point"]]


class AssistedStartForm(forms.Form):
    """The agent types the villager's mobile number (which station, when the agent serves several)."""

    point = forms.ChoiceField(label=_("Station"))
    phone = forms.CharField(
        label=_("Villager's mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("The order will be theirs; they confirm it with a code texted to this number."),
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = {str(point.pk): point for point in points}
        self.fields["point"].choices = [(str(point.pk), point.name) for point in points]
        if len(points) == 1:
            self.fields["point"].initial = str(points[0].pk)
            self.fields["point"].widget = forms.HiddenInput()

    def clean_point(self):
        return self.points[self.cleaned_data["point"]]


class AssistedLineForm(forms.Form):
    variant = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=9999)


class AssistedDeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Delivery"),
        widget=forms.RadioSelect,
        choices=[("station", _("Pickup at my station")), ("village", _("Delivery to the villager's village"))],
    )
    village = forms.TypedChoiceField(label=_("Village"), coerce=int, required=False, empty_value=None)
    recipient = forms.CharField(label=_("Recipient"), max_length=30, required=False)
    detail = forms.CharField(label=_("Group and house number"), max_length=60, required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—")] + [
            (village.pk, f"{village.town.name}{village.name}") for village in villages
        ]


class AssistedCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code the villager reads out"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input", "pattern": "[0-9]*"}
        ),
    )


class AssistedSignatureForm(forms.Form):
    signed_name = forms.CharField(label=_("Name as the villager signed"), max_length=30)
    attested = forms.BooleanField(
        label=_("I saw the villager sign the order form at the counter"),
        required=True,
    )
