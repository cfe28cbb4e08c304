"""Input parsing of the seller centre; every rule beyond "is it filled in and a number" lives in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from logistics.geography.selectors import town_list, village_list
from marketplace.catalog.models import WeightUnit
from marketplace.catalog.selectors import category_list, product_type_list
from marketplace.shops.models import ShopKind, ShopTrack

# Kinds a farmer or home seller may open here; suppliers and distributors join through the incubator.
OPEN_KINDS = [
    (kind.value, kind.label)
    for kind in (ShopKind.MICROSHOP, ShopKind.COOPERATIVE, ShopKind.STORE, ShopKind.SUPPLIER, ShopKind.DISTRIBUTOR)
]
NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


def village_choices():
    english = get_language() == "en"
    groups = [
        (
            f"{town.name} {town.name_en}" if english and town.name_en else town.name,
            [(village.pk, village.name) for village in town.villages.all()],
        )
        for town in town_list()
    ]
    return [("", _("Choose your village"))] + groups


def category_choices():
    """Categories in tree order, indented by level, so a seller sees 水果 › 梨 at a glance."""
    categories = list(category_list())
    children: dict = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered = []

    def walk(parent_id, depth):
        for category in children.get(parent_id, []):
            ordered.append((category.pk, "\u3000" * depth + category.name))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return [("", _("Choose a category"))] + ordered


class PickField(forms.ChoiceField):
    """A choice among rows listed by a callable (grouped or indented); cleans to the row, or None."""

    def __init__(self, queryset, choices, **kwargs):
        self.queryset = queryset
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        return self.queryset.filter(pk=pk).first() if pk else None


def village_field(label, **kwargs):
    return PickField(village_list(), village_choices, label=label, required=False, **kwargs)


class OpenShopForm(forms.Form):
    """The farmer light track (no business licence) in one form."""

    name = forms.CharField(label=_("Shop name"), max_length=120, help_text=_("What buyers see, such as 老李家果园."))
    kind = forms.ChoiceField(label=_("Kind of shop"), choices=OPEN_KINDS, initial=ShopKind.MICROSHOP)
    real_name = forms.CharField(label=_("Your real name"), max_length=64, help_text=_("As on your identity card."))
    id_number = forms.CharField(
        label=_("Identity card number"),
        max_length=24,
        widget=forms.TextInput(attrs=NO_AUTOFILL),
        help_text=_("18 characters; the last one may be X. We keep only its last four characters."),
    )
    payout_account_name = forms.CharField(
        label=_("Account holder"), max_length=64, help_text=_("Whose bank account receives your sales.")
    )
    payout_account_number = forms.CharField(
        label=_("Bank card or account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    payout_bank = forms.CharField(
        label=_("Bank"), max_length=64, required=False, help_text=_("Such as 农村信用社 or 邮储银行.")
    )
    village = village_field(_("Your village"))
    offers_delivery = forms.BooleanField(
        label=_("I can deliver orders myself"),
        required=False,
        help_text=_("Or add a pickup point later, where buyers collect their orders."),
    )
    accept_terms = forms.BooleanField(label=_("I accept the Meidu Market seller terms"), required=False)

    def service_kwargs(self) -> dict:
        return {**self.cleaned_data, "track": ShopTrack.FARMER_LIGHT}


class ShopSettingsForm(forms.Form):
    description = forms.CharField(label=_("About your shop"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    offers_delivery = forms.BooleanField(label=_("I can deliver orders myself"), required=False)
    accept_terms = forms.BooleanField(label=_("I accept the Meidu Market seller terms"), required=False)


class ProductForm(forms.Form):
    """One product with one variant and its price in the rural channel; the type is fixed once created."""

    name = forms.CharField(label=_("Product name"), max_length=200, help_text=_("Such as 南果梨 or 笨猪肉."))
    product_type = forms.ModelChoiceField(label=_("Type"), queryset=product_type_list(), empty_label=None)
    category = PickField(category_list(), category_choices, label=_("Category"), required=False)
    origin_village = village_field(_("Village of origin"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    price = forms.DecimalField(
        label=_("Price (yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        help_text=_("For produce sold by weight: the price of one unit below."),
    )
    weight_unit = forms.ChoiceField(
        label=_("Unit for produce sold by weight"), choices=WeightUnit.choices, initial=WeightUnit.JIN
    )
    sku = forms.CharField(
        label=_("SKU"),
        max_length=64,
        required=False,
        help_text=_("Your own code for this item. Leave empty and we make one."),
    )
    photo = forms.FileField(
        label=_("Add a photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Take it with your phone camera, in daylight. JPEG, PNG or WebP."),
    )
    publish = forms.BooleanField(
        label=_("Publish: buyers can find it once the shop is open"), required=False, initial=True
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is not None:
            del self.fields["product_type"]


class WarehouseForm(forms.Form):
    name = forms.CharField(label=_("Warehouse name"), max_length=120, initial=_("Home storage"))
    village = village_field(_("Village"))
    street_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    is_pickup_point = forms.BooleanField(label=_("Buyers may collect orders here (pickup point)"), required=False)


class StockForm(forms.Form):
    """One counted quantity per variant and warehouse; only the cells that changed are saved."""

    def __init__(self, *args, variants, warehouses, stocks: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.warehouses = warehouses
        self.cells = {}
        self.table = []
        for variant in variants:
            row = []
            for warehouse in warehouses:
                name = f"q_{variant.pk}_{warehouse.pk}"
                stock = stocks.get((variant.pk, warehouse.pk))
                self.fields[name] = forms.IntegerField(
                    label=warehouse.name,
                    min_value=0,
                    required=False,
                    initial=stock.quantity if stock else 0,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
                self.cells[name] = (variant, warehouse)
                row.append(name)
            self.table.append((variant, row))

    def rows(self):
        return [(variant, [self[name] for name in names]) for variant, names in self.table]

    def changes(self):
        """(field name, variant, warehouse, quantity) of the cells the seller changed."""
        for name in self.changed_data:
            quantity = self.cleaned_data.get(name)
            if quantity is not None:
                yield (name, *self.cells[name], quantity)
