"""Mainland-China mobile numbers: accepted in the usual spellings, stored as E.164 (+86...)."""

import re

_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only: \d would take fullwidth ones


class InvalidPhone(ValueError):
    pass


def normalize_cn_mobile(raw: str) -> str:
    """'138 0013 8000', '+86-13800138000', '008613800138000' -> '+8613800138000'."""
    digits = _SEPARATORS.sub("", raw or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.fullmatch(digits):
        raise InvalidPhone(f"{raw!r} is not a mainland China mobile number (11 digits starting with 13-19)")
    return "+86" + digits


def looks_like_email(identifier: str) -> bool:
    return "@" in (identifier or "")
