"""Five wrong pickup codes lock the agent out of that point, counted where every worker sees it."""

import pytest

from marketplace.orders.services.lifecycle import order_confirm, order_fulfill
from marketplace.orders.services.pickup import MAX_FAILURES, order_pickup_verify
from meidu.accounts.models import ThrottleCounter
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import placed_orders


def test_wrong_codes_lock_the_agent_out_and_the_count_survives_each_refusal(
    buyer, rural, pears, station, station_agent
):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station)
    order_confirm(order, actor=pears["owner"])
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2")])
    wrong = "000000" if order.pickup_code != "000000" else "111111"
    for _ in range(MAX_FAILURES):
        with pytest.raises(DomainError) as refused:
            order_pickup_verify(station, wrong, agent=station_agent, cash_collected=True)
        assert refused.value.code == "wrong_pickup_code"
    # Without Redis the count lives in the database, shared by every worker process.
    assert ThrottleCounter.objects.get(key__startswith="pickup-failures:").count == MAX_FAILURES
    with pytest.raises(DomainError) as locked:
        order_pickup_verify(station, order.pickup_code, agent=station_agent, cash_collected=True)
    assert locked.value.code == "pickup_code_locked"
    order.refresh_from_db()
    assert order.picked_up_at is None
