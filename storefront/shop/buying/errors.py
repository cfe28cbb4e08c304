"""The buying pages' refusals in the reader's language, by the services' error codes.

Checkout, payment and address services speak English to API clients; these pages
translate by (code, field), then by code. A code missing here shows the service's own
message: add it here when a new refusal appears.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from meidu.core.errors import DomainError

MESSAGES = {
    ("insufficient_stock", None): _(
        "Not enough left in stock for this quantity. Lower the quantity or remove the item."
    ),
    ("unavailable_variant_in_channel", None): _("This item has no price here and cannot be bought now."),
    ("product_not_published", None): _(
        "This item is no longer on sale (or its shop is closed). Remove it from your cart."
    ),
    ("product_unavailable_for_purchase", None): _("This item cannot be bought yet."),
    ("quantity_greater_than_limit", None): _("That is more than one buyer may order of this item."),
    ("zero_quantity", None): _("Enter a quantity of at least 1."),
    ("shipping_method_not_applicable", None): _(
        "This delivery does not reach your address or cannot carry this weight. Choose another one."
    ),
    ("delivery_method_not_applicable", None): _(
        "This delivery or pickup point does not serve that shop. Choose another one."
    ),
    ("shipping_method_not_set", None): _("Choose how each shop delivers your order."),
    ("shipping_address_not_set", None): _("Enter your delivery address first."),
    ("email_not_set", None): _("Add a mobile number or e-mail address to your account before ordering."),
    ("no_lines", None): _("Your cart is empty."),
    ("channel_inactive", None): _("This part of the market is closed at the moment."),
    ("checkout_not_fully_paid", None): _(
        "The payment does not cover the total yet. Choose a payment method and try again."
    ),
    ("inactive_payment", None): _("This payment method is not available. Choose another one."),
    ("checkout_completion_in_progress", None): _("Your order is being placed. Wait a moment and open “My orders”."),
    ("payment_declined", None): _("The payment was declined. Choose another payment method or try again."),
    ("gateway_error", None): _("The payment service did not answer. Please try again."),
    ("not_found", "paymentGateway"): _("This payment method is not available. Choose another one."),
    ("not_found", None): _("Your cart changed in the meantime. Reload the page and try again."),
    ("required", "first_name"): _("Enter the recipient's name."),
    ("required", "phone"): _("Enter a mobile number."),
    ("required", "street_address_1"): _("Enter the street, group and house number."),
    ("required", None): _("This field is required."),
    ("invalid", "phone"): _("Enter a mainland China mobile number: 11 digits starting with 13 to 19."),
    ("invalid", "countryArea"): _("Choose a province of China."),
    ("invalid", "postalCode"): _("A postal code has six digits."),
    ("invalid", "village"): _("Choose your village from the list."),
    ("invalid", "id"): _("This is not possible while the order has its current status."),
    ("invalid", None): _("This value is not valid."),
    ("unique", None): _("This payment was already started with other details. Reload the page and try again."),
}

# Address service fields -> address form fields.
ADDRESS_FIELDS = {
    "first_name": "recipient",
    "last_name": "recipient",
    "phone": "phone",
    "street_address_1": "street",
    "city": "city",
    "city_area": "county",
    "country_area": "province",
    "countryArea": "province",
    "postal_code": "postal_code",
    "postalCode": "postal_code",
    "village": "village",
}


def error_message(error: DomainError) -> str:
    return str(MESSAGES.get((error.code, error.field)) or MESSAGES.get((error.code, None)) or error.message)


def add_domain_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str]) -> None:
    """Attach each refusal to the form field it concerns (``field_map``: service field -> form field)."""
    for error in exc.as_list():
        field = field_map.get(error.field or "")
        form.add_error(field if field in form.fields else None, error_message(error))


def flash_domain_errors(request, exc: DomainError) -> None:
    """Each refusal as a message on the next page (for small POST-and-redirect actions)."""
    for text in dict.fromkeys(error_message(error) for error in exc.as_list()):
        messages.error(request, text)
