"""Cash on delivery that the shop collects itself (at its door or its own counter) stays with the
shop: settlement never pays it out again. The order leaves only its commission as a debt, netted
in the next payout; cash collected by a driver or a station agent is the platform's, as before."""

from decimal import Decimal

from django.utils import timezone

from marketplace.orders.services.delivery import order_handover
from marketplace.orders.services.lifecycle import order_fulfill, order_refund
from marketplace.settlement.accounts import shop_code
from marketplace.settlement.models import OrderSettlement, PayoutLine
from marketplace.settlement.selectors import shop_balances, shop_weekly_earnings
from marketplace.settlement.services.payouts import payout_batch_create
from marketplace.settlement.services.sync import settlement_catch_up, settlement_order_sync, settlement_release_due
from marketplace.shops.models import ShopMember
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import COD, placed_orders
from tests.marketplace.settlement.helpers import (
    account_balance,
    assert_balances_match_postings,
    code_of,
    entry_kinds,
    order_postings,
)
from tests.marketplace.settlement.journeys import (
    after_window,
    collected_at_station,
    fresh,
    picked_up_at_store,
    released_at_store,
    released_pears,
)

D = Decimal


def cod_pears_handed_over(buyer, rural, pears, collector, key):
    """Local delivery of 2 pears (25.00 + shipping), cash taken at the door by ``collector``."""
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=COD, key=key)
    order_fulfill(
        order,
        actor=pears["owner"],
        lines=[(line, line.quantity, "2.0") for line in order.lines.all()],
        local_delivery=True,
    )
    return order_handover(fresh(order), actor=collector, cash_collected=True)


def test_cash_taken_by_the_seller_at_the_door_is_not_paid_out_again(buyer, rural, pears, rules):
    order = fresh(cod_pears_handed_over(buyer, rural, pears, pears["owner"], "fix-cod-door"))
    total = order.total_amount
    assert order.charged_amount == total and order.shipping_amount > 0
    # 3% of the 25.00 of pears; the shop keeps all the cash, so the order's share is minus the commission.
    assert order_postings(order) == {
        "gateway": -total,
        "clearing": 0,
        "commission": D("0.75"),
        "pending": D("-0.75"),
        "available": 0,
        "paid_out": 0,
    }
    assert entry_kinds(order) == ["payment", "earnings", "cash_kept"]
    assert account_balance(shop_code(pears["shop"].pk, "cash", "CNY")) == total
    assert OrderSettlement.objects.get(order=order).shop_cash_amount == total
    # The weekly earnings are what the shop earned (the cash it kept is not a loss).
    assert shop_weekly_earnings(pears["shop"].pk)[-1][1].amount == total - D("0.75")

    card = released_pears(buyer, rural, pears, key="fix-card")  # a card-paid order of the same shop
    card_earnings = order_postings(card)["available"]
    assert card_earnings == fresh(card).total_amount - D("0.75")
    settlement_release_due(after_window(order))  # (released with the card order already, its window being older)
    assert entry_kinds(order)[-1] == "release"
    assert order_postings(order)["available"] == D("-0.75") and order_postings(order)["pending"] == 0

    [payout] = payout_batch_create(timezone.localdate()).payouts.all()
    assert payout.amount == card_earnings - D("0.75")  # nothing for the cash order; its commission netted
    assert sorted(PayoutLine.objects.filter(payout=payout).values_list("order_id", "amount")) == sorted(
        [(order.pk, D("-0.75")), (card.pk, card_earnings)]
    )
    balances = shop_balances(pears["shop"].pk)
    assert (balances["pending"].amount, balances["available"].amount) == (0, 0)
    assert balances["paid_out"].amount == card_earnings - D("0.75")
    assert account_balance(code_of("commission", 0)) == D("1.50")
    assert account_balance(code_of("clearing", 0)) == 0
    assert_balances_match_postings(pears["shop"].pk)


def test_cash_taken_at_the_shops_own_counter_stays_with_the_shop(buyer, rural, cooker, rules):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 1)], gateway=COD, pickup=cooker["store"], key="fix-cod-counter"
    )
    assert entry_kinds(order) == []
    order = picked_up_at_store(order, cooker)  # the store's clerk (here its owner) takes 199.00
    assert order_postings(order) == {
        "gateway": D("-199.00"),
        "clearing": 0,
        "commission": D("11.94"),
        "pending": D("-11.94"),
        "available": 0,
        "paid_out": 0,
    }
    released = released_at_store(buyer, rural, cooker, quantity=1)  # paid online: 187.06 available
    settlement_release_due(after_window(order))
    [payout] = payout_batch_create(timezone.localdate()).payouts.all()
    assert payout.amount == D("187.06") - D("11.94")
    assert sorted(payout.lines.values_list("order_id", "amount")) == sorted(
        [(order.pk, D("-11.94")), (released.pk, D("187.06"))]
    )
    assert_balances_match_postings(cooker["shop"].pk)


def test_a_shop_with_only_cash_orders_gets_no_payout_and_owes_the_commission(buyer, rural, pears, rules):
    order = cod_pears_handed_over(buyer, rural, pears, pears["owner"], "fix-cod-only")
    settlement_release_due(after_window(order))
    assert not payout_batch_create(timezone.localdate()).payouts.exists()
    assert shop_balances(pears["shop"].pk)["available"].amount == D("-0.75")


def test_cash_taken_by_a_driver_is_the_platforms_as_before(buyer, rural, pears, make_user, rules):
    driver = make_user(Role.DRIVER)
    order = fresh(cod_pears_handed_over(buyer, rural, pears, driver, "fix-cod-driver"))
    total = order.total_amount
    assert order_postings(order) == {
        "gateway": -total,
        "clearing": 0,
        "commission": D("0.75"),
        "pending": total - D("0.75"),
        "available": 0,
        "paid_out": 0,
    }
    assert entry_kinds(order) == ["payment", "earnings"]
    settlement_release_due(after_window(order))
    [payout] = payout_batch_create(timezone.localdate()).payouts.all()
    assert payout.amount == total - D("0.75")
    assert account_balance(shop_code(pears["shop"].pk, "cash", "CNY")) == 0
    assert_balances_match_postings(pears["shop"].pk)


def test_cash_taken_by_a_station_agent_is_the_platforms_as_before(buyer, rural, pears, station, station_agent, rules):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station, gateway=COD, key="fix-cod-station")
    order = collected_at_station(order, pears, station, station_agent)
    assert entry_kinds(order) == ["payment", "earnings"]
    assert order_postings(order)["pending"] == D("25.00") - D("0.75")
    assert OrderSettlement.objects.get(order=order).shop_cash_amount == 0


def test_a_refund_of_kept_cash_is_handed_back_by_the_shop(buyer, rural, pears, rules):
    order = cod_pears_handed_over(buyer, rural, pears, pears["owner"], "fix-cod-refund")
    total = fresh(order).total_amount
    settlement_release_due(after_window(order))
    order_refund(fresh(order), "10.00", actor=pears["owner"], reason="坏了两个")
    kept = total - D("10.00")
    # The commission follows the money kept (0.75 × kept / total); the shop still owes only that.
    commission = (D("0.75") * kept / total).quantize(D("0.01"))
    assert order_postings(order) == {
        "gateway": -kept,
        "clearing": 0,
        "commission": commission,
        "pending": 0,
        "available": -commission,
        "paid_out": 0,
    }
    assert account_balance(shop_code(pears["shop"].pk, "cash", "CNY")) == kept
    assert entry_kinds(order)[-3:] == ["refund", "clawback", "cash_kept"]
    assert_balances_match_postings(pears["shop"].pk)


def test_who_collected_is_decided_once_a_later_staff_change_rewrites_nothing(buyer, rural, pears, rules):
    order = cod_pears_handed_over(buyer, rural, pears, pears["owner"], "fix-cod-staff")
    ShopMember.objects.filter(shop=pears["shop"], user=pears["owner"]).delete()  # the collector leaves the shop
    settlement_release_due(after_window(order))
    assert settlement_order_sync(fresh(order), now=after_window(order)) == []
    assert settlement_catch_up() == 0
    assert order_postings(order)["available"] == D("-0.75")
    assert_balances_match_postings(pears["shop"].pk)


def test_in_the_worker_the_cash_is_kept_the_same(
    buyer, rural, pears, rules, settings, django_capture_on_commit_callbacks
):
    settings.FOLLOW_UPS_IN_WORKER = True
    with django_capture_on_commit_callbacks(execute=True):
        order = cod_pears_handed_over(buyer, rural, pears, pears["owner"], "fix-cod-worker")
    assert entry_kinds(order) == ["payment", "earnings", "cash_kept"]
    assert order_postings(order)["pending"] == D("-0.75")


def test_operators_see_the_cash_kept_on_the_order_settlement(client, make_user, buyer, rural, pears, rules):
    from django.urls import reverse

    order = cod_pears_handed_over(buyer, rural, pears, pears["owner"], "fix-cod-admin")
    settlement = OrderSettlement.objects.get(order=order)
    client.force_login(make_user(Role.OPERATOR))
    page = client.get(reverse("admin:settlement_ordersettlement_change", args=[settlement.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert str(fresh(order).total_amount) in content and "cash_events_seen" not in content
    assert client.get(reverse("admin:settlement_ordersettlement_changelist")).status_code == 200
