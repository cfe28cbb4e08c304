"""Printing PDFs in Chinese: reportlab's CID font STSong-Light (no font file needed), line wrapping
for text without spaces, and a QR code image to put on the page. Shared by every printed document
(the exchange's warehouse receipts, the incubator's training certificates)."""

from __future__ import annotations

import io

import qrcode
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"
SITE_NAME = "美都集市"  # the site's own name (base template), never another spelling


def font_register() -> str:
    """Register the CJK font with reportlab (idempotent) and return its name."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def qr_image(url: str) -> ImageReader:
    """A QR code of ``url`` as an image reportlab can draw."""
    image = qrcode.make(url, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Cut `text` into lines no wider than `width` points in the CJK font (character by character:
    Chinese has no spaces to break at), so a long value stays on the page whole."""
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, FONT, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line or not lines else lines
