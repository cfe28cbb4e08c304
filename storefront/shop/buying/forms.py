"""Input parsing of the buying pages; every rule beyond "is it filled in and a number" lives in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from logistics.geography.selectors import village_list
from marketplace.complaints.models import ComplaintCategory
from meidu.accounts.addresses import PROVINCES
from storefront.seller.forms import PickField, village_choices

HOME_PROVINCE, HOME_CITY, HOME_COUNTY = "辽宁省", "营口市", "大石桥市"
NUMBER = {"inputmode": "numeric", "pattern": "[0-9]*"}


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=999, initial=1, widget=forms.NumberInput(attrs={**NUMBER, "min": 1})
    )


class QuantityForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=999, required=False)


class AddressForm(forms.Form):
    """A Chinese delivery address, largest unit first; the village links it to village delivery."""

    recipient = forms.CharField(
        label=_("Recipient"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[(name, name) for name in PROVINCES], initial=HOME_PROVINCE
    )
    city = forms.CharField(label=_("City"), max_length=64, initial=HOME_CITY)
    county = forms.CharField(label=_("County or district"), max_length=64, initial=HOME_COUNTY)
    village = PickField(
        village_list(),
        village_choices,
        label=_("Town and village"),
        required=False,
        help_text=_("In our county? Choose your village, so the village delivery can bring it."),
    )
    street = forms.CharField(
        label=_("Street, group and house number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=6, required=False, widget=forms.TextInput(attrs=NUMBER)
    )

    @classmethod
    def initial_from(cls, address=None, user=None) -> dict:
        if address is not None:
            street = address.street_address_1
            village = address.village
            prefix = f"{village.town.name}{village.name}" if village else ""
            return {
                "recipient": address.recipient,
                "phone": address.phone,
                "province": address.country_area,
                "city": address.city,
                "county": address.city_area,
                "village": address.village_id,
                "street": street[len(prefix) :] if prefix and street.startswith(prefix) else street,
                "postal_code": address.postal_code,
            }
        if user is not None:
            return {"recipient": f"{user.last_name}{user.first_name}", "phone": user.phone or ""}
        return {}

    def address_data(self) -> dict:
        """The cleaned form in the address service's shape (meidu.accounts.addresses.address_clean)."""
        data = self.cleaned_data
        village = data.get("village")
        street = data["street"].strip()
        if village is not None:
            prefix = f"{village.town.name}{village.name}"
            if not street.replace(" ", "").startswith(prefix):
                street = prefix + street
        return {
            "first_name": data["recipient"],
            "last_name": "",
            "phone": data["phone"],
            "country_area": data["province"],
            "city": data["city"],
            "city_area": data["county"],
            "street_address_1": street,
            "postal_code": data.get("postal_code") or "",
            "country": "CN",
            "village_id": village.pk if village else None,
        }


class PlaceOrderForm(forms.Form):
    """One delivery choice per shop that ships goods, and the payment method."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    attempt = forms.CharField(max_length=64, widget=forms.HiddenInput)
    expected_total = forms.DecimalField(max_digits=12, decimal_places=2, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, delivery_options: dict, gateways: list, **kwargs):
        """``delivery_options``: shop id -> [(value, label)]; ``gateways``: [(id, label)]."""
        super().__init__(*args, **kwargs)
        self.shop_ids = list(delivery_options)
        for shop_id, options in delivery_options.items():
            self.fields[f"delivery_{shop_id}"] = forms.ChoiceField(
                label=_("Delivery"),
                choices=options,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how this shop delivers your order.")},
            )
        self.fields["payment"] = forms.ChoiceField(
            label=_("Payment"),
            choices=gateways,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose how you pay.")},
        )

    def delivery_field(self, shop_id: int):
        return self[f"delivery_{shop_id}"]

    def delivery_choices(self) -> dict[int, str]:
        return {shop_id: self.cleaned_data[f"delivery_{shop_id}"] for shop_id in self.shop_ids}


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked by the complaints service (process_image)."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What went wrong?"), choices=ComplaintCategory.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Tell the shop what happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you received, what was wrong, what you would like (refund, replacement)."),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        widget=PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Up to 4 photos of the problem (JPEG, PNG or WebP). Your location is removed from them."),
    )


class ComplaintRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was it handled?"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
