"""The printable receipt: an A4 PDF in Chinese (reportlab's CID font STSong-Light, no font file
needed) with every element, the keeper's seal fingerprint (kid and chain head), the verification code
and a QR code linking to the public verification page with that code."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from magnesium_exchange.commodities.models import SPEC_FIELDS
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from meidu.core.printing import FONT, SITE_NAME, font_register, qr_image
from meidu.core.printing import wrap as _wrap

LABEL_X, VALUE_X, RIGHT_MARGIN = 20 * mm, 58 * mm, 20 * mm
ROW_SIZE, LINE_GAP, ROW_GAP = 11, 5.2 * mm, 3.8 * mm


def verification_url(receipt: Receipt) -> str:
    """The QR's target: the public verification page with the receipt's verification code, which opens its
    signed statement (without the code a number alone opens nothing)."""
    return (
        settings.PUBLIC_URL.rstrip("/")
        + reverse("exchange:receipt_verify", args=[receipt.number])
        + "?"
        + urlencode({"code": receipt.verification_code})
    )


def _rows(receipt: Receipt) -> list[tuple[str, str]]:
    spec = "；".join(f"{label} {receipt.spec[stem]}{unit}" for stem, label, unit in SPEC_FIELDS if stem in receipt.spec)
    insured = (
        f"{receipt.insured_value} 元（{receipt.insurer} {receipt.insurance_policy_no}）"
        if receipt.insured_value is not None
        else "未投保"
    )
    return [
        ("仓单编号", receipt.number),
        ("存货人", f"{receipt.depositor.name}（{receipt.depositor.credit_code}）"),
        ("持有人", f"{receipt.holder.name}（{receipt.holder.credit_code}）"),
        ("货物品名", receipt.commodity.name),
        ("等级", receipt.grade.name),
        ("质量指标", spec or "见检验报告"),
        ("数量", f"{receipt.quantity} 吨"),
        ("包装 / 件数 / 唛头", f"{receipt.packaging or '散装'} / {receipt.pieces or '-'} / {receipt.marks or '-'}"),
        ("批号 / 检验报告", f"{receipt.lot_no or '-'} / {receipt.inspection_ref or '-'}"),
        ("储存场所", f"{receipt.warehouse.name} {receipt.location}"),
        ("损耗标准", receipt.loss_standard or "-"),
        (
            "储存期间",
            f"{receipt.storage_start:%Y-%m-%d} 至 {receipt.storage_until:%Y-%m-%d}"
            if receipt.storage_until
            else f"{receipt.storage_start:%Y-%m-%d} 起",
        ),
        ("仓储费", receipt.storage_fee_terms or "-"),
        ("保险", insured),
        ("保管人", receipt.keeper),
        ("填发地点 / 日期", f"{receipt.issue_place} / {receipt.issued_at:%Y-%m-%d}"),
        ("状态", _status_zh(receipt.status)),
    ]


def _status_zh(status: str) -> str:
    """The status's one label (ReceiptStatus), in Chinese: the printed receipt is a Chinese document."""
    with translation.override("zh-hans"):
        return str(ReceiptStatus(status).label) if status in ReceiptStatus.values else status


def wrap(text: str, width: float, size: float = ROW_SIZE) -> list[str]:
    """Cut `text` into lines no wider than `width` points (meidu.core.printing.wrap)."""
    return _wrap(text, width, size)


def receipt_pdf(receipt: Receipt) -> bytes:
    font_register()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"仓单 {receipt.number}")
    width, height = A4
    pdf.setFont(FONT, 22)
    pdf.drawCentredString(width / 2, height - 30 * mm, "仓  单")
    pdf.setFont(FONT, 10)
    pdf.drawCentredString(width / 2, height - 37 * mm, f"电子仓单 · {SITE_NAME}镁质材料交易所监管仓")
    y = height - 52 * mm
    for label, value in _rows(receipt):
        pdf.setFont(FONT, ROW_SIZE)
        pdf.drawString(LABEL_X, y, label)
        lines = wrap(str(value), width - RIGHT_MARGIN - VALUE_X)
        for n, line in enumerate(lines):
            pdf.drawString(VALUE_X, y - n * LINE_GAP, line)
        y -= (len(lines) - 1) * LINE_GAP
        pdf.line(LABEL_X, y - 2.5 * mm, width - RIGHT_MARGIN, y - 2.5 * mm)
        y -= LINE_GAP + ROW_GAP
    url = verification_url(receipt)
    pdf.drawImage(qr_image(url), width - 62 * mm, 22 * mm, 42 * mm, 42 * mm)
    pdf.setFont(FONT, 9)
    key = receipt.events.order_by("-seq").values_list("kid", flat=True).first() or ""
    pdf.drawString(20 * mm, 52 * mm, "凭证权利提示：本仓单为记名提取仓储物的凭证，背书并经保管人签章后可转让、出质。")
    pdf.drawString(20 * mm, 45 * mm, f"保管人电子签章密钥（kid）：{key}")
    pdf.drawString(20 * mm, 38 * mm, f"事件链末端哈希：{receipt.last_hash}")
    pdf.drawString(
        20 * mm, 31 * mm, f"核验码：{receipt.verification_code}（扫描右侧二维码，或在核验页输入仓单编号与核验码）"
    )
    pdf.drawString(20 * mm, 24 * mm, url[:100])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
