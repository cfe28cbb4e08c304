"""The auction room and its list: an auction past its end reads 已结束 (never 竞价中), the bid form is
gone, and the reader's visit clears it (winner, trade) without waiting for the beat."""

import pytest

from magnesium_exchange.trading.models import Auction, Trade
from tests.magnesium_exchange.trading.helpers import ended_auction
from tests.storefront.terminal import T, logged_in

pytestmark = pytest.mark.django_db


def test_the_list_shows_an_ended_auction_as_closed_not_open(market, desk):
    auction = ended_auction(market, desk["seller"], desk["buyer"])
    html = logged_in(desk["buyer_user"]).get(f"{T}auctions/").content.decode()
    open_part, closed_part = html.split('id="closed-heading"')
    assert f'data-auction="{auction.pk}"' not in open_part and "暂无进行中的竞价。" in open_part
    assert f"/auctions/{auction.pk}/" in closed_part


def test_the_room_and_its_state_say_ended_and_the_visit_clears_it(market, desk):
    auction = ended_auction(market, desk["seller"], desk["buyer"])
    client = logged_in(desk["buyer_user"])
    html = client.get(f"{T}auctions/{auction.pk}/").content.decode()
    assert '<td data-field="status">已结束</td>' in html and "竞价中" not in html
    assert "Place the bid" not in html and "提交出价" not in html
    assert Auction.objects.get(pk=auction.pk).status == "closed"
    assert Trade.objects.filter(aggregate_type="auction", aggregate_pk=auction.pk, buyer=desk["buyer"]).count() == 1
    state = client.get(f"{T}auctions/{auction.pk}/state.json").json()
    assert (state["status"], state["status_label"], state["seconds_left"]) == ("closed", "已结束", 0)
    assert [row["standing"] for row in state["mine"]] == ["won"]
