"""Issue 12: units held for a buyer are sold to that buyer, and a buyer refused for stock hears so
again rather than being asked to pay again. (The concurrent race: test_checkout_race.py.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.models import Reservation
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.inventory.models import Stock
from marketplace.inventory.services import stock_update, warehouse_create
from marketplace.orders.models import Allocation
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_initialize
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reservations_on(settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 20


def _paid(buyer, rural, variant, key, quantity=1):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, quantity)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=variant.product.shop.shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key=key, user=buyer
    )
    return checkout


def _code(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as err:
        call(*args, **kwargs)
    return err.value.code


def test_a_buyer_refused_for_stock_is_told_so_again_not_asked_to_pay_again(make_user, rural, pears):
    variant, owner, warehouse = pears["variant"], pears["owner"], pears["warehouse"]
    stock_update(warehouse, variant, actor=owner, quantity=1)
    late = make_user()
    checkout = _paid(late, rural, variant, "late")
    # its hold lapsed while it dawdled; another buyer now holds the last unit
    Reservation.objects.filter(checkout_line__checkout=checkout).update(
        reserved_until=timezone.now() - timedelta(minutes=1)
    )
    other = checkout_create(channel=rural, user=make_user(), lines=[(variant, 1)])

    assert _code(checkout_complete, checkout.pk, user=late) == "insufficient_stock"
    item = TransactionItem.objects.get(checkout_token=checkout.pk)
    assert item.charged_amount == item.refunded_amount  # the money went back
    # the retry: the units are still held by the other buyer, so paying again would not help
    assert _code(checkout_complete, checkout.pk, user=late) == "insufficient_stock"
    assert not Allocation.objects.exists()
    # once the other buyer lets go, the unit is there and payment is what is missing
    other.lines.all().delete()
    assert _code(checkout_complete, checkout.pk, user=late) == "checkout_not_fully_paid"


def test_a_holder_is_served_from_the_warehouse_holding_its_units(make_user, rural, pears):
    """With the units of another warehouse free too, the completion takes the held ones (free for this
    buyer whatever others do), so a rush on the other warehouse cannot refuse a holder."""
    variant, owner, shop = pears["variant"], pears["owner"], pears["shop"]
    stock_update(pears["warehouse"], variant, actor=owner, quantity=1)
    buyer = make_user()
    checkout = _paid(buyer, rural, variant, "holder")
    held = Stock.objects.get(warehouse=pears["warehouse"], variant=variant)
    assert Reservation.objects.get(checkout_line__checkout=checkout).stock_id == held.pk
    bigger = stock_update(
        warehouse_create(shop, actor=owner, name="二号仓", kind="home"), variant, actor=owner, quantity=5
    )

    checkout_complete(checkout.pk, user=buyer)
    [allocation] = Allocation.objects.all()
    assert (allocation.stock_id, allocation.quantity_allocated) == (held.pk, 1)
    assert Stock.objects.get(pk=bigger.pk).quantity_allocated == 0
