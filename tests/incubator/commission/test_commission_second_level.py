"""The second commission level (reference/incubator-logistics-notes.md §2.1): who invited a distributor
is recorded once, never changed, and moves no money; with a second level off (the default) the inviter
earns nothing; enabled with a recorded reason, the inviter earns a capped share of the invitee's own
commission (one level up, never two), clawed back with the line; the money still sums to what the
buyer paid."""

from decimal import Decimal

import pytest

from incubator.commission.models import CommissionLine
from incubator.commission.services.lines import commission_earn_due, second_level_amount
from incubator.commission.services.settings import commission_settings_change
from incubator.distribution.models import DistributedLine
from incubator.distribution.services import distribution_pick
from incubator.error_codes import IncubatorErrorCode
from incubator.referrals.models import DistributorInviter
from incubator.referrals.services import distributor_inviter_record, referral_link_create
from marketplace.orders.services.lifecycle import order_refund
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerTransaction
from tests.marketplace.factories import open_shop
from tests.support.commission import (
    after_window,
    assert_distributor_balances_match_lines,
    assert_every_transaction_balances,
    delivered,
    fresh,
    order_split,
)
from tests.support.distribution import invite, resale_orders

D = Decimal


def second_level_on(operator, rate="20"):
    return commission_settings_change(
        actor=operator, levels="2", second_level_rate_percent=rate, reason="法务审查：邀请奖励（二级）"
    )


def sell(buyer, rural, coop, distributor, quantity=3, key="pay-resale"):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], quantity)], key=key)
    return order


def test_an_inviter_is_recorded_once_and_never_changed(inviter, distributor, make_user):
    transactions = LedgerTransaction.objects.count()
    record = invite(inviter["link"], distributor)
    assert record.inviter_shop == inviter["shop"] and LedgerTransaction.objects.count() == transactions  # no fee
    other = open_shop(make_user(Role.BUYER), name="另一家小店", kind="distributor")
    other_link = referral_link_create(actor=other.members.first().user, shop=other)
    with pytest.raises(DomainError) as again:
        invite(other_link, distributor)
    assert again.value.code == IncubatorErrorCode.INVITER_RECORDED.value
    assert DistributorInviter.objects.get().inviter_shop == inviter["shop"]


def test_refusals_write_nothing(inviter, distributor, coop, make_user):
    with pytest.raises(DomainError) as own:
        invite(inviter["link"], inviter)
    assert own.value.code == IncubatorErrorCode.SELF_INVITE.value
    with pytest.raises(DomainError) as bad:
        distributor_inviter_record(actor=distributor["owner"], invitee_shop=distributor["shop"], code="nope\x00")
    assert bad.value.code == IncubatorErrorCode.NOT_FOUND.value
    with pytest.raises(DomainError) as not_distributor:
        invite(inviter["link"], coop)
    assert not_distributor.value.code == IncubatorErrorCode.NOT_A_DISTRIBUTOR.value
    with pytest.raises(DomainError) as stranger:
        distributor_inviter_record(actor=make_user(), invitee_shop=distributor["shop"], code=inviter["link"].code)
    assert stranger.value.code == IncubatorErrorCode.FORBIDDEN.value
    assert not DistributorInviter.objects.exists()


def test_with_level_two_off_the_inviter_earns_nothing(buyer, rural, coop, distributor, pick, rules, inviter):
    invite(inviter["link"], distributor)
    order = sell(buyer, rural, coop, distributor)
    assert list(CommissionLine.objects.filter(order=order).values_list("level", "distributor_id", "amount")) == [
        (1, distributor["shop"].pk, D("4.14"))
    ]
    assert_distributor_balances_match_lines(inviter["shop"].pk)


def test_enabled_it_pays_exactly_one_level_up_then_a_refund_claws_both_back(
    operator, buyer, rural, coop, distributor, pick, rules, inviter, make_user
):
    # 桂兰 invited 秀英 (the seller here); someone else invited 桂兰: he is two levels up and gets nothing
    grand = open_shop(make_user(Role.BUYER), name="上线的小店", kind="distributor")
    invite(referral_link_create(actor=grand.members.first().user, shop=grand), inviter)
    invite(inviter["link"], distributor)
    second_level_on(operator)
    order = sell(buyer, rural, coop, distributor)
    lines = {line.level: line for line in CommissionLine.objects.filter(order=order)}
    assert set(lines) == {1, 2}
    assert (lines[1].distributor_id, lines[1].amount) == (distributor["shop"].pk, D("4.14"))
    assert (lines[2].distributor_id, lines[2].amount) == (inviter["shop"].pk, D("0.83"))  # 20% of 4.14
    assert not CommissionLine.objects.filter(distributor=grand).exists()
    split = order_split(fresh(order))
    assert sum(split.values()) == order.charged_amount and split["distributor"] == D("4.97")
    assert split["platform"] >= 0
    assert_every_transaction_balances()

    order = delivered(order, coop["owner"], buyer)
    commission_earn_due(after_window(order))
    assert set(CommissionLine.objects.filter(order=order).values_list("status", flat=True)) == {"earned"}
    order_refund(fresh(order), fresh(order).charged_amount, actor=coop["owner"], reason="退货")
    lines = list(CommissionLine.objects.filter(order=order).order_by("level"))
    assert [(line.status, line.earned_amount, line.clawed_back_amount) for line in lines] == [
        ("clawed_back", D("0"), D("4.14")),
        ("clawed_back", D("0"), D("0.83")),
    ]
    for shop in (distributor["shop"], inviter["shop"]):
        assert_distributor_balances_match_lines(shop.pk)
    assert_every_transaction_balances()


def test_the_inviters_own_sales_pay_nobody_above_it(operator, buyer, rural, coop, offer, distributor, rules, inviter):
    """The invitee earns nothing on its inviter's sales (no cascade downwards or upwards)."""
    invite(inviter["link"], distributor)
    second_level_on(operator)
    distribution_pick(actor=inviter["owner"], shop=inviter["shop"], offer=offer, retail_price="13.80")
    order = sell(buyer, rural, coop, inviter)
    assert list(CommissionLine.objects.filter(order=order).values_list("level", "distributor_id")) == [
        (1, inviter["shop"].pk)
    ]


def test_the_share_stays_within_the_lines_margin(buyer, rural, coop, distributor, pick, rules):
    order = sell(buyer, rural, coop, distributor)
    dl = DistributedLine.objects.get(order=order)
    margin = (dl.retail_unit_price - dl.supply_unit_price) * dl.quantity  # 17.40
    assert second_level_amount(dl, D("4.14"), D("100"), "CNY") == D("4.14")
    assert second_level_amount(dl, D("15.00"), D("100"), "CNY") == margin - D("15.00")
    assert second_level_amount(dl, D("4.14"), D("0"), "CNY") == 0
