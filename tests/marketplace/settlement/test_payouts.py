"""The weekly payout batch: a payout per shop with lines per order, the bank's CSV, claw-back
debts netted in a later batch, a returned transfer put back to available."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.orders.services.lifecycle import order_refund
from marketplace.settlement.export import HEADER, payout_batch_csv
from marketplace.settlement.models import Payout, PayoutBatch, PayoutLine
from marketplace.settlement.selectors import shop_balances
from marketplace.settlement.services.payouts import (
    last_week_end,
    payout_batch_create,
    payout_mark_failed,
    payout_mark_paid,
)
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.settlement.helpers import assert_every_transaction_balances
from tests.marketplace.settlement.journeys import released_cooker_order

D = Decimal


def test_batch_pays_each_shop_and_exports_the_bank_file(buyer, rural, cooker, pears, rules):
    cooker["shop"].payout_bank = "中国农业银行大石桥支行"
    cooker["shop"].save(update_fields=["payout_bank"])
    first = released_cooker_order(buyer, rural, cooker)
    second = released_cooker_order(buyer, rural, cooker, quantity=1)
    [pear_order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE", key="pears")
    # The pears are paid but still pending: nothing of them is paid out.
    week_end = timezone.localdate()
    batch = payout_batch_create(week_end)
    [payout] = batch.payouts.all()
    assert payout.shop == cooker["shop"] and payout.amount == D("374.12") + D("187.06")
    assert sorted(PayoutLine.objects.filter(payout=payout).values_list("order_id", "amount")) == sorted(
        [(first.pk, D("374.12")), (second.pk, D("187.06"))]
    )
    balances = shop_balances(cooker["shop"].pk)
    assert (balances["available"].amount, balances["paid_out"].amount) == (0, D("561.18"))
    assert shop_balances(pears["shop"].pk)["pending"].amount > 0 and pear_order.pk

    again = payout_batch_create(week_end)
    assert again.pk == batch.pk and Payout.objects.count() == 1

    content = payout_batch_csv(batch)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        HEADER,
        ["李建国", cooker["shop"].payout_account_number, "中国农业银行大石桥支行", "561.18", payout.reference],
    ]
    assert b"\r\n" in content
    assert_every_transaction_balances()


def test_claw_back_after_payout_is_a_debt_netted_in_a_later_batch(buyer, rural, cooker, rules):
    first = released_cooker_order(buyer, rural, cooker)
    today = timezone.localdate()
    payout_batch_create(today)
    order_refund(first, "199.00", actor=cooker["owner"], reason="退一台")
    assert shop_balances(cooker["shop"].pk)["available"].amount == D("-187.06")
    # A negative balance pays nothing: the debt waits.
    empty = payout_batch_create(today + timezone.timedelta(days=7))
    assert not empty.payouts.exists()
    second = released_cooker_order(buyer, rural, cooker)
    later = payout_batch_create(today + timezone.timedelta(days=14))
    [payout] = later.payouts.all()
    assert payout.amount == D("374.12") - D("187.06")
    assert sorted(payout.lines.values_list("order_id", "amount")) == sorted(
        [(first.pk, D("-187.06")), (second.pk, D("374.12"))]
    )
    balances = shop_balances(cooker["shop"].pk)
    assert balances["available"].amount == 0 and balances["paid_out"].amount == D("374.12") + D("187.06")
    assert_every_transaction_balances()


def test_a_returned_transfer_goes_back_to_available_and_is_paid_again(buyer, rural, cooker, operator, rules):
    order = released_cooker_order(buyer, rural, cooker)
    today = timezone.localdate()
    [payout] = payout_batch_create(today).payouts.all()
    payout_mark_failed(payout, actor=operator, reason="账号错误")
    assert shop_balances(cooker["shop"].pk)["available"].amount == D("374.12")
    with pytest.raises(DomainError) as twice:
        payout_mark_paid(payout, actor=operator, bank_reference="X")
    assert twice.value.code == "invalid_status"
    assert payout_batch_csv(payout.batch).decode("utf-8-sig").count("\r\n") == 1  # header only
    [again] = payout_batch_create(today + timezone.timedelta(days=7)).payouts.all()
    assert list(again.lines.values_list("order_id", "amount")) == [(order.pk, D("374.12"))]
    paid = payout_mark_paid(again, actor=operator, bank_reference="ABC123")
    assert paid.status == "paid" and paid.settled_at is not None
    assert shop_balances(cooker["shop"].pk)["paid_out"].amount == D("374.12")
    assert_every_transaction_balances()


def test_last_week_end_is_the_previous_sunday():
    from datetime import date

    assert last_week_end(date(2026, 11, 30)) == date(2026, 11, 29)  # a Monday
    assert last_week_end(date(2026, 11, 29)) == date(2026, 11, 22)  # a Sunday: that week is not over
    assert PayoutBatch._meta.get_field("week_end").unique
