"""Shapes of mainland registration numbers that more than one domain checks.

The marketplace (a shop applying on the business track) and the exchange (a member's credit
code, which also checks its mod-31 character: magnesium_exchange.members.credit_code) both
ask whether a text is shaped like a unified social credit code; the shape is written here once.
"""

from __future__ import annotations

import re

# 统一社会信用代码 (GB 32100-2015): 2 characters (registering authority, kind), 6 digits (area),
# 10 characters (organisation code and check character) from the code's alphabet (no I, O, S, V, Z).
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def credit_code_has_shape(raw: str) -> bool:
    """Unified social credit code shape: 18 characters from the allowed alphabet (case and
    surrounding spaces ignored); the check character is not verified here."""
    return bool(_CREDIT_CODE.fullmatch((raw or "").strip().upper()))
