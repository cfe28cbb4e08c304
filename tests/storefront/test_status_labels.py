"""Issue 12: every status shown to a person goes through its label, in Chinese and in English
(the English switch used to leave raw values such as ``listed`` and ``active``)."""

from decimal import Decimal

import pytest
from django.test import Client

from magnesium_exchange.trading.services import listing_open
from tests.magnesium_exchange.trading_factories import REFERENCE

pytestmark = pytest.mark.django_db
T = "/exchange/terminal/"


def row_of(html: str, marker: str) -> str:
    return html.split(marker)[1].split("</tr>")[0]


def test_receipt_and_listing_statuses_are_labels_in_both_languages(market, trader_factory):
    seller = market.member("海城市华鑫镁业有限公司")
    user = trader_factory(seller)
    kept = market.receipt(seller, "40.000")
    listed = market.receipt(seller, "50.000")
    listing = listing_open(
        member=seller, grade=market.grade, price=Decimal("3000"), receipts=[listed], reference_price_fallback=REFERENCE
    )
    client = Client()
    client.force_login(user)
    overview = client.get(T).content.decode()
    # One word per receipt status everywhere (desk, verification page, PDF, terminal).
    assert "有效" in row_of(overview, f'data-receipt="{kept.number}"')
    assert "挂牌中" in row_of(overview, f'data-receipt="{listed.number}"')
    assert "挂牌中" in client.get(f"{T}listings/{listing.pk}/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    overview = client.get(T).content.decode()
    assert ">Valid<" in row_of(overview, f'data-receipt="{kept.number}"')
    assert ">Listed<" in row_of(overview, f'data-receipt="{listed.number}"')
    detail = client.get(f"{T}listings/{listing.pk}/").content.decode()
    assert ">Open<" in detail and ">Sell<" in detail
    assert (
        ">open<" not in detail and ">sell<" not in detail and ">active<" not in overview and ">listed<" not in overview
    )
