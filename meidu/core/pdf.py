"""Chinese text on printed pages (reportlab): the CID font every PDF viewer has, and line wrapping.

STSong-Light needs no font file; Chinese has no spaces to break at, so lines are cut by width."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK_FONT = "STSong-Light"


def cjk_font_register() -> str:
    """Register the font (idempotent) and return its name for `setFont`."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def cjk_wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of `text` no wider than `width` points at `size` in the CJK font, cut character by character."""
    cjk_font_register()
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, CJK_FONT, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line or not lines else lines
