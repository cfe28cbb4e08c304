"""A link's QR code as a PNG the phone can save (qrcode with its PIL image factory)."""

from __future__ import annotations

import io

import qrcode


def qr_png(url: str) -> bytes:
    image = qrcode.make(url, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
