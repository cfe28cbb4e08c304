"""A completion costs a fixed number of SQL statements, whatever the number of lines: the flash-sale
figure of benchmarks/checkout_race.py rests on it (each statement is ~0.3 ms of Python and a round trip)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.catalog import services as catalog
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.models import Checkout, CheckoutDelivery, CheckoutLine, Reservation
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.inventory.services import stock_update
from marketplace.orders.models import Order, OrderLine
from marketplace.payments.services import transaction_initialize
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE

pytestmark = pytest.mark.django_db

# The checkout lock, its lines, deliveries, the delivery zone, the payments, the candidate stocks; the
# address copies, the orders, the lines + events + checkout deletion, the stock lock, the stock take +
# allocations + movements (on a snapshot taken under the lock: issue 12); with the SET LOCAL of generic
# plans and the transaction's begin and end.
STATEMENTS = 14


def _paid_checkout(buyer, rural, variants):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, 1) for variant in variants])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(
        checkout, shipping_method=variants[0].product.shop.shipping_methods.get(kind="county")
    )
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key="k", user=buyer
    )
    return checkout


def _statements(checkout, buyer) -> int:
    with CaptureQueriesContext(connection) as captured:
        orders = checkout_complete(checkout.pk, user=buyer).orders
    assert len(orders) == 1
    return len(captured.captured_queries)


def test_the_same_statements_for_one_line_or_three(buyer, make_user, rural, pears, settings):
    settings.FOLLOW_UPS_IN_WORKER = True  # as in production: the settlement postings follow in a task
    owner, warehouse = pears["owner"], pears["warehouse"]
    more = []
    for n in range(2):
        variant = catalog.variant_create(
            pears["variant"].product, actor=owner, sku=f"PEAR-BOX-{n}", name=f"{n + 2}斤装"
        )
        catalog.variant_channel_listing_update(variant, actor=owner, prices=[{"channel": rural, "price": "20.00"}])
        stock_update(warehouse, variant, actor=owner, quantity=50)  # no low-stock notice (one statement more)
        more.append(variant)
    one = _paid_checkout(buyer, rural, [pears["variant"]])
    three = _paid_checkout(make_user(), rural, [pears["variant"], *more])
    assert _statements(one, buyer) == STATEMENTS
    assert _statements(three, three.user) == STATEMENTS
    assert OrderLine.objects.count() == 4 and Order.objects.count() == 2
    # the statement that writes the lines also removed both checkouts and everything hanging on them
    assert not Checkout.objects.exists() and not CheckoutLine.objects.exists()
    assert not CheckoutDelivery.objects.exists() and not Reservation.objects.exists()
