"""Folding text before it is segmented: the same folding for documents and queries.

NFKC turns full-width letters, digits and punctuation (ＡＢＣ１２３，) into half-width ones; the
traditional → simplified conversion (zhconv) lets 東北玉米 find 东北玉米; case is folded; control
characters and NUL bytes are dropped. Anything that is not a letter, a digit or a CJK character
separates words (punctuation, emoji, tsquery and Lucene operators alike), so no query syntax ever
reaches a backend.
"""

from __future__ import annotations

import re
import unicodedata

import zhconv

# Characters kept inside words: ASCII letters and digits, CJK ideographs (basic block and extension A),
# and the decimal point inside a number (97.5). Everything else is a separator.
_SEPARATORS = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff.]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LOOSE_DOTS = re.compile(r"(?<![0-9])\.|\.(?![0-9])")


def normalize(text: str) -> str:
    """Folded text: NFKC, simplified characters, lower case, separators collapsed to one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    text = text.lower()
    text = _SEPARATORS.sub(" ", text)
    text = _LOOSE_DOTS.sub(" ", text)
    return " ".join(text.split())


def is_cjk(text: str) -> bool:
    """Whether ``text`` holds at least one CJK ideograph."""
    return bool(_CJK.search(text))


def cjk_chars(text: str) -> list[str]:
    return _CJK.findall(text)
