"""Refusals of the financing and statement services in the reader's language, by (code, field), then by
code; the trader terminal's and the warehouse desk's tables answer the rest, and a code missing
everywhere shows the service's own message."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from meidu.core.errors import DomainError
from storefront.exchange.terminal_errors import terminal_error_message

MESSAGES = {
    ("not_found", None): _("Not found: check the receipt number and the verification code."),
    ("invalid_amount", None): _("Enter a positive amount in yuan with at most two decimals."),
    ("invalid_rate", None): _("Enter an annual rate between 0 and 36 percent."),
    ("invalid_term", None): _("Enter a term in days, at least one day and at most a few years."),
    ("invalid_lines", None): _("The lines must rise: loan-to-value limit ≤ warning line < liquidation line ≤ 100%."),
    ("bank_not_active", None): _("This bank does not lend on the exchange now."),
    ("member_not_active", None): _("The member is not active on the exchange."),
    ("not_your_loan", None): _("This loan is not your member's."),
    ("not_your_bank", None): _("This loan belongs to another bank."),
    ("invalid_transition", None): _("The loan is no longer in a state that allows this. Reload the page."),
    ("receipt_not_yours", None): _("This receipt is not your member's."),
    ("receipt_not_available", None): _("This receipt cannot be pledged now."),
    ("receipt_listed", None): _("The receipt is listed for sale: withdraw the listing first."),
    ("receipt_frozen", None): _("The receipt is frozen: it cannot be pledged."),
    ("receipt_pledged", None): _("This receipt is already pledged to a bank: a receipt can carry one pledge only."),
    ("already_pledged", None): _("This receipt is already pledged to a bank: a receipt can carry one pledge only."),
    ("receipt_in_auction", None): _("The receipt is in a sale auction: it cannot be pledged."),
    ("receipt_in_review", None): _("This receipt is already offered in another loan application under review."),
    ("receipt_closed", None): _("The receipt is closed (withdrawn, cancelled, split or merged)."),
    ("no_reference_price", None): _("The receipt's grade has no reference price: it cannot be valued."),
    ("loan_to_value_exceeded", None): _("Above the loan-to-value limit: lend less or take more collateral."),
    ("loan_to_value_exceeded", "receipts"): _(
        "Releasing these receipts would leave the loan above its loan-to-value limit."
    ),
    ("repayment_exceeds_debt", None): _("The repayment is more than what is owed."),
    ("insufficient_funds", None): _("The borrower's available funds do not cover this amount."),
    ("liquidation_not_allowed", None): _(
        "A forced sale is allowed only past the liquidation line or a missed margin call deadline."
    ),
    ("forced_sale_running", None): _("A forced sale of this loan's receipts is already running."),
    ("idempotency_key_reused", None): _("This form was already sent with other values. Reload the page and try again."),
    ("too_many", None): _("Too many receipts in one request."),
    ("required", None): _("This field is required."),
    ("invalid", None): _("This value is not valid."),
}


def financing_error_message(error: DomainError) -> str:
    found = MESSAGES.get((error.code, error.field)) or MESSAGES.get((error.code, None))
    return str(found) if found else terminal_error_message(error)


def _snake(name: str) -> str:
    """The API's camelCase field name as the form's (annualRatePercent -> annual_rate_percent)."""
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def add_financing_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Attach each refusal to the form field it concerns (service field -> form field), else to the form."""
    for error in exc.as_list():
        field = (field_map or {}).get(error.field or "", _snake(error.field or ""))
        form.add_error(field if field in form.fields else None, financing_error_message(error))


def financing_error_messages(exc: DomainError) -> list[str]:
    return [financing_error_message(error) for error in exc.as_list()]
