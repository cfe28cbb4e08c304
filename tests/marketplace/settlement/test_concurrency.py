"""Two workers reconcile the same order at once (real connections): the Order row lock makes the
second see the first's postings, so the refund is posted once."""

from decimal import Decimal

import pytest

from marketplace.orders.models import Order
from marketplace.settlement.models import SettlementEntry
from marketplace.settlement.services.sync import settlement_order_sync
from tests.marketplace.settlement.helpers import assert_every_transaction_balances, order_postings
from tests.marketplace.settlement.journeys import cooker_order
from tests.support.races import race


@pytest.mark.django_db(transaction=True)
def test_concurrent_syncs_post_a_difference_once(buyer, rural, cooker, rules):
    order = cooker_order(buyer, rural, cooker)
    # A refund recorded without an order event (as a crash between the change and its event would leave it).
    Order.objects.filter(pk=order.pk).update(refunded_amount=Decimal("100.00"))
    before = SettlementEntry.objects.count()

    def work():
        settlement_order_sync(Order.objects.get(pk=order.pk))

    outcomes = race(work, work)  # any exception other than a refusal fails the race itself
    assert [outcome.code for outcome in outcomes] == ["ok", "ok"]
    assert SettlementEntry.objects.count() == before + 2  # one refund, one claw-back
    assert order_postings(order)["gateway"] == Decimal("-298.00")
    assert_every_transaction_balances()
