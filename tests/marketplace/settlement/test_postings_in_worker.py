"""With a worker (FOLLOW_UPS_IN_WORKER), an order event's postings follow the commit in a
task instead of the request's transaction; the result is the same postings, once."""

from decimal import Decimal

from marketplace.orders.services.lifecycle import order_cancel
from marketplace.settlement.models import SettlementEntry
from tests.marketplace.settlement.helpers import assert_every_transaction_balances, entry_kinds, order_postings
from tests.marketplace.settlement.journeys import cooker_order

D = Decimal


def test_checkout_posts_after_commit_in_the_task(
    buyer, rural, cooker, rules, settings, django_capture_on_commit_callbacks
):
    settings.FOLLOW_UPS_IN_WORKER = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = cooker_order(buyer, rural, cooker)
    assert not SettlementEntry.objects.filter(settlement__order=order).exists()  # nothing posted in the request
    for callback in callbacks:
        callback()  # the commit: the task runs (eagerly here, in a worker with a broker)
    assert entry_kinds(order) == ["payment", "earnings"]
    assert order_postings(order)["pending"] == D("374.12")
    for callback in callbacks:
        callback()  # a duplicate delivery of the task posts nothing more
    assert entry_kinds(order) == ["payment", "earnings"]


def test_refund_is_clawed_back_by_the_task(buyer, rural, cooker, rules, settings, django_capture_on_commit_callbacks):
    order = cooker_order(buyer, rural, cooker)
    settings.FOLLOW_UPS_IN_WORKER = True
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order, actor=buyer, reason="changed my mind")
    assert entry_kinds(order) == ["payment", "earnings", "refund", "clawback"]
    postings = order_postings(order)
    assert postings["gateway"] == postings["pending"] == postings["commission"] == 0
    assert_every_transaction_balances()
