"""The warehouse desk's refusals in the reader's language, by the services' error codes (code,
field), then by code. A code missing here shows the service's own (English) message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meidu.core.errors import DomainError

MESSAGES = {
    ("net_weight_mismatch", None): _(
        "The net weight must equal the gross weight minus the tare. Weigh again or correct the numbers."
    ),
    ("invalid_quantity", None): _(
        "Enter weights in tonnes with at most three decimals; the gross weight must exceed the tare."
    ),
    ("invalid_assay", None): _("The assay is not valid: enter percentages between 0 and 100."),
    ("no_matching_grade", None): _("The assay matches no grade of this commodity: these goods cannot back a receipt."),
    ("member_not_active", None): _("The depositor is not an active member of the exchange."),
    ("warehouse_inactive", None): _("This warehouse is not active."),
    ("unique", "number"): _("This ticket number was already recorded."),
    ("ticket_already_used", None): _("A receipt was already issued for this ticket."),
    ("wrong_ticket_direction", None): _("Receipts are issued against inbound tickets only."),
    ("receipt_frozen", None): _("The receipt is frozen: nothing can be released until it is unfrozen."),
    ("receipt_listed", None): _("The receipt is listed for sale: withdraw the listing first."),
    ("receipt_pledged", None): _("The receipt is pledged to a bank: the bank must release it first."),
    ("receipt_closed", None): _("The receipt is closed (withdrawn, cancelled, split or merged)."),
    ("invalid", "insuredValue"): _("The insured value cannot be negative."),
    ("invalid", None): _("This value is not valid."),
    ("required", None): _("This field is required."),
    ("not_found", None): _("Not found. Reload the page and try again."),
}


def error_message(error: DomainError) -> str:
    return str(MESSAGES.get((error.code, error.field)) or MESSAGES.get((error.code, None)) or error.message)


def add_domain_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Attach each refusal to the form field it concerns (service field -> form field), else to the form."""
    for error in exc.as_list():
        field = (field_map or {}).get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, error_message(error))
