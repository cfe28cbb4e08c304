"""A commission through its life on the ledger: pending when the order is paid, earned when it was
delivered and its after-sales window closed, paid in the week's payout batch and bank file, clawed
back by a refund (pro rata for a partial one) and carried, never paid, when the balance is negative.
Supplier + distributor + platform always hold exactly what the buyer paid."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from incubator.commission.models import CommissionEvent, CommissionLine, CommissionPayoutHold
from incubator.commission.selectors import distributor_earnings
from incubator.commission.services.lines import commission_earn_due
from incubator.commission.services.payouts import commission_payout_check
from marketplace.orders.services.lifecycle import order_refund
from marketplace.settlement.export import payout_batch_csv
from marketplace.settlement.models import Payout, PayoutPurpose
from marketplace.settlement.services.payouts import payout_batch_create, payout_mark_failed
from meidu.core.errors import DomainError
from meidu.integrations.models import EventPayload
from tests.support.commission import (
    after_window,
    assert_distributor_balances_match_lines,
    assert_every_transaction_balances,
    delivered,
    fresh,
    order_split,
)
from tests.support.distribution import resale_orders

D = Decimal


def paid_through_distributor(buyer, rural, coop, distributor, quantity=3, key="pay-resale"):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], quantity)], key=key)
    return order


def check_split(order):
    order = fresh(order)
    split = order_split(order)
    assert sum(split.values()) == order.charged_amount - order.refunded_amount, split
    assert split["platform"] >= 0 and split["distributor"] >= 0
    assert_every_transaction_balances()
    return split


def test_pending_then_earned_then_paid_in_the_weeks_batch(buyer, rural, coop, distributor, pick, rules):
    order = paid_through_distributor(buyer, rural, coop, distributor)
    [line] = CommissionLine.objects.filter(order=order)
    assert (line.status, line.amount, line.pending_amount) == ("pending", D("4.14"), D("4.14"))
    split = check_split(order)
    # supplier: supply 8.00 x 3 = 24.00 less the platform's 3% on pears (0.72), plus the shipping it earns
    goods_margin = D("41.40") - D("24.00")
    assert split["distributor"] == D("4.14") and split["platform"] == D("0.72") + goods_margin - D("4.14")

    order = delivered(order, coop["owner"], buyer)
    assert CommissionLine.objects.get(pk=line.pk).status == "pending"
    # a pending line past its window reads as earned before the job ran
    assert distributor_earnings(distributor["shop"], now=after_window(order)).earned == D("4.14")
    assert commission_earn_due(after_window(order)) == 1
    line.refresh_from_db()
    assert (line.status, line.pending_amount, line.earned_amount) == ("earned", 0, D("4.14"))
    assert EventPayload.objects.filter(event_type="commission_earned").count() <= 1
    check_split(order)

    batch = payout_batch_create(timezone.localdate())
    commission = Payout.objects.get(batch=batch, purpose=PayoutPurpose.COMMISSION)
    assert (commission.shop, commission.amount) == (distributor["shop"], D("4.14"))
    assert commission.reference.startswith("MD") and "C" in commission.reference
    rows = list(csv.reader(io.StringIO(payout_batch_csv(batch).decode("utf-8-sig"))))
    assert [row[3] for row in rows if row[4] == commission.reference] == ["4.14"]
    line.refresh_from_db()
    assert (line.status, line.paid_amount) == ("paid", D("4.14"))
    assert_distributor_balances_match_lines(distributor["shop"].pk)
    check_split(order)


def test_a_partial_refund_claws_back_pro_rata_and_a_full_one_everything(buyer, rural, coop, distributor, pick, rules):
    order = paid_through_distributor(buyer, rural, coop, distributor)
    paid = fresh(order).charged_amount
    order_refund(fresh(order), paid / 2, actor=coop["owner"], reason="一箱坏了")
    line = CommissionLine.objects.get(order=order)
    assert line.status == "pending" and line.pending_amount == D("2.07") and line.clawed_back_amount == D("2.07")
    check_split(order)
    order_refund(fresh(order), fresh(order).charged_amount - fresh(order).refunded_amount, actor=coop["owner"])
    line.refresh_from_db()
    assert (line.status, line.pending_amount, line.earned_amount) == ("clawed_back", 0, 0)
    assert check_split(order)["distributor"] == 0
    assert [e.kind for e in CommissionEvent.objects.filter(line=line)] == ["pending", "clawed_back", "clawed_back"]
    assert_distributor_balances_match_lines(distributor["shop"].pk)


def test_a_refund_after_payout_is_carried_and_never_paid(buyer, rural, coop, distributor, pick, rules):
    order = delivered(paid_through_distributor(buyer, rural, coop, distributor), coop["owner"], buyer)
    commission_earn_due(after_window(order))
    payout_batch_create(timezone.localdate() - timezone.timedelta(days=7) + timezone.timedelta(days=7))
    order_refund(fresh(order), fresh(order).charged_amount, actor=coop["owner"], reason="退货")
    line = CommissionLine.objects.get(order=order)
    assert (line.status, line.earned_amount, line.paid_amount) == ("clawed_back", 0, D("4.14"))
    earnings = distributor_earnings(distributor["shop"])
    assert earnings.earned == D("-4.14") and earnings.paid == D("4.14")
    next_week = payout_batch_create(timezone.localdate() + timezone.timedelta(days=7))
    assert not Payout.objects.filter(batch=next_week, purpose=PayoutPurpose.COMMISSION).exists()
    assert_distributor_balances_match_lines(distributor["shop"].pk)
    check_split(order)


def test_a_payout_waits_for_real_name_verification(buyer, rural, coop, distributor, pick, rules):
    shop = distributor["shop"]
    type(shop).objects.filter(pk=shop.pk).update(id_number_hash="", id_number_last4="")
    shop.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        commission_payout_check(shop)
    assert refused.value.code == "real_name_required"
    order = delivered(paid_through_distributor(buyer, rural, coop, distributor), coop["owner"], buyer)
    commission_earn_due(after_window(order))
    batch = payout_batch_create(timezone.localdate())
    assert not Payout.objects.filter(batch=batch, purpose=PayoutPurpose.COMMISSION).exists()
    hold = CommissionPayoutHold.objects.get(batch=batch)
    assert (hold.distributor, hold.amount, hold.code) == (shop, D("4.14"), "real_name_required")
    assert CommissionLine.objects.get(order=order).status == "earned"
    assert_distributor_balances_match_lines(shop.pk)


def test_a_returned_commission_transfer_goes_back_to_earned(buyer, rural, coop, distributor, pick, rules, operator):
    order = delivered(paid_through_distributor(buyer, rural, coop, distributor), coop["owner"], buyer)
    commission_earn_due(after_window(order))
    batch = payout_batch_create(timezone.localdate())
    payout = Payout.objects.get(batch=batch, purpose=PayoutPurpose.COMMISSION)
    payout_mark_failed(payout, actor=operator, reason="账号错误")
    line = CommissionLine.objects.get(order=order)
    assert (line.status, line.paid_amount) == ("earned", 0)
    assert_distributor_balances_match_lines(distributor["shop"].pk)
    again = payout_batch_create(timezone.localdate() + timezone.timedelta(days=7))
    assert Payout.objects.get(batch=again, purpose=PayoutPurpose.COMMISSION).amount == D("4.14")


def test_self_purchase_earns_nothing_by_default(rural, coop, distributor, pick, rules):
    own = distributor["owner"]
    order = paid_through_distributor(own, rural, coop, distributor, key="self")
    line = CommissionLine.objects.get(order=order)
    assert (line.status, line.amount, line.pending_amount) == ("excluded", 0, 0)
    assert check_split(order)["distributor"] == 0
