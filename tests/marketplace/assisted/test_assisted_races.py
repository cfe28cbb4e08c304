"""Two taps on "confirm" at once (two counters, a retried request): the cart becomes orders once, the
code is spent once, the villager gets one account."""

from functools import partial

import pytest

from marketplace.assisted.services import assisted_order_code_send, assisted_order_confirm
from marketplace.orders.models import Order, OrderAssistance
from meidu.accounts.models import User
from tests.support.assisted import VILLAGER_PHONE, assisted_cart
from tests.support.phone_codes import latest_code
from tests.support.races import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_confirmations_at_once_place_one_order(station, station_agent, fertiliser, codes_unthrottled):
    for round_no in range(4):
        phone = f"{VILLAGER_PHONE[:-1]}{round_no}"
        assisted = assisted_cart(station_agent, station, fertiliser["variant"], 1, phone=phone)
        assisted_order_code_send(assisted, agent=station_agent)
        code = latest_code(phone)
        calls = [
            partial(assisted_order_confirm, assisted, agent=station_agent, code=code),
            partial(assisted_order_confirm, assisted, agent=station_agent, signed_name="王秀英", attested=True),
        ]
        if round_no % 2:
            calls.reverse()
        one_winner(race(*calls), "already_placed")
        assert Order.objects.filter(user__phone=phone).count() == 1
        assert User.objects.filter(phone=phone).count() == 1
    assert OrderAssistance.objects.count() == 4
