"""The seller's fulfilment form: units per line, the weighed weight of by-weight lines, the tracking number.
How the parcel travels is the buyer's choice (order_by_county_run), shown on the page, not asked."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.shop.pricing import weight_unit_name


class FulfilForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        required=False,
        help_text=_("From the carrier's label. Leave empty for the county delivery run or pickup."),
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_lines = [line for line in order.lines.all() if line.quantity_fulfilled < line.quantity]
        for line in self.order_lines:
            remaining = line.quantity - line.quantity_fulfilled
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                label=_("Units to send"),
                min_value=0,
                max_value=remaining,
                initial=remaining,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            if line.sold_by_weight:
                self.fields[f"weight_{line.pk}"] = forms.DecimalField(
                    label=_("Weighed (%(unit)s)") % {"unit": weight_unit_name(line.weight_unit or "jin")},
                    min_value=Decimal("0.001"),
                    max_digits=10,
                    decimal_places=3,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.001"}),
                    help_text=_("Ordered %(quantity)s; the buyer pays for what you weigh, at most the estimate.")
                    % {"quantity": line.quantity},
                )

    def rows(self):
        for line in self.order_lines:
            weight = self[f"weight_{line.pk}"] if line.sold_by_weight else None
            yield line, self[f"qty_{line.pk}"], weight

    def clean(self):
        data = super().clean()
        if self.order_lines and not any(data.get(f"qty_{line.pk}") for line in self.order_lines):
            raise forms.ValidationError(_("Send at least one unit."))
        return data

    def service_lines(self) -> list[tuple]:
        """[(OrderLine, quantity, actual weight or None)] for order_fulfill."""
        data = self.cleaned_data
        return [
            (line, data[f"qty_{line.pk}"], data.get(f"weight_{line.pk}"))
            for line in self.order_lines
            if data.get(f"qty_{line.pk}")
        ]
