"""Input checks every farm service shares: numbers and texts refused with FarmInfoErrorCode, in the
reader's language, before anything is written (NaN, Infinity, 1e30, negatives, NUL, control
characters, over-long strings)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from incubator.prices.error_codes import FarmInfoErrorCode
from meidu.core.errors import DomainError
from meidu.core.validation import decimal_refusal, text_refusal

PRICE_MAX = Decimal("100000")  # no produce item sells above 10 万元 per 斤 or head
QUANTITY_MAX = Decimal("100000000")


def number(value, field: str, *, maximum: Decimal, places: int = 2, positive: bool = True) -> Decimal:
    """A finite Decimal with at most ``places`` decimals, above zero (when ``positive``) and at most ``maximum``."""
    if isinstance(value, bool) or value is None:
        raise DomainError(_("Enter a number."), FarmInfoErrorCode.INVALID, field=field)
    try:
        parsed = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number."), FarmInfoErrorCode.INVALID, field=field) from None
    refusal = decimal_refusal(parsed)
    if refusal is not None:
        raise DomainError(str(refusal), FarmInfoErrorCode.INVALID, field=field)
    if positive and parsed <= 0:
        code = FarmInfoErrorCode.QUANTITY_NOT_POSITIVE if field == "quantity" else FarmInfoErrorCode.INVALID
        raise DomainError(_("Enter a number above zero."), code, field=field)
    if parsed > maximum:
        raise DomainError(_("Enter at most %(max)s.") % {"max": f"{maximum:,}"}, FarmInfoErrorCode.INVALID, field=field)
    if parsed != parsed.quantize(Decimal(1).scaleb(-places)):
        raise DomainError(
            _("Enter at most %(places)d decimal places.") % {"places": places}, FarmInfoErrorCode.INVALID, field=field
        )
    return parsed


def text(value, field: str, *, max_length: int, required: bool = False, name: bool = False) -> str:
    value = "" if value is None else str(value)
    refusal = text_refusal(value, max_length=max_length, name=name)
    if refusal is not None:
        raise DomainError(str(refusal), FarmInfoErrorCode.INVALID, field=field)
    value = value.strip()
    if required and not value:
        raise DomainError(_("This field is required."), FarmInfoErrorCode.REQUIRED, field=field)
    return value


def choice(value, field: str, allowed) -> str:
    if value not in set(allowed):
        raise DomainError(_("Choose one of the offered values."), FarmInfoErrorCode.INVALID, field=field)
    return value
