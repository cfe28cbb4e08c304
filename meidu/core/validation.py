"""Checks of raw input at the edge (GraphQL arguments, page parameters), shared by both doors.

PostgreSQL cannot store a NUL character, a column refuses text longer than its length, and
control or direction-override characters in a name let it masquerade as another on screen.
Refusing these where input enters keeps them from reaching a service or the database, where
they would become a server error (or, in demo mode, a page showing the database's message).

Each function returns the refusal message in the request's language, or None when the value
may pass.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop


def _render(message: str, params: dict | None) -> str:
    return gettext(message) % params if params else gettext(message)


_lazy_render = lazy(_render, str)


def lazy_message(message: str, params: dict | None = None):
    """The message in the language active when it is shown (GraphQL caches validation results,
    which may be shown later to a reader of another language)."""
    return _lazy_render(message, params)


_ = lazy_message

# C0 controls other than tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Every control character, and the bidirectional embeddings, overrides and isolates.
_NAME_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# No column holds more: the widest amount columns keep 14 digits before the point and the
# most precise ones (rates, coordinates) 6 after it. Each field's own precision (2 places
# for money, 3 for tonnes) is checked by the rule that knows the field.
DECIMAL_MAX_INTEGER_DIGITS = 14
DECIMAL_MAX_PLACES = 6


def text_refusal(value: str, *, max_length: int | None = None, name: bool = False) -> str | None:
    """Why ``value`` may not enter: a NUL or other control character (any control character or
    a direction override in a ``name``), or more than ``max_length`` characters."""
    if "\x00" in value:
        return _(gettext_noop("The text may not contain a NUL character."))
    if (_NAME_FORBIDDEN if name else _CONTROL).search(value):
        if name:
            return _(
                gettext_noop("A name may not contain control characters or characters that change the text direction.")
            )
        return _(gettext_noop("The text may not contain control characters."))
    if max_length is not None and len(value) > max_length:
        return _(
            gettext_noop("Enter at most %(limit)d characters (you entered %(count)d)."),
            {"limit": max_length, "count": len(value)},
        )
    return None


def decimal_refusal(value: Decimal) -> str | None:
    """Why ``value`` is not a number any field could take: not finite, too large, too many places."""
    if not value.is_finite():
        return _(gettext_noop("Enter a number (not NaN or Infinity)."))
    _sign, digits, raw_exponent = value.as_tuple()
    exponent = int(raw_exponent)  # a finite value's exponent is a number
    if not any(digits):
        return None
    while exponent < 0 and digits[-1] == 0:  # 5.000 has no places that matter
        digits, exponent = digits[:-1], exponent + 1
    places = max(0, -exponent)
    integer_digits = len(digits) + exponent
    if integer_digits > DECIMAL_MAX_INTEGER_DIGITS or places > DECIMAL_MAX_PLACES:
        return _(
            gettext_noop(
                "Enter a number with at most %(integer)d digits before the decimal point and %(places)d after it."
            ),
            {"integer": DECIMAL_MAX_INTEGER_DIGITS, "places": DECIMAL_MAX_PLACES},
        )
    return None


def number_refusal():
    """The refusal of a value that is not a number at all."""
    return _(gettext_noop("Enter a number, such as 12.5."))
