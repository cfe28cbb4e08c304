"""Chinese vehicle plates (GA 36): read the way people type them at a gate, stored one way.

A plate is the province's one-character abbreviation, the issuing office's letter, then the serial:
five letters or digits on an ordinary plate (辽H12345, 辽H·D1001; a trailer's ends in 挂), six on a
new-energy plate (small cars D/F then five: 辽H·D12345; large vehicles five digits then D/F:
辽H·12345D). Serial letters never use I or O (they read as 1 and 0). Typing varies — a middle dot
or not, spaces, a hyphen, lower case, full-width letters — so ``plate_normalize`` folds all that
away (NFKC, upper case, separators dropped) and returns ``辽H12345``; anything else is refused.
"""

from __future__ import annotations

import re
import unicodedata

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"
_ALNUM = "A-HJ-NP-Z0-9"
_ORDINARY = rf"[{_ALNUM}]{{4}}[{_ALNUM}挂]"
_NEW_ENERGY = rf"[DF][{_ALNUM}][0-9]{{4}}|[0-9]{{5}}[DF]"
PLATE_RE = re.compile(rf"^[{PROVINCES}][{_LETTER}](?:{_NEW_ENERGY}|{_ORDINARY})$")
_SEPARATORS = re.compile(r"[\s·•・\-\.]")
MAX_INPUT = 32  # longer input is refused before any work


def plate_normalize(value) -> str | None:
    """The plate as stored (``辽H12345``), or None when ``value`` is not a Chinese plate."""
    if not isinstance(value, str) or len(value) > MAX_INPUT:
        return None
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    return text if PLATE_RE.match(text) else None


def plate_display(plate: str) -> str:
    """``辽H·12345``: the dot after the office letter, as painted on the plate."""
    return f"{plate[:2]}·{plate[2:]}" if len(plate) > 2 else plate
