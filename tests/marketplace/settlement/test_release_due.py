"""Orders held by an open complaint never starve the releases of the others, and one order whose
sync keeps failing holds back neither the catch-up of the others nor the releases."""

import logging
from decimal import Decimal

from django.utils import timezone

from marketplace.complaints.services import complaint_create
from marketplace.settlement import tasks
from marketplace.settlement.services import sync
from marketplace.settlement.services.sync import settlement_catch_up, settlement_release_due
from tests.marketplace.settlement.helpers import entry_kinds, order_postings
from tests.marketplace.settlement.journeys import fresh, paid_at_store, picked_up_at_store

D = Decimal


def window_closed(order):
    from marketplace.orders.models import Order

    Order.objects.filter(pk=order.pk).update(after_sales_until=timezone.now() - timezone.timedelta(seconds=1))


def test_orders_with_an_open_complaint_do_not_fill_the_batch(buyer, rural, cooker, rules):
    held = []
    for _ in range(2):
        order = picked_up_at_store(paid_at_store(buyer, rural, cooker, 1), cooker)
        complaint_create(fresh(order), buyer=buyer, category="quality", description="内胆有划痕")
        held.append(order)
    due = picked_up_at_store(paid_at_store(buyer, rural, cooker, 1), cooker)  # the youngest of the three
    later = fresh(due).after_sales_until + timezone.timedelta(days=1)
    assert settlement_release_due(later, limit=1) == 1
    assert fresh(due).settlement.released_at is not None and order_postings(due)["available"] > 0
    for order in held:  # still held while their complaints are handled
        assert fresh(order).settlement.released_at is None and "release" not in entry_kinds(order)
    assert settlement_release_due(later, limit=1) == 0


def failing_for(monkeypatch, order_pk: int):
    """Injects a fault: the sync of one order raises (as a ledger outage would), the others run for
    real. Returns the real sync, to put back."""
    real = sync.settlement_order_sync

    def failing(order, **kwargs):
        if order.pk == order_pk:
            raise RuntimeError(f"ledger unavailable for order {order_pk}")
        return real(order, **kwargs)

    monkeypatch.setattr(sync, "settlement_order_sync", failing)
    return real


def test_one_failing_order_does_not_stop_the_releases_of_the_others(buyer, rural, cooker, rules, monkeypatch, caplog):
    broken = picked_up_at_store(paid_at_store(buyer, rural, cooker, 1), cooker)
    fine = picked_up_at_store(paid_at_store(buyer, rural, cooker, 2), cooker)
    real = failing_for(monkeypatch, broken.pk)
    later = max(fresh(broken).after_sales_until, fresh(fine).after_sales_until) + timezone.timedelta(seconds=1)
    with caplog.at_level(logging.ERROR, logger="marketplace.settlement.services.sync"):
        assert settlement_release_due(later) == 1
    assert fresh(fine).settlement.released_at is not None and "release" in entry_kinds(fine)
    assert fresh(broken).settlement.released_at is None and "release" not in entry_kinds(broken)
    assert any(str(broken.pk) in record.getMessage() for record in caplog.records)
    monkeypatch.setattr(sync, "settlement_order_sync", real)
    assert settlement_release_due(later) == 1  # retried on the next run once it works


def test_a_stale_order_that_keeps_failing_does_not_stop_the_hourly_task(
    buyer, rural, cooker, rules, monkeypatch, caplog
):
    from marketplace.orders.models import Order

    stale = paid_at_store(buyer, rural, cooker, 1)
    Order.objects.filter(pk=stale.pk).update(refunded_amount=D("10.00"))  # changed without an event: catch-up's
    other = paid_at_store(buyer, rural, cooker, 1)
    Order.objects.filter(pk=other.pk).update(refunded_amount=D("20.00"))
    due = picked_up_at_store(paid_at_store(buyer, rural, cooker, 1), cooker)
    failing_for(monkeypatch, stale.pk)
    window_closed(due)
    with caplog.at_level(logging.ERROR):
        assert tasks.settlement_release() == 1  # the release ran after the catch-up
    assert "release" in entry_kinds(due)
    assert entry_kinds(other)[-2:] == ["refund", "clawback"]  # caught up despite the failing one
    assert entry_kinds(stale) == ["payment", "earnings"]
    assert any(str(stale.pk) in record.getMessage() for record in caplog.records)


def test_the_task_releases_even_if_the_catch_up_fails_as_a_whole(buyer, rural, cooker, rules, monkeypatch, caplog):
    due = picked_up_at_store(paid_at_store(buyer, rural, cooker, 1), cooker)

    def broken_catch_up(*args, **kwargs):
        raise RuntimeError("query failed")

    monkeypatch.setattr(tasks, "settlement_catch_up", broken_catch_up)
    window_closed(due)
    with caplog.at_level(logging.ERROR, logger="marketplace.settlement.tasks"):
        assert tasks.settlement_release() == 1
    assert "release" in entry_kinds(due)
    assert "catch-up failed" in caplog.text
    assert settlement_catch_up is sync.settlement_catch_up
