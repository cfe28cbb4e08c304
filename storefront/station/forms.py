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
