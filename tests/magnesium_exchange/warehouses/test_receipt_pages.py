"""The public verification page (QR target) and the printable receipt PDF."""

import io
import re

from django.test import Client
from django.urls import reverse
from reportlab.pdfgen import canvas

from magnesium_exchange.warehouses.models import ReceiptEvent
from magnesium_exchange.warehouses.pdf import receipt_pdf, verification_url
from meidu.accounts.roles import Role
from meidu.core.statements import statement_public_jwks, statement_verify
from tests.support.graphql import PASSWORD


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def verify_path(receipt, code=None) -> str:
    return f"/exchange/receipts/{receipt.number}/verify/?code={code or receipt.verification_code}"


def test_verify_page_is_public_in_chinese_and_masks_the_holder(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(verify_path(receipt))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verification="valid"' in html and receipt.number in html and "100.000" in html
    assert seller_member.name not in html and seller_member.name[:2] in html
    assert seller_member.credit_code not in html
    assert "仓单核验" in html


def test_verify_page_shows_the_signed_masked_statement_with_the_jwks(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(verify_path(receipt)).content.decode()
    token = re.search(r'<textarea class="statement" id="statement"[^>]*>([^<]+)</textarea>', html).group(1)
    claims = statement_verify(token, {"keys": statement_public_jwks()})
    assert claims["view"] == "masked" and claims["receipt"]["number"] == receipt.number
    assert claims["receipt"]["owner"]["name"] in html and 'href="/.well-known/jwks.json"' in html
    assert 'data-pledged="no"' in html and "<script>" not in html


def test_verify_page_warns_on_a_tampered_receipt_and_404s_on_unknown_numbers(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    ReceiptEvent.objects.filter(receipt=receipt).update(signature="A" * 86)
    html = Client().get(verify_path(receipt)).content.decode()
    assert 'data-verification="invalid"' in html
    assert Client().get(f"/exchange/receipts/MGFAKE/verify/?code={receipt.verification_code}").status_code == 404


def test_without_the_code_the_page_asks_for_it_and_a_wrong_code_reads_as_an_unknown_number(
    receipt_factory, seller_member
):
    receipt = receipt_factory(seller_member)
    missing = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/exchange/receipts/{receipt.number}/verify/")
    html = missing.content.decode()
    assert missing.status_code == 200 and 'data-verification="missing"' in html and "核验码" in html
    assert "100.000" not in html and seller_member.name[:2] not in html and 'name="code"' in html
    wrong = Client(HTTP_ACCEPT_LANGUAGE="en").get(verify_path(receipt, code="ZZZZZZZZZZ"))
    unknown = Client(HTTP_ACCEPT_LANGUAGE="en").get("/exchange/receipts/MG-NOPE/verify/?code=ZZZZZZZZZZ")
    assert wrong.status_code == unknown.status_code == 404
    for response in (wrong, unknown):
        text = response.content.decode()
        assert 'data-verification="not_found"' in text and "100.000" not in text and "verification code" in text
    # typed into the form
    typed = Client().get(
        "/exchange/receipts/verify/", {"number": receipt.number, "code": receipt.verification_code.lower()}
    )
    assert typed.status_code == 200 and 'data-verification="valid"' in typed.content.decode()
    assert 'data-verification="missing"' in Client().get("/exchange/receipts/verify/").content.decode()


def test_pdf_renders_chinese_with_a_qr_code(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    pdf = receipt_pdf(receipt)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf and b"/Image" in pdf
    assert verification_url(receipt).endswith(
        reverse("exchange:receipt_verify", args=[receipt.number]) + f"?code={receipt.verification_code}"
    )


def test_the_pdf_prints_the_verification_code(receipt_factory, seller_member, monkeypatch):
    receipt = receipt_factory(seller_member)
    drawn = []
    original = canvas.Canvas.drawString

    def spy(self, x, y, text, *args, **kwargs):
        drawn.append(text)
        return original(self, x, y, text, *args, **kwargs)

    monkeypatch.setattr(canvas.Canvas, "drawString", spy)
    receipt_pdf(receipt)
    assert any(f"核验码：{receipt.verification_code}" in text for text in drawn)
    assert any(text.endswith(f"?code={receipt.verification_code}") for text in drawn)


def test_pdf_download_for_the_holder_and_keeper_only(
    receipt_factory, seller_member, buyer_member, trader_factory, keeper, make_user
):
    receipt = receipt_factory(seller_member)
    url = f"/exchange/receipts/{receipt.number}/pdf/"
    for user in (trader_factory(seller_member), keeper):
        response = logged_in(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert io.BytesIO(response.content).read(4) == b"%PDF"
    assert logged_in(trader_factory(buyer_member)).get(url).status_code == 404
    assert logged_in(make_user(Role.BUYER)).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
