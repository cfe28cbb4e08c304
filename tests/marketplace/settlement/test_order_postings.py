"""Postings an order's life requires: payment, earnings pending, release after the after-sales
window, refunds clawed back before and after release, cancellation, two shops in one checkout."""

from decimal import Decimal

from django.utils import timezone

from marketplace.orders.services.lifecycle import order_cancel, order_fulfill, order_refund
from marketplace.orders.services.pickup import order_pickup_verify
from marketplace.settlement.models import CommissionLine, OrderSettlement, SettlementEntry
from marketplace.settlement.selectors import shop_balances, shop_weekly_earnings
from marketplace.settlement.services.sync import settlement_catch_up, settlement_order_sync, settlement_release_due
from tests.marketplace.checkout.helpers import COD, OFFLINE, placed_orders
from tests.marketplace.settlement.helpers import (
    account_balance,
    assert_balances_match_postings,
    code_of,
    entry_kinds,
    order_postings,
)
from tests.marketplace.settlement.journeys import after_window, cooker_order, delivered, fresh

D = Decimal


def test_paid_order_posts_payment_and_pending_earnings_then_releases(buyer, rural, cooker, rules):
    order = cooker_order(buyer, rural, cooker)
    assert order.charged_amount == order.total_amount == D("398.00")
    # The cooker is filed under fruit and sold by a store: the (fruit, store) rule, 6%.
    assert order_postings(order) == {
        "gateway": D("-398.00"),
        "clearing": 0,
        "commission": D("23.88"),
        "pending": D("374.12"),
        "available": 0,
        "paid_out": 0,
    }
    assert entry_kinds(order) == ["payment", "earnings"]
    line = CommissionLine.objects.get(settlement__order=order)
    assert (line.rule, line.rate_percent) == (rules["fruit_store"], D("6.00"))
    assert SettlementEntry.objects.get(settlement__order=order, kind="earnings").commission_rate_percent == D("6.0000")

    delivered(order, cooker["owner"], buyer)
    assert entry_kinds(order) == ["payment", "earnings"]  # delivered, but the after-sales window is open
    assert settlement_release_due(timezone.now()) == 0
    assert settlement_release_due(after_window(order)) == 1
    assert order_postings(order)["pending"] == 0 and order_postings(order)["available"] == D("374.12")
    assert entry_kinds(order) == ["payment", "earnings", "release"]
    assert OrderSettlement.objects.get(order=order).released_at is not None
    assert settlement_release_due(after_window(order)) == 0
    assert settlement_order_sync(fresh(order), now=after_window(order)) == []
    assert shop_balances(cooker["shop"].pk)["available"].amount == D("374.12")
    assert_balances_match_postings(cooker["shop"].pk)


def test_sync_twice_or_late_or_with_a_stale_copy_posts_nothing_new(buyer, rural, cooker, rules):
    order = cooker_order(buyer, rural, cooker)
    stale = type(order).objects.get(pk=order.pk)
    order_refund(order, "50.00", actor=cooker["owner"])
    count = SettlementEntry.objects.count()
    assert settlement_order_sync(fresh(order)) == []
    assert settlement_order_sync(stale) == []  # an old copy: charged/refunded are read from the row too
    assert settlement_catch_up() == 0  # every order's money is as last settled
    assert SettlementEntry.objects.count() == count
    keys = SettlementEntry.objects.filter(settlement__order=order).values_list("sequence", flat=True)
    assert list(keys) == [1, 2, 3, 4]


def test_refund_before_release_claws_back_pending(buyer, rural, cooker, rules):
    order = cooker_order(buyer, rural, cooker)
    order_fulfill(order, actor=cooker["owner"], lines=[(line, line.quantity, None) for line in order.lines.all()])
    order_refund(order, "100.00", actor=cooker["owner"], reason="包装破损")
    # Commission follows the money kept: 23.88 × 298 / 398 = 17.88.
    assert order_postings(order) == {
        "gateway": D("-298.00"),
        "clearing": 0,
        "commission": D("17.88"),
        "pending": D("280.12"),
        "available": 0,
        "paid_out": 0,
    }
    assert entry_kinds(order) == ["payment", "earnings", "refund", "clawback"]
    order_pickup_verify(cooker["store"], order.pickup_code, agent=cooker["owner"])
    settlement_release_due(after_window(order))
    assert order_postings(order)["available"] == D("280.12") and order_postings(order)["pending"] == 0
    assert_balances_match_postings(cooker["shop"].pk)


def test_refund_after_release_claws_back_available(buyer, rural, cooker, rules):
    order = cooker_order(buyer, rural, cooker)
    delivered(order, cooker["owner"], buyer)
    settlement_release_due(after_window(order))
    order_refund(order, "199.00", actor=cooker["owner"], reason="一台不能用")
    assert order_postings(order) == {
        "gateway": D("-199.00"),
        "clearing": 0,
        "commission": D("11.94"),
        "pending": 0,
        "available": D("187.06"),
        "paid_out": 0,
    }
    assert entry_kinds(order)[-2:] == ["refund", "clawback"]
    assert_balances_match_postings(cooker["shop"].pk)


def test_cancelled_prepaid_order_nets_to_zero_and_unpaid_cod_posts_nothing(buyer, rural, pears, rules):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    assert order_postings(order)["pending"] > 0
    order_cancel(order, actor=buyer, reason="买错了")
    assert set(order_postings(order).values()) == {0}
    assert entry_kinds(order) == ["payment", "earnings", "refund", "clawback"]
    [cod] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=COD, key="pay-cod")
    order_cancel(cod, actor=buyer)
    assert not OrderSettlement.objects.filter(order=cod).exists()
    assert_balances_match_postings(pears["shop"].pk)


def test_two_shops_in_one_checkout_each_get_their_own_earnings(buyer, rural, pears, cooker, station, rules):
    orders = placed_orders(
        buyer, rural, [(pears["variant"], 2), (cooker["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=station
    )
    by_shop = {order.shop_id: fresh(order) for order in orders}
    pear_order, cooker_order_ = by_shop[pears["shop"].pk], by_shop[cooker["shop"].pk]
    # Pears (their own sub-category) pay 3% of 25.00; the cooker 6% of 199.00.
    assert order_postings(pear_order)["commission"] == D("0.75")
    assert order_postings(pear_order)["pending"] == pear_order.total_amount - D("0.75")
    assert order_postings(cooker_order_)["commission"] == D("11.94")
    assert order_postings(cooker_order_)["pending"] == cooker_order_.total_amount - D("11.94")
    assert shop_balances(pears["shop"].pk)["pending"].amount == pear_order.total_amount - D("0.75")
    assert shop_balances(cooker["shop"].pk)["pending"].amount == cooker_order_.total_amount - D("11.94")
    assert account_balance(code_of("gateway", 0)) == -(pear_order.total_amount + cooker_order_.total_amount)
    assert account_balance(code_of("clearing", 0)) == 0
    for shop in (pears["shop"], cooker["shop"]):
        assert_balances_match_postings(shop.pk)


def test_weighed_lighter_settles_on_the_weighed_total(buyer, rural, pears, rules):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4)], gateway=OFFLINE, action="CHARGE")
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 4, "3.6")], local_delivery=True)
    order = fresh(order)
    assert order.refunded_amount == D("5.00")
    # 3% of the weighed 45.00; shipping carries no commission.
    assert order_postings(order)["commission"] == D("1.35")
    assert order_postings(order)["pending"] == order.total_amount - D("1.35")
    assert order_postings(order)["gateway"] == -order.total_amount
    assert_balances_match_postings(pears["shop"].pk)


def test_cash_at_the_station_posts_when_collected(buyer, rural, pears, station, station_agent, rules):
    from marketplace.orders.services.pickup import order_pickup_verify

    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")])
    assert entry_kinds(order) == []
    order_pickup_verify(station, fresh(order).pickup_code, agent=station_agent, cash_collected=True)
    assert entry_kinds(order) == ["payment", "earnings"]
    assert order_postings(order)["pending"] == D("25.00") - D("0.75")


def test_weekly_earnings_series(buyer, rural, cooker, rules):
    order = cooker_order(buyer, rural, cooker)
    order_refund(order, "100.00", actor=cooker["owner"])
    series = shop_weekly_earnings(cooker["shop"].pk)
    assert len(series) == 12 and series[-1][0].weekday() == 0
    assert series[-1][1].amount == D("280.12") and all(amount.amount == 0 for _, amount in series[:-1])


def test_catch_up_finds_money_changed_without_an_event(buyer, rural, cooker, rules):
    from marketplace.orders.models import Order

    order = cooker_order(buyer, rural, cooker)
    Order.objects.filter(pk=order.pk).update(refunded_amount=D("100.00"))  # as if the event never ran
    assert settlement_catch_up() == 1
    assert entry_kinds(order)[-2:] == ["refund", "clawback"] and order_postings(order)["gateway"] == D("-298.00")
    assert settlement_catch_up() == 0


def test_an_open_complaint_holds_the_earnings_until_it_is_resolved(buyer, rural, cooker, rules):
    from marketplace.complaints.services import complaint_create, complaint_resolve

    order = delivered(cooker_order(buyer, rural, cooker), cooker["owner"], buyer)
    complaint = complaint_create(fresh(order), buyer=buyer, category="quality", description="内胆有划痕")
    settlement_release_due(after_window(order))
    assert entry_kinds(order) == ["payment", "earnings"]
    complaint_resolve(
        complaint, actor=cooker["owner"], as_operator=False, resolution="refund", amount="20.00", note="补偿划痕"
    )
    settlement_release_due(after_window(order))
    assert "release" in entry_kinds(order)
    postings = order_postings(order)
    assert postings["pending"] == 0 and postings["available"] > 0
    assert_balances_match_postings(cooker["shop"].pk)
