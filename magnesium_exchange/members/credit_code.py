"""The unified social credit code (统一社会信用代码, GB 32100-2015) with its check character.

The shape check is the shared one (meidu.core.identity, the marketplace's shops use it too); this adds the weighted
mod-31 check character over the first 17 characters, so a mistyped code is refused.
"""

from meidu.core.identity import credit_code_has_shape

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_credit_code(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(raw: str) -> bool:
    value = normalize_credit_code(raw)
    if not credit_code_has_shape(value):
        return False
    return credit_code_check_char(value[:17]) == value[17]
