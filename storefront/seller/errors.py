"""The seller centre's refusals in the reader's language, by the services' error codes.

The shops, catalogue, inventory and media services speak English to API clients; these
pages translate by (code, field), then by code. A code missing here shows the service's
own message, which is English: add it here when a new refusal appears.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meidu.core.errors import DomainError

MESSAGES = {
    ("invalid_id_number", None): _(
        "Enter the 18-character number on your resident identity card; the last character may be X."
    ),
    ("unique", "idNumber"): _("This identity card already has an open shop of this kind."),
    ("unique", "name"): _("A shop with this name was opened just now. Please try again."),
    ("unique", "sku"): _("Another product already uses this SKU. Choose another one or leave it empty."),
    ("unique", "slug"): _("Another product already has this web address."),
    ("unique", None): _("This already exists."),
    ("phone_not_verified", None): _(
        "Opening a shop needs a mobile number on your account. Please register with your mobile number."
    ),
    ("required", None): _("This field is required."),
    ("invalid", "payoutAccountNumber"): _("Enter the bank card or account number: 8 to 34 letters or digits."),
    ("invalid", None): _("This value is not valid."),
    ("checklist_incomplete", None): _("Finish every item of the checklist before submitting your shop for review."),
    ("invalid_transition", None): _("This is not possible while the shop has its current status."),
    ("invalid_price", None): _("Enter a price in yuan with at most two decimals, such as 12.50."),
    ("invalid_attribute_value", None): _("One of the product details is not valid."),
    ("shop_not_editable", None): _("This shop is closed: its products can no longer change."),
    ("not_an_image", None): _("This file is not a photo. Choose a JPEG, PNG or WebP picture."),
    ("image_too_large", None): _("This photo file is too large. Choose a smaller one."),
    ("image_too_many_pixels", None): _("This photo has too many pixels. Choose a smaller one."),
    ("unsupported_image_format", None): _(
        "This photo format is not supported. Send it as JPEG, PNG or WebP "
        "(on an iPhone, choose “Most Compatible” in the camera settings)."
    ),
    ("insufficient_stock", None): _("Part of this stock is reserved for orders: the quantity cannot go below that."),
    ("not_found", None): _("Not found. Reload the page and try again."),
    # Orders (marketplace.orders.services)
    ("invalid", "id"): _("This is not possible while the order has its current status."),
    ("cannot_cancel_order", None): _("This order can no longer be cancelled: it has been sent."),
    ("cannot_fulfill_unpaid_order", None): _(
        "This order is not paid yet: wait for the bank transfer before sending it."
    ),
    ("fulfill_order_line", None): _("Send at most the units still to send; a weighed line is sent whole."),
    ("required", "actualWeight"): _("Weigh each item sold by weight and enter its weight."),
    ("invalid", "actualWeight"): _("Enter the weight as a positive number with at most three decimals."),
    ("required", "lines"): _("Send at least one unit."),
}


def error_message(error: DomainError) -> str:
    return MESSAGES.get((error.code, error.field)) or MESSAGES.get((error.code, None)) or error.message


def add_domain_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str]) -> None:
    """Attach each refusal to the form field it concerns (``field_map``: service field -> form field)."""
    for error in exc.as_list():
        field = field_map.get(error.field or "")
        form.add_error(field if field in form.fields else None, error_message(error))
