"""With follow-ups in a worker and the broker down (a real unreachable broker address, no retries): a
buyer who lost the race is still refunded, in the request; a completed order still stands, and the
settlement catch-up posts what the lost task would have."""

import pytest

from marketplace.checkout.complete import checkout_complete
from marketplace.inventory.models import Stock
from marketplace.payments.models import TransactionItem
from marketplace.settlement.models import SettlementEntry
from marketplace.settlement.services.sync import settlement_catch_up
from meidu.celery import app as celery_app
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import paid_checkout
from tests.meidu.integrations.broker import _reset_connections

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down(settings):
    settings.FOLLOW_UPS_IN_WORKER = True
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_publish_retry", "broker_connection_timeout")
    }
    celery_app.conf.update(
        broker_url="redis://127.0.0.1:1/0",
        task_always_eager=False,
        task_publish_retry=False,
        broker_connection_timeout=1,
    )
    _reset_connections()
    yield
    celery_app.conf.update(saved)
    _reset_connections()


def test_a_late_buyer_is_refunded_in_the_request_when_the_broker_is_down(buyer, rural, pears, broker_down):
    checkout = paid_checkout(buyer, rural, pears, "late")
    Stock.objects.filter(variant=pears["variant"]).update(quantity=0)
    with pytest.raises(DomainError) as refused:
        checkout_complete(checkout.pk, user=buyer)
    assert refused.value.code == "insufficient_stock"
    item = TransactionItem.objects.get(checkout_token=checkout.pk)
    assert item.charged_amount > 0 and item.refunded_amount == item.charged_amount


def test_a_completed_order_stands_and_the_catch_up_posts_its_settlement(buyer, rural, pears, broker_down):
    checkout = paid_checkout(buyer, rural, pears, "paid")
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    assert order.is_paid and not SettlementEntry.objects.filter(settlement__order=order).exists()
    assert settlement_catch_up() == 1
    assert list(SettlementEntry.objects.filter(settlement__order=order).values_list("kind", flat=True)) == [
        "payment",
        "earnings",
    ]
