"""Helpers of the exchange terminal page tests: the terminal's path, a logged-in client, a listing for sale,
local time."""

from decimal import Decimal

from django.test import Client
from django.utils import timezone

from magnesium_exchange.trading.services import listing_open
from tests.magnesium_exchange.trading_factories import REFERENCE
from tests.support.graphql import PASSWORD

T = "/exchange/terminal/"


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def sell_listing(market, seller, net="100.000", price="3000", **kwargs):
    kwargs.setdefault("min_pick", "10")
    kwargs.setdefault("step", "10")
    return listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal(price),
        receipts=[market.receipt(seller, net)],
        reference_price_fallback=REFERENCE,
        **kwargs,
    )


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
