"""One payment, several shops' orders: each order's share is what it owes now (a pre-sale order its
deposit, any other its total) before any surplus, and a cancelled order keeps what it was charged
and refunded, so its refund never becomes a sibling's payment."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.models import Order, OrderEvent, OrderEventType, OrderStatus
from marketplace.orders.payment_hooks import payment_shares_spread
from marketplace.orders.services.lifecycle import order_cancel, order_fulfill, order_refund
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_charge, transaction_initialize
from marketplace.presale.services import presale_campaign_open
from tests.marketplace.checkout.factories import farmer_with_pears
from tests.marketplace.checkout.helpers import ADDRESS, COD, OFFLINE, placed_orders

D = Decimal


@pytest.fixture
def campaign(pears, rural):
    """Pears on pre-sale: 30% now, the balance after the harvest."""
    return presale_campaign_open(
        pears["variant"],
        rural,
        actor=pears["owner"],
        deposit_percent="30",
        expected_quantity=10,
        harvest_expected_on=timezone.localdate() + timedelta(days=30),
    )


def fresh(order):
    order.refresh_from_db()
    return order


def by_shop(orders, *shops):
    found = {order.shop_id: fresh(order) for order in orders}
    return [found[shop["shop"].pk] for shop in shops]


def paid_events(order):
    return list(OrderEvent.objects.filter(order=order, type=OrderEventType.PAID).values_list("data__amount", flat=True))


def assert_shares_add_up(token):
    """The orders' shares hold exactly what the checkout's transactions hold, and no order more than its total."""
    orders = list(Order.objects.filter(checkout_token=token))
    items = list(TransactionItem.objects.filter(checkout_token=token))
    net = sum((order.charged_amount - order.refunded_amount for order in orders), D(0))
    assert net == sum((item.charged_amount - item.refunded_amount for item in items), D(0))
    assert sum((order.authorized_amount for order in orders), D(0)) == sum(
        (item.authorized_amount for item in items), D(0)
    )
    for order in orders:
        assert order.charged_amount <= order.total_amount, order
        assert order.charged_amount + order.authorized_amount - order.refunded_amount <= order.total_amount, order


def placed_orders_paying(buyer, channel, lines, amount, *, pickup, key):
    """placed_orders, paying ``amount`` (more than is due now) by the offline gateway."""
    checkout = checkout_create(channel=channel, user=buyer, lines=lines)
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    for shop in {variant.product.shop for variant, _ in lines}:
        checkout_delivery_method_update(checkout, collection_point=pickup, shop=shop)
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", amount=amount, idempotency_key=key, user=buyer
    )
    return checkout_complete(checkout.pk, user=buyer).orders


def deposit_and_cooker(buyer, rural, pears, cooker, station, *, amount=None, cooker_first=False, **payment):
    """4 pears on pre-sale (50.00, 15.00 now) from one shop and a cooker (199.00) from another, collected at the station
    (the orders numbered in that order, or the cooker's first)."""
    lines = [(pears["variant"], 4), (cooker["variant"], 1)]
    if cooker_first:
        lines.reverse()
    if amount is None:
        payment = {"gateway": OFFLINE, "action": "CHARGE", **payment}
        orders = placed_orders(buyer, rural, lines, pickup=station, **payment)
    else:
        orders = placed_orders_paying(buyer, rural, lines, amount, pickup=station, **payment)
    pear_order, cooker_order = by_shop(orders, pears, cooker)
    assert (pear_order.total_amount, cooker_order.total_amount) == (D("50.00"), D("199.00"))
    return pear_order, cooker_order


def test_payment_shares_deposit_first_then_full_price_order(buyer, rural, pears, cooker, station, campaign):
    pear_order, cooker_order = deposit_and_cooker(buyer, rural, pears, cooker, station)
    [item] = TransactionItem.objects.filter(checkout_token=pear_order.checkout_token)
    assert item.charged_amount == D("214.00")  # 15.00 deposit + 199.00
    assert pear_order.charged_amount == D("15.00") and not pear_order.is_paid and paid_events(pear_order) == []
    assert (
        cooker_order.charged_amount == D("199.00") and cooker_order.is_paid and paid_events(cooker_order) == ["199.00"]
    )
    assert_shares_add_up(item.checkout_token)

    # The cooker is paid: its shop can hand it over.
    order_fulfill(cooker_order, actor=cooker["owner"], lines=[(cooker_order.lines.get(), 1, None)])
    assert fresh(cooker_order).status == OrderStatus.FULFILLED

    # The balance after harvest (or early) goes to the pears, the only order still owing.
    balance = transaction_initialize(
        checkout_token=item.checkout_token, gateway_id=OFFLINE, action="CHARGE", idempotency_key="balance", user=buyer
    )
    assert balance.item.charged_amount == D("35.00")
    pear_order, cooker_order = fresh(pear_order), fresh(cooker_order)
    assert pear_order.charged_amount == D("50.00") and pear_order.is_paid and paid_events(pear_order) == ["50.00"]
    assert cooker_order.charged_amount == D("199.00") and paid_events(cooker_order) == ["199.00"]
    assert_shares_add_up(item.checkout_token)


def test_payment_shares_cancelling_the_full_price_order_refunds_all_of_it(
    buyer, rural, pears, cooker, station, campaign
):
    pear_order, cooker_order = deposit_and_cooker(buyer, rural, pears, cooker, station)
    order_cancel(cooker_order, actor=buyer, reason="买错了")
    cooker_order, pear_order = fresh(cooker_order), fresh(pear_order)
    assert cooker_order.refunded_amount == cooker_order.charged_amount == D("199.00")
    [item] = TransactionItem.objects.filter(checkout_token=pear_order.checkout_token)
    assert (item.charged_amount, item.refunded_amount) == (D("214.00"), D("199.00"))
    assert pear_order.charged_amount == D("15.00") and pear_order.refunded_amount == 0
    assert_shares_add_up(item.checkout_token)


def test_payment_shares_cash_on_delivery_authorises_what_is_due_now(buyer, rural, pears, cooker, station, campaign):
    pear_order, cooker_order = deposit_and_cooker(buyer, rural, pears, cooker, station, gateway=COD, action=None)
    assert (pear_order.authorized_amount, pear_order.charged_amount) == (D("15.00"), 0)
    assert (cooker_order.authorized_amount, cooker_order.charged_amount) == (D("199.00"), 0)
    assert_shares_add_up(pear_order.checkout_token)


def test_payment_shares_balance_paid_at_checkout_fills_the_presale_order(
    buyer, rural, pears, cooker, station, campaign
):
    # Everything paid at checkout: the deposit, the cooker and the pears' balance, early.
    other_pears, other_cooker = deposit_and_cooker(buyer, rural, pears, cooker, station, amount="249.00", key="pay-all")
    assert other_pears.charged_amount == D("50.00") and other_pears.is_paid and paid_events(other_pears) == ["50.00"]
    assert other_cooker.charged_amount == D("199.00") and other_cooker.is_paid
    assert_shares_add_up(other_pears.checkout_token)


@pytest.mark.parametrize("cooker_first", [True, False], ids=["cooker_first", "pears_first"])
def test_payment_shares_cancelled_orders_refund_stays_its_own(
    buyer, rural, pears, cooker, station, campaign, cooker_first
):
    pear_order, cooker_order = deposit_and_cooker(buyer, rural, pears, cooker, station, cooker_first=cooker_first)
    assert pear_order.number > cooker_order.number if cooker_first else pear_order.number < cooker_order.number
    token = pear_order.checkout_token
    order_cancel(cooker_order, actor=buyer)
    order_refund(pear_order, "1.00", actor=pears["owner"], reason="碰伤")
    pear_order, cooker_order = fresh(pear_order), fresh(cooker_order)
    assert (pear_order.charged_amount, pear_order.refunded_amount) == (D("15.00"), D("1.00"))
    assert not pear_order.is_paid and paid_events(pear_order) == []
    assert (cooker_order.charged_amount, cooker_order.refunded_amount) == (D("199.00"), D("199.00"))
    [item] = TransactionItem.objects.filter(checkout_token=token)
    assert item.charged_amount - item.refunded_amount == D("14.00")
    assert_shares_add_up(token)


def test_payment_shares_balance_after_a_sibling_was_cancelled(buyer, rural, pears, cooker, station, campaign):
    pear_order, cooker_order = deposit_and_cooker(buyer, rural, pears, cooker, station)
    token = pear_order.checkout_token
    order_cancel(cooker_order, actor=buyer)
    balance = transaction_initialize(
        checkout_token=token, gateway_id=OFFLINE, action="CHARGE", idempotency_key="balance", user=buyer
    )
    assert balance.item.charged_amount == D("35.00")
    pear_order, cooker_order = fresh(pear_order), fresh(cooker_order)
    assert pear_order.charged_amount == D("50.00") and pear_order.is_paid and paid_events(pear_order) == ["50.00"]
    assert (cooker_order.charged_amount, cooker_order.refunded_amount, cooker_order.status) == (
        D("199.00"),
        D("199.00"),
        OrderStatus.CANCELED,
    )
    assert_shares_add_up(token)


def test_payment_shares_add_up_through_cancel_capture_fulfil_and_refund(
    buyer, make_user, rural, pears, cooker, station, campaign
):
    grower = make_user()
    _other_farm, loose_pears = farmer_with_pears(grower, rural, sku="PEAR-LOOSE")
    lines = [(pears["variant"], 4), (cooker["variant"], 1), (loose_pears, 2)]
    orders = placed_orders(buyer, rural, lines, gateway=OFFLINE, action="AUTHORIZATION", pickup=station)
    token = orders[0].checkout_token
    found = {order.shop_id: order for order in orders}
    deposit, appliance, loose = (found[pears["shop"].pk], found[cooker["shop"].pk], found[loose_pears.product.shop_id])
    # Authorised now: the deposit, the cooker, the loose pears (15.00 + 199.00 + 25.00).
    assert [fresh(order).authorized_amount for order in (deposit, appliance, loose)] == [
        D("15.00"),
        D("199.00"),
        D("25.00"),
    ]
    assert_shares_add_up(token)

    order_cancel(appliance, actor=buyer)
    assert fresh(appliance).authorized_amount == 0
    assert_shares_add_up(token)

    # A capture at the checkout level (a gateway webhook, the operator): the deposit first.
    [item] = TransactionItem.objects.filter(checkout_token=token)
    transaction_charge(item, "15.00", reason="deposit captured")
    deposit = fresh(deposit)
    assert (deposit.charged_amount, deposit.authorized_amount) == (D("15.00"), 0) and not deposit.is_paid
    assert fresh(loose).authorized_amount == D("25.00")
    assert_shares_add_up(token)

    # The loose pears are weighed and handed over: their authorisation is captured.
    order_fulfill(loose, actor=grower, lines=[(loose.lines.get(), 2, "2.0")])
    loose = fresh(loose)
    assert (loose.charged_amount, loose.authorized_amount) == (D("25.00"), 0) and loose.is_paid
    assert_shares_add_up(token)

    order_refund(loose, "5.00", actor=grower, reason="碰伤")
    assert fresh(deposit).charged_amount == D("15.00")
    assert fresh(appliance).charged_amount == 0
    assert_shares_add_up(token)

    # The pre-sale balance, paid early.
    transaction_initialize(
        checkout_token=token, gateway_id=OFFLINE, action="CHARGE", amount="35.00", idempotency_key="balance", user=buyer
    )
    deposit = fresh(deposit)
    assert deposit.charged_amount == D("50.00") and deposit.is_paid and paid_events(deposit) == ["50.00"]
    assert fresh(loose).charged_amount == D("25.00") and fresh(appliance).charged_amount == 0
    assert_shares_add_up(token)


def _order(total, *, charged="0.00", authorized="0.00", refunded="0.00", status=OrderStatus.UNCONFIRMED):
    return Order(
        total_amount=D(total),
        subtotal_amount=D(total),
        charged_amount=D(charged),
        authorized_amount=D(authorized),
        refunded_amount=D(refunded),
        status=status,
    )


def _item(charged="0.00", authorized="0.00", refunded="0.00"):
    return SimpleNamespace(charged_amount=D(charged), authorized_amount=D(authorized), refunded_amount=D(refunded))


def test_payment_shares_spread_with_due_now_given_reads_nothing():
    """What checkout completion may pass (its shop groups' due_now): no lookup (this test has no
    database: a query would fail), deposit first, surplus in order."""
    presale, full = _order("50.00"), _order("199.00")
    changed, paid = payment_shares_spread([_item(charged="214.00")], [presale, full], due_now=[D("15.00"), D("199.00")])
    assert (presale.charged_amount, full.charged_amount) == (D("15.00"), D("199.00"))
    assert paid == [full] and changed == [presale, full]
    presale, full = _order("50.00"), _order("199.00")
    payment_shares_spread([_item(charged="224.00")], [presale, full], due_now=[D("15.00"), D("199.00")])
    assert (presale.charged_amount, full.charged_amount) == (D("25.00"), D("199.00"))


def test_payment_shares_spread_leaves_cancelled_money_where_it_is():
    cancelled = _order("199.00", charged="199.00", refunded="199.00", status=OrderStatus.CANCELED)
    presale = _order("50.00", charged="15.00", refunded="1.00")
    changed, paid = payment_shares_spread([_item(charged="214.00", refunded="200.00")], [cancelled, presale])
    assert (changed, paid) == ([], [])
    assert (cancelled.charged_amount, presale.charged_amount) == (D("199.00"), D("15.00"))
    # Money beyond the shares goes to the orders still open, never to the cancelled one.
    payment_shares_spread([_item(charged="249.00", refunded="200.00")], [cancelled, presale])
    assert (cancelled.charged_amount, presale.charged_amount) == (D("199.00"), D("50.00"))


def test_payment_shares_spread_voids_shrink_the_latest_authorisations():
    first, second = _order("30.00", authorized="30.00"), _order("20.00", authorized="20.00")
    changed, _paid = payment_shares_spread([_item(authorized="40.00")], [first, second])
    assert (first.authorized_amount, second.authorized_amount) == (D("30.00"), D("10.00")) and changed == [second]


def test_payment_shares_of_orders_not_saved_yet_need_their_due_now():
    """Orders being created have no lines to read their deposits from: their caller passes due_now."""
    first, second = _order("50.00"), _order("199.00")
    with pytest.raises(ValueError, match="due_now"):
        payment_shares_spread([_item(charged="214.00")], [first, second])
