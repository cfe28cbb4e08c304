"""Checks of the numbers and words a caller gives the financing services: money in fen, percentages,
rates, terms and free text. NaN, Infinity, 1e30, negatives, floats, NUL bytes and over-long text are
refusals with a code, never an exception, before any row is touched (a second line behind the API's
own Decimal and string checks)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from meidu.core.errors import DomainError
from meidu.core.money import Money, is_quantized
from meidu.core.validation import text_refusal

CURRENCY = "CNY"
# The largest loan amount (the columns hold 14 digits of yuan; no county loan comes near it).
MAX_AMOUNT = Decimal("1000000000000.00")
MAX_TERM_DAYS = 3650
MAX_RATE_PERCENT = Decimal("36.000")  # the courts' ceiling on lending rates, far above any bank's
MAX_MARGIN_CALL_HOURS = 24 * 30
MAX_RECEIPTS = 100


def _decimal(value) -> Decimal | None:
    if isinstance(value, Money):
        value = value.amount if value.currency == CURRENCY else None
    if isinstance(value, bool) or isinstance(value, float) or value is None:
        return None
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return None
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    return value


def amount_input(value, field: str = "amount") -> Decimal:
    """A positive CNY amount in fen, at most MAX_AMOUNT: INVALID_AMOUNT otherwise."""
    amount = _decimal(value)
    if amount is None or amount <= 0 or not is_quantized(amount, CURRENCY):
        raise DomainError(
            _("The amount must be a positive number of yuan, in fen at most"), Code.INVALID_AMOUNT, field=field
        )
    if amount > MAX_AMOUNT:
        raise DomainError(
            _("The amount is too large: at most %(max)s CNY") % {"max": MAX_AMOUNT}, Code.INVALID_AMOUNT, field=field
        )
    return amount.quantize(Decimal("0.01"))


def term_input(value, field: str = "termDays") -> int:
    """Whole days, 1 to MAX_TERM_DAYS: INVALID_TERM otherwise."""
    number = _decimal(value)
    if number is None or number != number.to_integral_value() or not 1 <= number <= MAX_TERM_DAYS:
        raise DomainError(
            _("The term is a whole number of days from 1 to %(max)s") % {"max": MAX_TERM_DAYS},
            Code.INVALID_TERM,
            field=field,
        )
    return int(number)


def rate_input(value, field: str = "annualRatePercent") -> Decimal:
    """An annual rate in percent, above 0 and at most MAX_RATE_PERCENT, three decimals at most."""
    rate = _decimal(value)
    if rate is None or rate <= 0 or rate > MAX_RATE_PERCENT or rate != rate.quantize(Decimal("0.001")):
        raise DomainError(
            _("The annual rate is a percentage above 0 and at most %(max)s, with three decimals at most")
            % {"max": MAX_RATE_PERCENT},
            Code.INVALID_RATE,
            field=field,
        )
    return rate.quantize(Decimal("0.001"))


def percent_input(value, field: str) -> Decimal:
    """A percentage from 0 to 100 with two decimals at most: INVALID_LINES otherwise."""
    percent = _decimal(value)
    if percent is None or percent < 0 or percent > 100 or percent != percent.quantize(Decimal("0.01")):
        raise DomainError(
            _("A percentage is a number from 0 to 100 with two decimals at most"), Code.INVALID_LINES, field=field
        )
    return percent.quantize(Decimal("0.01"))


def hours_input(value, field: str = "marginCallHours") -> int:
    number = _decimal(value)
    if number is None or number != number.to_integral_value() or not 1 <= number <= MAX_MARGIN_CALL_HOURS:
        raise DomainError(
            _("The time to answer a margin call is a whole number of hours from 1 to %(max)s")
            % {"max": MAX_MARGIN_CALL_HOURS},
            Code.INVALID_LINES,
            field=field,
        )
    return int(number)


def lines_check(haircut: Decimal, max_ltv: Decimal, warning: Decimal, liquidation: Decimal) -> None:
    """0 ≤ haircut < 100 and 0 < loan-to-value limit ≤ warning line < liquidation line ≤ 100."""
    if not haircut < 100:
        raise DomainError(_("The haircut must be below 100%"), Code.INVALID_LINES, field="haircutPercent")
    if not (0 < max_ltv <= warning < liquidation <= 100):
        raise DomainError(
            _("The lines must be ordered: 0 < loan-to-value limit ≤ warning line < liquidation line ≤ 100"),
            Code.INVALID_LINES,
            field="maxLtvPercent",
        )


def text_input(value, field: str, *, max_length: int, required: bool = False, code=Code.INVALID) -> str:
    """Free text without NUL or control characters, at most ``max_length`` characters (stripped)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(_("Enter text"), code, field=field)
    value = value.strip()
    if required and not value:
        raise DomainError(_("This field is required"), Code.REQUIRED, field=field)
    refusal = text_refusal(value, max_length=max_length)
    if refusal is not None:
        raise DomainError(str(refusal), code, field=field)
    return value


def receipts_input(receipts, field: str = "receipts") -> list:
    """One or more distinct receipts (at most MAX_RECEIPTS), in the order given."""
    receipts = list(receipts or [])
    if not receipts:
        raise DomainError(_("Name at least one receipt"), Code.REQUIRED, field=field)
    if len(receipts) > MAX_RECEIPTS:
        raise DomainError(_("At most %(max)s receipts at once") % {"max": MAX_RECEIPTS}, Code.INVALID, field=field)
    if len({receipt.pk for receipt in receipts}) != len(receipts):
        raise DomainError(_("A receipt is named twice"), Code.INVALID, field=field)
    return receipts
