"""Fixtures for the storefront page tests (the root conftest clears the cache and makes users; the
buying world and the market come from the plugins it registers): the county, a named buyer, and the
terminal's desk (a seller and a funded buyer) and today's reference price."""

import datetime as dt

import pytest
from django.utils import timezone

from logistics.geography.services import geography_load_county
from magnesium_exchange.marketdata.services import daily_bars_build
from meidu.accounts.services import account_register
from tests.magnesium_exchange.marketdata.support import tape
from tests.support.graphql import PASSWORD


@pytest.fixture
def county(db):
    return geography_load_county()


@pytest.fixture
def named_buyer(db):
    """A buyer with a Chinese name and a known mobile number, registered through the service."""
    return account_register(phone="13800138000", password=PASSWORD, first_name="小明", last_name="王")


@pytest.fixture
def desk(market, trader_factory):
    """A seller and a funded buyer, each with a trader holding every grant."""
    seller = market.member("海城市华鑫镁业有限公司")
    buyer = market.member("鞍山钢铁耐材采购有限公司", funds="500000.00")
    return {
        "seller": seller,
        "buyer": buyer,
        "seller_user": trader_factory(seller),
        "buyer_user": trader_factory(buyer),
    }


@pytest.fixture
def referenced(market):
    """Market data's reference price for fm-98 today: yesterday's VWAP, 3000.00 (band 2760 .. 3240)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    tape(market.grade, yesterday, [("3000.00", "20.000")])
    daily_bars_build(yesterday)
