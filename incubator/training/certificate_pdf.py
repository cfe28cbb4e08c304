"""The printable completion certificate: an A4 landscape PDF in Chinese (meidu.core.printing: the
CJK font and the QR helper the warehouse receipts use) with the holder's name, the course, the date,
the number and verification code, and a QR code to the public verification page with both."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from incubator.training.models import Certificate
from meidu.core.printing import FONT, SITE_NAME, font_register, qr_image, wrap

INCUBATOR_NAME = "大石桥市返乡创业孵化基地"


def verification_url(certificate: Certificate) -> str:
    """The QR's target: the public page with number and code (a number alone opens nothing)."""
    return (
        settings.PUBLIC_URL.rstrip("/")
        + reverse("learn:certificate_verify")
        + "?"
        + urlencode({"number": certificate.number, "code": certificate.code})
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    font_register()
    buffer = io.BytesIO()
    size = landscape(A4)
    width, height = size
    pdf = canvas.Canvas(buffer, pagesize=size)
    pdf.setTitle(f"结业证书 {certificate.number}")
    pdf.setLineWidth(2)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setFont(FONT, 30)
    pdf.drawCentredString(width / 2, height - 42 * mm, "结 业 证 书")
    pdf.setFont(FONT, 12)
    pdf.drawCentredString(width / 2, height - 52 * mm, f"{INCUBATOR_NAME} · {SITE_NAME}电商培训")
    pdf.setFont(FONT, 18)
    y = height - 80 * mm
    for line in wrap(f"{certificate.holder_name} 学员：", width - 60 * mm, 18):
        pdf.drawString(30 * mm, y, line)
        y -= 10 * mm
    text = f"已完成《{certificate.course_title}》全部课程的学习，准予结业，特发此证。"
    for line in wrap(text, width - 80 * mm, 18):
        pdf.drawString(42 * mm, y, line)
        y -= 10 * mm
    pdf.setFont(FONT, 13)
    pdf.drawString(30 * mm, 48 * mm, f"证书编号：{certificate.number}")
    pdf.drawString(30 * mm, 40 * mm, f"核验码：{certificate.code}")
    pdf.drawString(30 * mm, 32 * mm, f"发证日期：{timezone.localtime(certificate.issued_at):%Y年%m月%d日}")
    url = verification_url(certificate)
    pdf.drawImage(qr_image(url), width - 72 * mm, 22 * mm, 46 * mm, 46 * mm)
    pdf.setFont(FONT, 9)
    pdf.drawString(30 * mm, 22 * mm, "扫描右侧二维码，或在核验页输入证书编号与核验码，核验本证书真伪。")
    pdf.drawString(30 * mm, 17 * mm, url[:110])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
