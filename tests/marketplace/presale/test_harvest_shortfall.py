"""Harvest of a pre-sale that falls short, on orders the first pre-sale tests do not build: an order
with another product beside its pre-sale line, a balance paid before the harvest, and lines shipped
before it (data from before shipping a pre-sale line early was refused)."""

from decimal import Decimal

import pytest

from marketplace.inventory.models import StockMovement
from marketplace.orders.models import Allocation, Order, OrderEvent, OrderEventType, OrderLine, OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.payments.services import transaction_initialize
from marketplace.presale.models import CampaignStatus
from marketplace.presale.services import presale_harvest
from marketplace.settlement.models import CommissionLine
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import OFFLINE
from tests.marketplace.factories import listed_product
from tests.marketplace.presale.helpers import pear_stock, place, refunded_on_items


@pytest.fixture
def apple(pears, rural):
    """Another product of the pear farmer, sold from stock (not on pre-sale)."""
    return listed_product(
        pears["shop"], pears["owner"], rural, name="国光苹果", price="5.00", quantity=20
    ).variants.get()


def pay_balance(order, buyer, key):
    return transaction_initialize(
        checkout_token=order.checkout_token, gateway_id=OFFLINE, action="CHARGE", idempotency_key=key, user=buyer
    ).item


def test_harvest_drops_an_unserved_line_and_keeps_the_order(make_user, rural, pears, apple, campaign):
    buyers = [make_user() for _ in range(3)]
    first = place(buyers[0], rural, pears["shop"], [(pears["variant"], 3)], "a")
    mixed = place(buyers[1], rural, pears["shop"], [(pears["variant"], 2), (apple, 1)], "b")
    last = place(buyers[2], rural, pears["shop"], [(pears["variant"], 1)], "c")
    shipping = mixed.shipping_amount
    # 2 pears: 25.00, 30% now = 7.50; the apple 5.00 in full; the delivery fee in full.
    assert mixed.charged_amount == Decimal("12.50") + shipping and mixed.total_amount == Decimal("30.00") + shipping
    pear_line = mixed.lines.get(variant=pears["variant"])
    apple_line = mixed.lines.get(variant=apple)
    assert CommissionLine.objects.filter(order_line=pear_line).exists()  # frozen when the deposit was settled
    apple_stock = pears["warehouse"].stocks.get(variant=apple)
    apple_allocated = apple_stock.quantity_allocated
    before = pear_stock(pears)

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=3, warehouse=pears["warehouse"])

    for order in (first, mixed, last):
        order.refresh_from_db()
    assert first.lines.get().quantity == 3 and first.refunded_amount == 0 and refunded_on_items(first) == 0
    assert Allocation.objects.get(order_line__order=first).quantity_allocated == 3
    # The pear line is gone, the apple stays, its deposit is back on the order and on the card.
    assert list(mixed.lines.values_list("pk", "quantity")) == [(apple_line.pk, 1)]
    assert not OrderLine.objects.filter(pk=pear_line.pk).exists()
    assert not CommissionLine.objects.filter(order_line_id=pear_line.pk).exists()
    assert mixed.status == OrderStatus.UNCONFIRMED
    assert mixed.subtotal_amount == Decimal("5.00") and mixed.total_amount == Decimal("5.00") + shipping
    assert mixed.refunded_amount == Decimal("7.50") and refunded_on_items(mixed) == Decimal("7.50")
    assert mixed.charged_amount - mixed.refunded_amount == mixed.total_amount  # the apple and the fee, nothing owed
    note = mixed.events.get(type=OrderEventType.NOTE, data__line_removed=True)
    assert note.data["harvest_short"] == 2 and note.data["deposit_refunded"] == "7.50"
    assert mixed.events.filter(type=OrderEventType.REFUNDED, data__amount="7.50").count() == 1
    # An order with nothing left is cancelled and refunded in full, as before.
    assert last.status == OrderStatus.CANCELED and last.refunded_amount == last.charged_amount
    assert refunded_on_items(last) == last.charged_amount
    stock = pear_stock(pears)
    assert stock.quantity == before.quantity + 3 and stock.quantity_allocated == before.quantity_allocated + 3
    apple_stock.refresh_from_db()
    assert apple_stock.quantity_allocated == apple_allocated
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.HARVESTED and campaign.harvested_quantity == 3

    # What is left of the order ships as usual: the apple was paid in full.
    order_fulfill(mixed, actor=pears["owner"], lines=[(apple_line, 1, "1.0")])
    mixed.refresh_from_db()
    assert mixed.status == OrderStatus.FULFILLED and mixed.refunded_amount == Decimal("7.50")


def test_harvest_refunds_a_balance_paid_early(make_user, rural, pears, campaign):
    buyers = [make_user() for _ in range(2)]
    first = place(buyers[0], rural, pears["shop"], [(pears["variant"], 3)], "a")
    second = place(buyers[1], rural, pears["shop"], [(pears["variant"], 4)], "b")
    shipping = second.shipping_amount
    balance = pay_balance(second, buyers[1], "balance")
    assert balance.charged_amount == Decimal("35.00")
    second.refresh_from_db()
    assert second.charged_amount == second.total_amount == Decimal("50.00") + shipping

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=5, warehouse=pears["warehouse"])

    second.refresh_from_db()
    assert second.lines.get().quantity == 2 and second.total_amount == Decimal("25.00") + shipping
    # Not only the 7.50 deposit of the 2 missing pears: everything paid for them goes back.
    assert second.refunded_amount == Decimal("25.00") and refunded_on_items(second) == Decimal("25.00")
    assert second.charged_amount - second.refunded_amount == second.total_amount
    assert Allocation.objects.get(order_line__order=second).quantity_allocated == 2
    first.refresh_from_db()
    assert first.refunded_amount == 0 and Allocation.objects.get(order_line__order=first).quantity_allocated == 3
    assert pear_stock(pears).quantity_allocated == 5


def _shipped_before_harvest(order, buyer, units, key):
    """Data from before shipping a pre-sale line early was refused: balance paid, ``units`` marked shipped."""
    pay_balance(order, buyer, key)
    line = order.lines.get()
    OrderLine.objects.filter(pk=line.pk).update(quantity_fulfilled=units)
    status = OrderStatus.FULFILLED if units == line.quantity else OrderStatus.PARTIALLY_FULFILLED
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return line


def test_harvest_gives_nothing_to_a_line_already_shipped(make_user, rural, pears, campaign):
    buyers = [make_user() for _ in range(2)]
    shipped = place(buyers[0], rural, pears["shop"], [(pears["variant"], 3)], "a")
    waiting = place(buyers[1], rural, pears["shop"], [(pears["variant"], 2)], "b")
    shipped_line = _shipped_before_harvest(shipped, buyers[0], 3, "balance")
    paid = shipped.charged_amount
    before = pear_stock(pears)

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=2, warehouse=pears["warehouse"])

    shipped.refresh_from_db()
    assert shipped.status == OrderStatus.FULFILLED and shipped.lines.get().quantity == 3
    assert shipped.refunded_amount == 0 and shipped.charged_amount == paid and refunded_on_items(shipped) == 0
    assert not Allocation.objects.filter(order_line=shipped_line).exists()
    # The shipped order took none of the harvest: the next order gets it all.
    waiting.refresh_from_db()
    assert (
        waiting.status == OrderStatus.UNCONFIRMED and waiting.lines.get().quantity == 2 and waiting.refunded_amount == 0
    )
    assert Allocation.objects.get(order_line__order=waiting).quantity_allocated == 2
    stock = pear_stock(pears)
    assert stock.quantity == before.quantity + 2 and stock.quantity_allocated == before.quantity_allocated + 2


def test_harvest_never_cuts_a_line_below_what_was_shipped(make_user, rural, pears, campaign):
    buyer = make_user()
    order = place(buyer, rural, pears["shop"], [(pears["variant"], 3)], "a")
    shipping = order.shipping_amount
    line = _shipped_before_harvest(order, buyer, 1, "balance")
    assert order.status == OrderStatus.PARTIALLY_FULFILLED and order.charged_amount == Decimal("37.50") + shipping
    before = pear_stock(pears)

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=0, warehouse=pears["warehouse"])

    order.refresh_from_db()
    line.refresh_from_db()
    # The shipped pear stays; the 2 the field did not give are refunded in full (they were paid).
    assert line.quantity == 1 and line.quantity_fulfilled == 1 and line.total_price_amount == Decimal("12.50")
    assert order.total_amount == Decimal("12.50") + shipping
    assert order.refunded_amount == Decimal("25.00") and refunded_on_items(order) == Decimal("25.00")
    # Nothing is left to ship: the order is shipped, and says so once.
    assert (
        order.status == OrderStatus.FULFILLED and order.fulfilled_at is not None and order.auto_confirm_at is not None
    )
    assert order.events.filter(type=OrderEventType.FULFILLED).count() == 1
    assert not Allocation.objects.filter(order_line=line).exists()
    stock = pear_stock(pears)
    assert (stock.quantity, stock.quantity_allocated) == (before.quantity, before.quantity_allocated)


def test_an_order_whose_other_line_shipped_is_shipped_when_the_harvest_gives_nothing(
    make_user, rural, pears, apple, campaign
):
    buyer = make_user()
    mixed = place(buyer, rural, pears["shop"], [(pears["variant"], 2), (apple, 1)], "a")
    shipping = mixed.shipping_amount
    pay_balance(mixed, buyer, "balance")
    apple_line = mixed.lines.get(variant=apple)
    order_fulfill(mixed, actor=pears["owner"], lines=[(apple_line, 1, "1.0")])
    mixed.refresh_from_db()
    assert mixed.status == OrderStatus.PARTIALLY_FULFILLED and mixed.charged_amount == Decimal("30.00") + shipping
    before = pear_stock(pears)

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=0, warehouse=pears["warehouse"])

    mixed.refresh_from_db()
    assert list(mixed.lines.values_list("pk", "quantity", "quantity_fulfilled")) == [(apple_line.pk, 1, 1)]
    assert mixed.total_amount == Decimal("5.00") + shipping
    # The 2 pears were paid in full before the harvest: all 25.00 goes back, on the order and the card.
    assert mixed.refunded_amount == Decimal("25.00") and refunded_on_items(mixed) == Decimal("25.00")
    assert mixed.status == OrderStatus.FULFILLED and mixed.auto_confirm_at is not None
    assert mixed.events.filter(type=OrderEventType.FULFILLED, data__harvest_short=True).count() == 1
    stock = pear_stock(pears)
    assert (stock.quantity, stock.quantity_allocated) == (before.quantity, before.quantity_allocated)


@pytest.mark.parametrize("quantity", [-1, None, "3", True, 2.5])
def test_harvest_refuses_a_bad_quantity_and_writes_nothing(make_user, rural, pears, campaign, quantity):
    order = place(make_user(), rural, pears["shop"], [(pears["variant"], 2)], "a")
    before = pear_stock(pears)
    movements, events = StockMovement.objects.count(), OrderEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        presale_harvest(campaign, actor=pears["owner"], harvested_quantity=quantity, warehouse=pears["warehouse"])
    assert refused.value.code == "invalid" and refused.value.field == "harvestedQuantity"
    campaign.refresh_from_db()
    order.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN and campaign.harvested_quantity is None
    assert order.lines.get().quantity == 2 and order.refunded_amount == 0
    stock = pear_stock(pears)
    assert (stock.quantity, stock.quantity_allocated) == (before.quantity, before.quantity_allocated)
    assert (StockMovement.objects.count(), OrderEvent.objects.count()) == (movements, events)
