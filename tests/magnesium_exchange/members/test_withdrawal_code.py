"""A trader's withdrawal is confirmed by a code texted to the trader's own phone (issue 21): no
code, a wrong one, one for another purpose or another phone, a spent one: each refused with a code
and no request written; a request refused for its funds keeps the code; one code makes one
withdrawal even when two requests race."""

from __future__ import annotations

from decimal import Decimal

import pytest

from magnesium_exchange.members.models import FundsRequest
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.members.services import funds_withdraw_request_by_code, trader_add
from meidu.accounts.models import PhoneCodePurpose
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from tests.magnesium_exchange.records_factories import fund
from tests.support.phone_codes import code_for, withdrawal_code
from tests.support.races import one_winner, race


def refused(code: str, call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    return caught.value


@pytest.fixture
def desk(db, seller_member, trader_factory, bank_app):
    fund(seller_member, "20000.00", bank_app)
    return seller_member, trader_factory(seller_member)


def withdraw(member, user, code, amount="100.00", key=None):
    return funds_withdraw_request_by_code(member, amount, actor=user, phone_code=code, idempotency_key=key)


@pytest.mark.django_db
def test_a_withdrawal_with_the_traders_code_is_made(desk):
    member, user = desk
    request = withdraw(member, user, withdrawal_code(user))
    assert request.kind == "withdrawal" and member_balances(member).frozen.amount == Decimal("100.00")


@pytest.mark.django_db
@pytest.mark.parametrize("code", [None, "", "   "])
def test_no_code_is_refused(desk, code):
    member, user = desk
    assert refused("required", lambda: withdraw(member, user, code)).field == "phoneCode"
    assert not FundsRequest.objects.filter(kind="withdrawal").exists()


@pytest.mark.django_db
def test_wrong_codes_other_purposes_other_phones_and_spent_codes_are_refused(desk, trader_factory, codes_unthrottled):
    member, user = desk
    colleague = trader_factory(member)
    sign_in = code_for(user.phone, PhoneCodePurpose.SIGN_IN)
    refused("invalid_code", lambda: withdraw(member, user, sign_in))  # a sign-in code confirms no withdrawal
    theirs = withdrawal_code(colleague)
    mine = withdrawal_code(user)
    if theirs != mine:
        refused("invalid_code", lambda: withdraw(member, user, theirs))  # a code of another phone
    refused("invalid_code", lambda: withdraw(member, user, f"{(int(mine) + 1) % 1_000_000:06d}"))
    refused("invalid_code", lambda: withdraw(member, user, "12345\x00"))
    assert not FundsRequest.objects.filter(kind="withdrawal").exists()
    withdraw(member, user, mine)
    refused("code_used", lambda: withdraw(member, user, mine))
    assert FundsRequest.objects.filter(kind="withdrawal").count() == 1


@pytest.mark.django_db
def test_a_request_refused_for_its_funds_keeps_the_code(desk):
    member, user = desk
    code = withdrawal_code(user)
    refused("insufficient_funds", lambda: withdraw(member, user, code, amount="20000.01"))
    assert withdraw(member, user, code, amount="20000.00").amount == Decimal("20000.00")


@pytest.mark.django_db
def test_a_trader_without_a_phone_cannot_withdraw(seller_member, make_user, bank_app):
    fund(seller_member, "1000.00", bank_app)
    user = make_user(Role.TRADER, email="desk@example.cn")
    trader_add(seller_member, user, can_trade=True, can_settle=True, can_manage_funds=True)
    assert refused("invalid_phone", lambda: withdraw(seller_member, user, "123456")).field == "phoneCode"


@pytest.mark.django_db
def test_a_retry_under_the_same_key_replays_without_a_new_code(desk):
    member, user = desk
    first = withdraw(member, user, withdrawal_code(user), key="w-7")
    assert withdraw(member, user, None, key="w-7") == first
    assert FundsRequest.objects.filter(kind="withdrawal").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_code_makes_one_withdrawal_when_two_requests_race(desk, codes_unthrottled):
    member, user = desk
    for _round in range(3):
        code = withdrawal_code(user)
        one_winner(
            race(lambda c=code: withdraw(member, user, c), lambda c=code: withdraw(member, user, c)), "code_used"
        )
    assert FundsRequest.objects.filter(kind="withdrawal").count() == 3
