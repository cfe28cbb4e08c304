"""Electronic contracts: the frozen terms of a trade (both parties named) and its A4 PDF in Chinese
(reportlab's CID font STSong-Light, as warehouses.pdf does; no font file needed)."""

from __future__ import annotations

import hashlib
import io
import json

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from magnesium_exchange.trading.models import Contract, Trade

FONT = "STSong-Light"
MODE_ZH = {"listing": "挂牌摘牌", "auction": "竞价交易", "negotiated": "协议交易"}


def contract_terms(trade: Trade, receipt_numbers: list[str]) -> dict:
    return {
        "trade": trade.engine_trade_id,
        "mode": trade.mode,
        "buyer": {"name": trade.buyer.name, "credit_code": trade.buyer.credit_code},
        "seller": {"name": trade.seller.name, "credit_code": trade.seller.credit_code},
        "commodity": trade.grade.commodity.name,
        "grade": trade.grade.code,
        "grade_name": trade.grade.name,
        "quantity_t": str(trade.quantity),
        "price_cny_per_t": str(trade.price),
        "value_cny": str(trade.value),
        "deposit_cny": str(trade.deposit),
        "buyer_fee_cny": str(trade.buyer_fee),
        "seller_fee_cny": str(trade.seller_fee),
        "executed_at": trade.executed_at.isoformat(),
        "settlement_due_at": trade.settlement_due_at.isoformat(),
        "receipts": receipt_numbers,
        "delivery": "仓单过户交收（货款对付），买方于交收期限前付清余款；逾期视为违约，保证金扣除手续费后归卖方。",
    }


def contract_create(trade: Trade, receipt_numbers: list[str]) -> Contract:
    terms = contract_terms(trade, receipt_numbers)
    digest = hashlib.sha256(
        json.dumps(terms, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    return Contract.objects.create(
        trade=trade,
        number=f"MX{trade.executed_at:%Y%m%d}{trade.pk:07d}",
        buyer_name=trade.buyer.name,
        buyer_credit_code=trade.buyer.credit_code,
        seller_name=trade.seller.name,
        seller_credit_code=trade.seller.credit_code,
        terms=terms,
        terms_sha256=digest,
    )


def contract_pdf(contract: Contract) -> bytes:
    """The printable contract; every line comes from the frozen terms."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    t = contract.terms
    rows = [
        ("合同编号", contract.number),
        ("成交编号 / 方式", f"{t['trade']} / {MODE_ZH.get(t['mode'], t['mode'])}"),
        ("买方", f"{t['buyer']['name']}（统一社会信用代码 {t['buyer']['credit_code']}）"),
        ("卖方", f"{t['seller']['name']}（统一社会信用代码 {t['seller']['credit_code']}）"),
        ("货物 / 等级", f"{t['commodity']} / {t['grade_name']}"),
        ("数量", f"{t['quantity_t']} 吨"),
        ("单价", f"{t['price_cny_per_t']} 元/吨"),
        ("货款总额", f"{t['value_cny']} 元"),
        ("履约保证金", f"{t['deposit_cny']} 元"),
        ("手续费（买方 / 卖方）", f"{t['buyer_fee_cny']} 元 / {t['seller_fee_cny']} 元"),
        ("成交时间", t["executed_at"]),
        ("交收期限", t["settlement_due_at"]),
        ("交收仓单", "、".join(t["receipts"]) or "-"),
        ("交收方式", t["delivery"]),
        ("条款摘要 SHA-256", contract.terms_sha256),
    ]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, height - 25 * mm, "大宗商品现货电子交易合同")
    y = height - 40 * mm
    for label, value in rows:
        pdf.setFont(FONT, 10)
        pdf.drawString(20 * mm, y, label)
        text = str(value)
        while text:
            pdf.drawString(62 * mm, y, text[:48])
            text = text[48:]
            y -= 6 * mm
        y -= 2 * mm
    pdf.drawString(20 * mm, y - 10 * mm, "买方（签章）：" + t["buyer"]["name"])
    pdf.drawString(110 * mm, y - 10 * mm, "卖方（签章）：" + t["seller"]["name"])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
