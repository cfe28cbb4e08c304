"""Member admission (KYC with the credit code's checksum), traders, credit matching, exposure caps."""

from decimal import Decimal

import pytest

from magnesium_exchange.members.credit_code import is_valid_credit_code
from magnesium_exchange.members.error_codes import ExchangeMemberErrorCode as Code
from magnesium_exchange.members.models import CreditMatchingMode, Member, MemberStatus, Trader
from magnesium_exchange.members.selectors import member_balances, members_can_deal
from magnesium_exchange.members.services import (
    member_counterparty_set,
    member_credit_config_set,
    member_status_set,
    trader_add,
)
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError, DomainErrors
from meidu.core.ledger.models import LedgerAccount
from tests.magnesium_exchange.records_factories import credit_code, make_member
from tests.support.graphql import GraphQLClient, token_for


def test_credit_code_checksum():
    assert is_valid_credit_code("91350100M000100Y43")  # a published example code
    assert is_valid_credit_code(credit_code(7))
    good = credit_code(8)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert not is_valid_credit_code(wrong_check)
    assert not is_valid_credit_code(good[:16] + "I" + good[17])  # I is not in the alphabet
    assert not is_valid_credit_code(good[:17])


def test_member_create_opens_ledger_accounts(db):
    member = make_member("海城市东方镁业有限公司")
    assert member.status == MemberStatus.ACTIVE and member.kyc_verified_at
    codes = set(LedgerAccount.objects.values_list("code", "allow_negative"))
    assert (f"exchange:member:{member.pk}:available", False) in codes
    assert (f"exchange:member:{member.pk}:frozen", False) in codes
    assert ("exchange:fees", True) in codes and ("exchange:settlement-bank:clearing", True) in codes
    assert member_balances(member).available.amount == 0


def test_member_create_refusals_write_nothing(db):
    first = make_member()
    with pytest.raises(DomainErrors) as exc:
        make_member(
            credit_code=credit_code(9)[:17] + "Y" if credit_code(9)[17] != "Y" else "1",
            legal_representative="",
            bank_account_number="12ab",
        )
    assert {e.code for e in exc.value.as_list()} == {
        Code.INVALID_CREDIT_CODE.value,
        Code.REQUIRED.value,
        Code.INVALID.value,
    }
    with pytest.raises(DomainError) as exc:
        make_member(credit_code=first.credit_code)
    assert exc.value.code == Code.UNIQUE.value
    assert Member.objects.count() == 1


def test_trader_belongs_to_one_member(make_user, seller_member, buyer_member):
    user = make_user(Role.BUYER)
    trader = trader_add(seller_member, user, can_manage_funds=True)
    assert trader.can_trade and trader.can_manage_funds and not trader.can_settle
    assert Role.TRADER.value in set(user.groups.values_list("name", flat=True))
    with pytest.raises(DomainError) as exc:
        trader_add(buyer_member, user)
    assert exc.value.code == Code.UNIQUE.value
    member_status_set(buyer_member, MemberStatus.SUSPENDED)
    with pytest.raises(DomainError) as exc:
        trader_add(buyer_member, make_user(Role.BUYER))
    assert exc.value.code == Code.MEMBER_NOT_ACTIVE.value
    assert Trader.objects.count() == 1


def test_member_status_machine(seller_member):
    member_status_set(seller_member, MemberStatus.SUSPENDED, reason="年检逾期")
    member_status_set(seller_member, MemberStatus.ACTIVE)
    member_status_set(seller_member, MemberStatus.CLOSED)
    with pytest.raises(DomainError) as exc:
        member_status_set(seller_member, MemberStatus.ACTIVE)
    assert exc.value.code == Code.INVALID_TRANSITION.value


def test_credit_matching_deny_and_allow_list(seller_member, buyer_member):
    third = make_member()
    assert members_can_deal(seller_member, buyer_member)
    assert not members_can_deal(seller_member, seller_member)
    member_counterparty_set(buyer_member, seller_member, "deny")
    assert not members_can_deal(seller_member, buyer_member)  # one side's denial is enough
    member_counterparty_set(buyer_member, seller_member, None)
    assert members_can_deal(seller_member, buyer_member)
    member_credit_config_set(seller_member, credit_matching_mode=CreditMatchingMode.ALLOW_LIST)
    seller_member.refresh_from_db()
    assert not members_can_deal(seller_member, buyer_member)
    member_counterparty_set(seller_member, buyer_member, "allow")
    assert members_can_deal(seller_member, buyer_member)
    assert not members_can_deal(seller_member, third)
    with pytest.raises(DomainError):
        member_counterparty_set(seller_member, seller_member, "allow")


def test_exposure_caps_are_configuration_with_safe_defaults(seller_member):
    assert seller_member.exposure_cap == Decimal("10000000.00")
    member_credit_config_set(seller_member, exposure_cap="2500000.00", exposure_cap_tonnes="800.5")
    seller_member.refresh_from_db()
    assert seller_member.exposure_cap == Decimal("2500000.00") and seller_member.exposure_cap_tonnes == Decimal(
        "800.500"
    )
    for kwargs in ({"exposure_cap": "-1"}, {"exposure_cap": "1.001"}, {"credit_matching_mode": "anyone"}):
        with pytest.raises(DomainError) as exc:
            member_credit_config_set(seller_member, **kwargs)
        assert exc.value.code == Code.INVALID.value


MEMBER_CREATE = """
mutation($input: ExchangeMemberCreateInput!) { exchangeMemberCreate(input: $input) {
  member { name creditCode } errors { field code } } }
"""


def test_member_create_mutation_needs_manage_exchange(operator_api_client, buyer_api_client, db):
    variables = {
        "input": {
            "name": "营口青花耐火材料股份有限公司",
            "creditCode": credit_code(77),
            "legalRepresentative": "李青",
            "registeredAddress": "辽宁省营口市大石桥市",
            "bankName": "中国银行营口分行",
            "bankAccountName": "营口青花耐火材料股份有限公司",
            "bankAccountNumber": "2881000012345678",
        }
    }
    response = buyer_api_client.post(MEMBER_CREATE, variables).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    data = operator_api_client.execute(MEMBER_CREATE, variables)["exchangeMemberCreate"]
    assert data["errors"] == [] and data["member"]["creditCode"] == credit_code(77)
    bad = {
        "input": {**variables["input"], "creditCode": credit_code(78)[:17] + "0" if credit_code(78)[17] != "0" else "1"}
    }
    data = operator_api_client.execute(MEMBER_CREATE, bad)["exchangeMemberCreate"]
    assert data["errors"] == [{"field": "creditCode", "code": "INVALID_CREDIT_CODE"}]


def test_trader_add_mutation(operator_api_client, make_user, seller_member):
    from graphql_relay import to_global_id

    user = make_user(Role.BUYER)
    data = operator_api_client.execute(
        'mutation($m: ID!, $u: String!) { exchangeTraderAdd(member: $m, user: $u, canManageFunds: true) {'
        ' errors { code } } }',
        {"m": to_global_id("ExchangeMember", seller_member.pk), "u": user.phone},
    )
    assert data["exchangeTraderAdd"]["errors"] == []
    client = GraphQLClient(token_for(user))
    me = client.execute("query { myExchangeMember { name funds { availableAmount } } }")["myExchangeMember"]
    assert me == {"name": seller_member.name, "funds": {"availableAmount": "0.00"}}
