"""Checks of mainland identity numbers, and their keyed hashing (the number itself is never stored)."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

from meidu.core.identity import credit_code_has_shape

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def normalize_id_number(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def is_valid_id_number(raw: str) -> bool:
    """18-character resident identity number with its ISO 7064 MOD 11-2 check character."""
    value = normalize_id_number(raw)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def id_number_hash(raw: str) -> str:
    key = getattr(settings, "ID_NUMBER_HASH_KEY", "") or settings.SECRET_KEY
    return hmac.new(key.encode(), normalize_id_number(raw).encode(), hashlib.sha256).hexdigest()


def is_valid_credit_code(raw: str) -> bool:
    """Unified social credit code (统一社会信用代码) shape: 18 characters from the allowed alphabet."""
    return credit_code_has_shape(raw)
