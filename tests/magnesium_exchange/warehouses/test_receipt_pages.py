"""The public verification page (QR target) and the printable receipt PDF."""

import io

from django.test import Client
from django.urls import reverse

from magnesium_exchange.warehouses.models import ReceiptEvent
from magnesium_exchange.warehouses.pdf import receipt_pdf, verification_url
from meidu.accounts.roles import Role
from tests.conftest import PASSWORD


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def test_verify_page_is_public_in_chinese_and_masks_the_holder(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/exchange/receipts/{receipt.number}/verify/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verification="valid"' in html and receipt.number in html and "100.000" in html
    assert seller_member.name not in html and seller_member.name[:2] in html
    assert "仓单核验" in html


def test_verify_page_warns_on_a_tampered_receipt_and_404s_on_unknown_numbers(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    ReceiptEvent.objects.filter(receipt=receipt).update(signature="A" * 86)
    html = Client().get(f"/exchange/receipts/{receipt.number}/verify/").content.decode()
    assert 'data-verification="invalid"' in html
    assert Client().get("/exchange/receipts/MGFAKE/verify/").status_code == 404


def test_pdf_renders_chinese_with_a_qr_code(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    pdf = receipt_pdf(receipt)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf and b"/Image" in pdf
    assert verification_url(receipt).endswith(reverse("exchange:receipt_verify", args=[receipt.number]))


def test_pdf_download_for_the_holder_and_keeper_only(receipt_factory, seller_member, buyer_member, trader_factory, keeper, make_user):
    receipt = receipt_factory(seller_member)
    url = f"/exchange/receipts/{receipt.number}/pdf/"
    for user in (trader_factory(seller_member), keeper):
        response = logged_in(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert io.BytesIO(response.content).read(4) == b"%PDF"
    assert logged_in(trader_factory(buyer_member)).get(url).status_code == 404
    assert logged_in(make_user(Role.BUYER)).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
