"""One label per receipt status everywhere (warehouse desk, public verification page, trader terminal,
PDF, refusals), the signed history's events in words, the PDF's quality line whole on the page and the
site's own name on it."""

import re

import pytest
from django.test import Client
from django.utils import translation
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from magnesium_exchange.warehouses import pdf as receipt_pdf_module
from magnesium_exchange.warehouses.models import ReceiptStatus
from magnesium_exchange.warehouses.pdf import RIGHT_MARGIN, VALUE_X, receipt_pdf
from magnesium_exchange.warehouses.services import receipt_freeze
from meidu.core.errors import DomainError
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(user, language="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def cell(html: str, status: str) -> str:
    found = re.search(rf'data-status="{status}"[^>]*>([^<]+)<', html)
    assert found, html
    return found.group(1).strip()


@pytest.fixture
def drawn(monkeypatch):
    """Every string the PDF draws, with where (a spy on reportlab's canvas: the drawing still happens)."""
    calls = []
    for name in ("drawString", "drawCentredString"):
        original = getattr(canvas.Canvas, name)

        def spy(self, x, y, text, *args, _original=original, **kwargs):
            calls.append((x, y, text, self._fontname, self._fontsize))
            return _original(self, x, y, text, *args, **kwargs)

        monkeypatch.setattr(canvas.Canvas, name, spy)
    return calls


@pytest.mark.parametrize("language,active,frozen", [("zh-hans", "有效", "已冻结"), ("en", "Valid", "Frozen")])
def test_the_same_status_words_on_the_desk_the_verify_page_and_the_terminal(
    receipt_factory, seller_member, keeper, trader_factory, warehouse, language, active, frozen
):
    receipt = receipt_factory(seller_member)
    desk = logged_in(keeper, language).get(f"/exchange/warehouse/{warehouse.code}/").content.decode()
    public = (
        Client(HTTP_ACCEPT_LANGUAGE=language)
        .get(f"/exchange/receipts/{receipt.number}/verify/?code={receipt.verification_code}")
        .content.decode()
    )
    terminal = logged_in(trader_factory(seller_member), language).get("/exchange/terminal/").content.decode()
    assert cell(desk, "active") == cell(public, "active") == cell(terminal, "active") == active
    assert "营业中" not in desk + public + terminal and "正常" not in cell(terminal, "active")
    receipt_freeze(receipt, reason="法院协助冻结", actor=keeper)
    public = (
        Client(HTTP_ACCEPT_LANGUAGE=language)
        .get(f"/exchange/receipts/{receipt.number}/verify/?code={receipt.verification_code}")
        .content.decode()
    )
    assert cell(public, "frozen") == frozen


def test_the_signed_history_names_its_events_in_words(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    html = (
        Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        .get(f"/exchange/receipts/{receipt.number}/verify/?code={receipt.verification_code}")
        .content.decode()
    )
    assert '<span data-action="issued">签发</span>' in html
    english = (
        Client(HTTP_ACCEPT_LANGUAGE="en")
        .get(f"/exchange/receipts/{receipt.number}/verify/?code={receipt.verification_code}")
        .content.decode()
    )
    assert '<span data-action="issued">Issued</span>' in english
    translation.activate("zh-hans")


def test_a_refusal_names_the_status_with_the_same_label(receipt_factory, seller_member, keeper):
    from decimal import Decimal

    from magnesium_exchange.warehouses.services import receipt_split

    receipt = receipt_factory(seller_member)
    receipt_split(receipt, [Decimal("40"), Decimal("60")], actor=keeper)
    receipt.refresh_from_db()
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        receipt_split(receipt, [Decimal("40"), Decimal("60")], actor=keeper)
    assert refused.value.message == f"仓单 {receipt.number} 已拆分"


def test_the_pdf_prints_the_same_label_the_site_name_and_the_whole_quality_line(receipt_factory, seller_member, drawn):
    receipt = receipt_factory(seller_member)
    receipt_pdf(receipt)
    texts = [call[2] for call in drawn]
    assert any("美都集市" in text for text in texts) and not any("美都市场" in text for text in texts)
    with translation.override("zh-hans"):
        assert str(ReceiptStatus.ACTIVE.label) == "有效"
    assert "有效" in texts and "正常" not in texts
    quality = next(row for row in receipt_pdf_module._rows(receipt) if row[0] == "质量指标")[1]
    value_lines = [call for call in drawn if call[0] == VALUE_X]
    start = next(i for i, call in enumerate(value_lines) if quality.startswith(call[2]))
    printed = ""
    for call in value_lines[start:]:
        printed += call[2]
        if printed == quality:
            break
    assert printed == quality  # nothing cut off
    width = A4[0] - RIGHT_MARGIN
    from reportlab.pdfbase import pdfmetrics

    for x, _y, text, font, size in value_lines:
        assert x + pdfmetrics.stringWidth(text, font, size) <= width + 0.01, text
