"""The demo's live market: a visitor finds open listings, a wanted listing, a running auction and one
ending soon, an RFQ waiting for quotes, the demo trader's past trades, and a second trader's login
printed by `meidu demo`; a second run writes nothing."""

import datetime as dt

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from magnesium_exchange.demo_data import EXCHANGE_DEMO_STEPS, TRADER_PHONE
from magnesium_exchange.demo_market import SECOND_TRADER_PHONE, seed_exchange_live_market
from magnesium_exchange.members.models import Trader
from magnesium_exchange.settlement.models import SettlementStatus
from magnesium_exchange.trading.models import Auction, Listing, Rfq, Trade
from magnesium_exchange.trading.services import auctions_close_due
from meidu.accounts.demo_data import DEMO_PASSWORD, seed_demo_users
from meidu.cli import _print_welcome

pytestmark = pytest.mark.django_db


def test_the_demo_market_is_live_and_a_second_trader_can_trade_against_the_first(capsys):
    seed_demo_users()
    for _label, step in EXCHANGE_DEMO_STEPS:
        step()
    now = timezone.now()
    me = Trader.objects.get(user__phone=TRADER_PHONE).member
    second = Trader.objects.get(user__phone=SECOND_TRADER_PHONE).member
    assert second != me

    board = Listing.objects.filter(status="open")
    assert board.filter(side="sell").exclude(owner=me).values("grade").distinct().count() >= 4
    assert board.filter(side="buy").exists()
    live = Auction.objects.filter(status="open", ends_at__gt=now)
    assert live.filter(ends_at__gt=now + dt.timedelta(hours=6)).exists()
    soon = live.get(ends_at__lte=now + dt.timedelta(hours=1))
    assert soon.bid_count == 1
    assert Rfq.objects.filter(status="open", quotes=[], expires_at__gt=now + dt.timedelta(hours=1)).exists()

    mine = Trade.objects.filter(Q(buyer=me) | Q(seller=me))
    assert mine.count() == 3 and mine.filter(seller=me, buyer=second).exists()
    statuses = sorted(t.settlement.status for t in mine.filter(buyer=me).select_related("settlement"))
    assert statuses == sorted([SettlementStatus.COMPLETED, SettlementStatus.PENDING])

    assert seed_exchange_live_market() == 0  # idempotent on a live market

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=SECOND_TRADER_PHONE, password=DEMO_PASSWORD)
    html = client.get("/exchange/terminal/listings/").content.decode()
    assert me.name in html  # the demo trader's own listing, for the second trader to pick

    assert auctions_close_due(soon.ends_at + dt.timedelta(seconds=1)) == 1
    assert Trade.objects.filter(aggregate_type="auction", aggregate_pk=soon.pk).count() == 1

    _print_welcome()
    printed = capsys.readouterr().out
    assert TRADER_PHONE in printed and SECOND_TRADER_PHONE in printed
