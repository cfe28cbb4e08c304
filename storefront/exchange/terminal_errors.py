"""The terminal's refusals in the reader's language, by the trading, settlement and funds services'
error codes (code, field), then by code; the warehouse desk's table answers the receipt codes, and a
code missing everywhere shows the service's own (English) message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meidu.core.errors import DomainError
from storefront.exchange.errors import MESSAGES as DESK_MESSAGES

MESSAGES = {
    ("below_min_pick", None): _("Below the minimum quantity: pick at least the minimum pick (or all that remains)."),
    ("below_min_pick", "minPick"): _("The minimum pick is below the grade's minimum quantity."),
    ("off_step", None): _("Off the step: the tonnes must be a multiple of the listing's step."),
    ("quantity_exceeds_available", None): _("More tonnes than are available."),
    ("insufficient_quantity", None): _("Not enough tonnes on your unencumbered receipts."),
    ("insufficient_funds", None): _("Your available funds do not cover the deposit."),
    ("insufficient_funds", "settlement"): _(
        "Your available funds do not cover the balance and fees: deposit funds first."
    ),
    ("insufficient_funds", "amount"): _("Your available funds do not cover this amount."),
    ("excluded_counterparty", None): _(
        "Credit matching: your member and this counterparty do not deal with each other."
    ),
    ("exposure_cap_exceeded", None): _("A member's exposure cap would be exceeded."),
    ("self_trade", None): _("You cannot trade with your own member."),
    ("resale_locked", None): _("This receipt is still under the resale lock after its purchase."),
    ("receipt_not_yours", None): _("This receipt is not your member's."),
    ("wrong_grade", None): _("The receipt is not of this grade."),
    ("price_off_tick", None): _("The price must be a multiple of the price tick."),
    ("price_outside_limit", None): _("The price is outside today's price limits around the reference price."),
    ("no_reference_price", None): _("This grade has no reference price today: it cannot be traded yet."),
    ("invalid_price", None): _("The price is not valid."),
    ("invalid_quantity", None): _("Enter tonnes with at most three decimals, on the grade's quantity step."),
    ("below_reserve", None): _("The bid is below the reserve price."),
    ("above_ceiling", None): _("The offer is above the ceiling price."),
    ("bid_not_improved", None): _("The bid must better the marginal bid (or your own bid) by the increment."),
    ("not_owner", None): _("Only the owner may do this."),
    ("not_open", None): _("This is no longer open."),
    ("ended", None): _("The auction has ended."),
    ("not_ended", None): _("The auction has not ended yet."),
    ("member_not_active", None): _("Your member is not active on the exchange."),
    ("not_your_settlement", None): _("Only the buyer pays a settlement."),
    ("already_defaulted", None): _("This settlement is past: the buyer already defaulted."),
    ("past_deadline", None): _("The settlement deadline has passed."),
    ("invalid_amount", None): _("Enter a positive amount in yuan with at most two decimals."),
    ("required", "phoneCode"): _("Enter the six-digit code sent to your phone to confirm the withdrawal"),
    ("idempotency_key_reused", None): _("This form was already sent with other values. Reload the page and try again."),
}


def terminal_error_message(error: DomainError) -> str:
    for table in (MESSAGES, DESK_MESSAGES):
        found = table.get((error.code, error.field)) or table.get((error.code, None))
        if found:
            return str(found)
    return error.message


def add_terminal_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Attach each refusal to the form field it concerns (service field -> form field), else to the form."""
    for error in exc.as_list():
        field = (field_map or {}).get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, terminal_error_message(error))


def error_messages(exc: DomainError) -> list[str]:
    return [terminal_error_message(error) for error in exc.as_list()]
