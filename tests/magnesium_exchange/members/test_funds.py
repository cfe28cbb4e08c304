"""Funds on the ledger: deposits and withdrawals confirmed by the settlement bank's App, and the
freeze / release / transfer moves of trading and settlement. Every refusal moves nothing."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from magnesium_exchange.members.accounts import BANK_CLEARING, FEE_INCOME
from magnesium_exchange.members.error_codes import ExchangeFundsErrorCode as Code
from magnesium_exchange.members.models import FundsRequest, FundsRequestStatus, MemberStatus
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.members.services import (
    funds_deposit_confirm,
    funds_deposit_request,
    funds_freeze,
    funds_release,
    funds_request_reject,
    funds_transfer,
    funds_withdraw_confirm,
    funds_withdraw_request,
    member_status_set,
)
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from meidu.core.ledger.selectors import ledger_balance
from meidu.core.money import Money
from tests.magnesium_exchange.records_factories import fund
from tests.support.graphql import GraphQLClient, token_for
from tests.support.phone_codes import withdrawal_code


def balances(member):
    b = member_balances(member)
    return b.available.amount, b.frozen.amount


def ledger_sum() -> Decimal:
    return sum(LedgerPosting.objects.values_list("amount", flat=True), Decimal(0))


def test_deposit_is_credited_only_when_the_bank_confirms(seller_member, bank_app):
    request = funds_deposit_request(seller_member, Decimal("500000.00"))
    assert balances(seller_member) == (0, 0)
    funds_deposit_confirm(request, app=bank_app, bank_reference="ICBC-20261128-001")
    assert balances(seller_member) == (Decimal("500000.00"), 0)
    assert ledger_balance(LedgerAccount.objects.get(code=BANK_CLEARING)).amount == Decimal("-500000.00")


def test_deposit_confirmed_twice_is_idempotent(seller_member, bank_app):
    request = funds_deposit_request(seller_member, "1000.00")
    first = funds_deposit_confirm(request, app=bank_app, bank_reference="R1")
    again = funds_deposit_confirm(request, app=bank_app, bank_reference="R1-retry")
    assert again.ledger_transaction_id == first.ledger_transaction_id
    assert again.bank_reference == "R1"
    assert balances(seller_member) == (Decimal("1000.00"), 0)
    assert LedgerTransaction.objects.count() == 1


def test_rejected_deposit_cannot_be_confirmed(seller_member, bank_app):
    request = funds_deposit_request(seller_member, "1000.00")
    funds_request_reject(request, app=bank_app, reason="未收到款项")
    with pytest.raises(DomainError) as exc:
        funds_deposit_confirm(request, app=bank_app, bank_reference="late")
    assert exc.value.code == Code.INVALID_TRANSITION.value
    assert balances(seller_member) == (0, 0)


@pytest.mark.parametrize("amount", ["0", "-5", "10.001", Money(Decimal("10"), "USD")])
def test_bad_amounts_are_refused(seller_member, amount):
    with pytest.raises(DomainError) as exc:
        funds_deposit_request(seller_member, amount)
    assert exc.value.code == Code.INVALID_AMOUNT.value
    assert FundsRequest.objects.count() == 0


def test_withdrawal_freezes_then_pays_out(seller_member, bank_app):
    fund(seller_member, "10000.00", bank_app)
    request = funds_withdraw_request(seller_member, "4000.00")
    assert balances(seller_member) == (Decimal("6000.00"), Decimal("4000.00"))
    funds_withdraw_confirm(request, app=bank_app, bank_reference="OUT-1")
    funds_withdraw_confirm(request, app=bank_app, bank_reference="OUT-1")  # retried callback
    assert balances(seller_member) == (Decimal("6000.00"), 0)
    assert ledger_balance(LedgerAccount.objects.get(code=BANK_CLEARING)).amount == Decimal("-6000.00")


def test_rejected_withdrawal_returns_the_money(seller_member, bank_app):
    fund(seller_member, "100.00", bank_app)
    request = funds_withdraw_request(seller_member, "100.00")
    funds_request_reject(request, app=bank_app, reason="收款账户冻结")
    assert balances(seller_member) == (Decimal("100.00"), 0)
    assert FundsRequest.objects.get(pk=request.pk).status == FundsRequestStatus.REJECTED


def test_overdrawn_withdrawal_is_refused_by_the_ledger(seller_member, bank_app):
    fund(seller_member, "100.00", bank_app)
    with pytest.raises(DomainError) as exc:
        funds_withdraw_request(seller_member, "100.01")
    assert exc.value.code == Code.INSUFFICIENT_FUNDS.value
    assert balances(seller_member) == (Decimal("100.00"), 0)
    assert FundsRequest.objects.filter(kind="withdrawal").count() == 0


def test_freeze_release_and_retry_by_idempotency_key(seller_member, bank_app):
    fund(seller_member, "1000.00", bank_app)
    first = funds_freeze(seller_member, "300.00", reference="listing:1", idempotency_key="bid-1")
    again = funds_freeze(seller_member, "300.00", reference="listing:1", idempotency_key="bid-1")
    assert first.pk == again.pk
    assert balances(seller_member) == (Decimal("700.00"), Decimal("300.00"))
    with pytest.raises(DomainError) as exc:
        funds_freeze(seller_member, "999.00", reference="listing:1", idempotency_key="bid-1")
    assert exc.value.code == Code.IDEMPOTENCY_KEY_REUSED.value
    with pytest.raises(DomainError) as exc:
        funds_freeze(seller_member, "700.01", reference="listing:2", idempotency_key="bid-2")
    assert exc.value.code == Code.INSUFFICIENT_FUNDS.value
    funds_release(seller_member, "300.00", reference="listing:1", idempotency_key="bid-1")
    assert balances(seller_member) == (Decimal("1000.00"), 0)
    with pytest.raises(DomainError) as exc:
        funds_release(seller_member, "0.01", reference="listing:1", idempotency_key="bid-1-again")
    assert exc.value.code == Code.INSUFFICIENT_FUNDS.value


def test_suspended_member_cannot_freeze_but_can_be_released(seller_member, bank_app):
    fund(seller_member, "100.00", bank_app)
    funds_freeze(seller_member, "50.00", reference="t", idempotency_key="f1")
    member_status_set(seller_member, MemberStatus.SUSPENDED)
    with pytest.raises(DomainError) as exc:
        funds_freeze(seller_member, "10.00", reference="t", idempotency_key="f2")
    assert exc.value.code == Code.MEMBER_NOT_ACTIVE.value
    funds_release(seller_member, "50.00", reference="t", idempotency_key="r1")
    assert balances(seller_member) == (Decimal("100.00"), 0)


def test_transfer_pays_seller_less_fees_and_conserves_money(seller_member, buyer_member, bank_app):
    fund(buyer_member, "110000.00", bank_app)
    funds_freeze(buyer_member, "100300.00", reference="trade:9", idempotency_key="trade-9-deposit")
    funds_transfer(
        payer=buyer_member,
        payee=seller_member,
        amount="100000.00",
        payer_fee="300.00",
        payee_fee="300.00",
        reference="settlement:9",
        idempotency_key="settlement-9",
    )
    funds_transfer(
        payer=buyer_member,
        payee=seller_member,
        amount="100000.00",
        payer_fee="300.00",
        payee_fee="300.00",
        reference="settlement:9",
        idempotency_key="settlement-9",
    )  # retried
    assert balances(buyer_member) == (Decimal("9700.00"), 0)
    assert balances(seller_member) == (Decimal("99700.00"), 0)
    assert ledger_balance(LedgerAccount.objects.get(code=FEE_INCOME)).amount == Decimal("600.00")
    assert ledger_sum() == 0


def test_transfer_refusals(seller_member, buyer_member, bank_app):
    fund(buyer_member, "100.00", bank_app)
    before = LedgerTransaction.objects.count()
    with pytest.raises(DomainError) as exc:
        funds_transfer(payer=buyer_member, payee=seller_member, amount="50.00", reference="s", idempotency_key="s1")
    assert exc.value.code == Code.INSUFFICIENT_FUNDS.value  # nothing frozen to pay from
    with pytest.raises(DomainError) as exc:
        funds_transfer(
            payer=buyer_member,
            payee=seller_member,
            amount="150.00",
            source="available",
            reference="s",
            idempotency_key="s2",
        )
    assert exc.value.code == Code.INSUFFICIENT_FUNDS.value
    with pytest.raises(DomainError):
        funds_transfer(
            payer=buyer_member,
            payee=buyer_member,
            amount="1.00",
            source="available",
            reference="s",
            idempotency_key="s3",
        )
    with pytest.raises(DomainError):
        funds_transfer(
            payer=buyer_member,
            payee=seller_member,
            amount="1.00",
            source="elsewhere",
            reference="s",
            idempotency_key="s4",
        )
    assert LedgerTransaction.objects.count() == before


# --- API ------------------------------------------------------------------------------------

DEPOSIT_REQUEST = """
mutation($amount: Decimal!, $key: String) { fundsDepositRequest(amount: $amount, idempotencyKey: $key) {
  fundsRequest { id status amount } errors { field code } } }
"""
DEPOSIT_CONFIRM = """
mutation($id: ID!, $ref: String!) { fundsDepositConfirm(id: $id, bankReference: $ref) {
  fundsRequest { status } funds { availableAmount frozenAmount } errors { field code } } }
"""
WITHDRAW_REQUEST = """
mutation($amount: Decimal!, $code: String) { fundsWithdrawRequest(amount: $amount, phoneCode: $code) {
  fundsRequest { id } funds { availableAmount frozenAmount }
  errors { field code } } }
"""
WITHDRAW_CONFIRM = """
mutation($id: ID!, $ref: String!) { fundsWithdrawConfirm(id: $id, bankReference: $ref) {
  funds { availableAmount frozenAmount }
  errors { code } } }
"""


def test_deposit_and_withdraw_through_the_api(trader_factory, seller_member, bank_client):
    trader_user = trader_factory(seller_member)
    trader = GraphQLClient(token_for(trader_user))
    data = trader.execute(DEPOSIT_REQUEST, {"amount": "20000.00", "key": "dep-1"})["fundsDepositRequest"]
    assert data["errors"] == [] and data["fundsRequest"]["status"] == "requested"
    retry = trader.execute(DEPOSIT_REQUEST, {"amount": "20000.00", "key": "dep-1"})["fundsDepositRequest"]
    assert retry["fundsRequest"]["id"] == data["fundsRequest"]["id"]
    request_id = data["fundsRequest"]["id"]
    for _ in range(2):
        confirmed = bank_client.execute(DEPOSIT_CONFIRM, {"id": request_id, "ref": "ICBC-1"})["fundsDepositConfirm"]
        assert confirmed["errors"] == []
        assert confirmed["funds"] == {"availableAmount": "20000.00", "frozenAmount": "0.00"}
    code = withdrawal_code(trader_user)  # issue 21: a withdrawal is confirmed by a code texted to the trader
    over = trader.execute(WITHDRAW_REQUEST, {"amount": "20000.01", "code": code})["fundsWithdrawRequest"]
    assert over["errors"] == [{"field": "amount", "code": "INSUFFICIENT_FUNDS"}]
    out = trader.execute(WITHDRAW_REQUEST, {"amount": "5000", "code": code})["fundsWithdrawRequest"]
    assert out["funds"] == {"availableAmount": "15000.00", "frozenAmount": "5000.00"}
    paid = bank_client.execute(WITHDRAW_CONFIRM, {"id": out["fundsRequest"]["id"], "ref": "OUT-1"})[
        "fundsWithdrawConfirm"
    ]
    assert paid["funds"] == {"availableAmount": "15000.00", "frozenAmount": "0.00"}
    me = trader.execute(
        "query { myExchangeMember { funds { available { amount currency } } fundsRequests { kind status } } }"
    )
    assert me["myExchangeMember"]["funds"]["available"] == {"amount": 15000.0, "currency": "CNY"}
    assert [(r["kind"], r["status"]) for r in me["myExchangeMember"]["fundsRequests"]] == [
        ("withdrawal", "confirmed"),
        ("deposit", "confirmed"),
    ]


def test_only_the_bank_app_confirms(trader_factory, seller_member, operator_api_client, bank_app):
    trader = GraphQLClient(token_for(trader_factory(seller_member)))
    request = funds_deposit_request(seller_member, "10.00")
    gid = to_global_id("ExchangeFundsRequest", request.pk)
    for client in (trader, operator_api_client):  # the operator holds CONFIRM_FUNDS but is not the bank
        response = client.post(DEPOSIT_CONFIRM, {"id": gid, "ref": "x"}).json()
        assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert balances(seller_member) == (0, 0)


def test_trader_without_funds_grant_and_strangers_are_refused(trader_factory, seller_member, buyer_api_client):
    trader = GraphQLClient(token_for(trader_factory(seller_member, can_manage_funds=False)))
    for client in (trader, buyer_api_client):
        response = client.post(DEPOSIT_REQUEST, {"amount": "10.00"}).json()
        assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert FundsRequest.objects.count() == 0


def test_trader_sees_only_their_members_funds(trader_factory, seller_member, buyer_member, bank_app):
    fund(buyer_member, "999.00", bank_app)
    trader = GraphQLClient(token_for(trader_factory(seller_member)))
    me = trader.execute("query { myExchangeMember { name funds { availableAmount } } }")["myExchangeMember"]
    assert me == {"name": seller_member.name, "funds": {"availableAmount": "0.00"}}
    response = trader.post(
        "query($id: ID!) { exchangeMember(id: $id) { funds { availableAmount } } }",
        {"id": to_global_id("ExchangeMember", buyer_member.pk)},
    ).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    response = trader.post("query { exchangeFundsRequests { id } }").json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
