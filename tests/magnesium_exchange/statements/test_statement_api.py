"""receiptVerify / receiptsVerify through /graphql/: anonymous sees the masked statement, a bank the full
one, another bank not the pledge's bank; refusals carry ExchangeStatementErrorCode."""

import pytest

from meidu.accounts.roles import Role
from meidu.core.statements import statement_public_jwks, statement_verify
from tests.magnesium_exchange.statements.pledges import pledge
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

CLAIMS = """statementId issuer issuedAt audience view number commodityCode commodityName gradeCode gradeName tonnes
            warehouseCode warehouseName ownerName ownerCreditCode receiptIssuedAt status pledged
            pledgeBank { code name } chainLastHash chainEventCount chainValid"""
VERIFY = f"""query Verify($number: String!, $code: String!) {{
  receiptVerify(number: $number, code: $code) {{
    number statement claims {{ {CLAIMS} }} errors {{ field code message }} }}
}}"""
BATCH = f"""query Batch($receipts: [ReceiptVerifyInput!]!) {{
  receiptsVerify(receipts: $receipts) {{
    results {{ number statement claims {{ {CLAIMS} }} errors {{ field code message }} }}
    errors {{ field code message }}
  }}
}}"""


def verify(client, receipt, code=None):
    data = client.execute(VERIFY, {"number": receipt.number, "code": code or receipt.verification_code})
    return data["receiptVerify"]


def test_anonymous_sees_masked_a_bank_full_and_another_bank_not_the_pledges_bank(
    receipt_factory, seller_member, ccb, hxb
):
    receipt = pledge(receipt_factory(seller_member), ccb)
    anonymous = verify(GraphQLClient(), receipt)
    assert anonymous["errors"] == []
    claims = anonymous["claims"]
    assert claims["view"] == "MASKED" and claims["ownerName"] == "海城市**镁业有限公司" and claims["pledged"] is True
    assert claims["pledgeBank"] is None and claims["chainValid"] is True and claims["tonnes"] == "100.000"
    signed = statement_verify(anonymous["statement"], {"keys": statement_public_jwks()})
    assert signed["jti"] == claims["statementId"] and signed["receipt"]["owner"]["name"] == claims["ownerName"]
    for client in (ccb.officer_client, ccb.app_client):
        full = verify(client, receipt)["claims"]
        assert full["view"] == "FULL" and full["ownerName"] == seller_member.name
        assert full["ownerCreditCode"] == seller_member.credit_code
        assert (
            full["pledgeBank"] == {"code": "ccb-dsq", "name": "建设银行大石桥支行"}
            and full["audience"] == "bank:ccb-dsq"
        )
    for client in (hxb.officer_client, hxb.app_client):
        other = verify(client, receipt)
        assert other["claims"]["view"] == "FULL" and other["claims"]["pledged"] is True
        assert other["claims"]["pledgeBank"] is None and "建设银行" not in other["statement"]


def test_a_wrong_code_is_not_found_like_an_unknown_number(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    wrong = verify(GraphQLClient(), receipt, code="ZZZZZZZZZZ")
    unknown = GraphQLClient().execute(VERIFY, {"number": "HC01-20991231-0001", "code": receipt.verification_code})[
        "receiptVerify"
    ]
    assert (
        wrong["errors"]
        == unknown["errors"]
        == [{"field": "code", "code": "NOT_FOUND", "message": wrong["errors"][0]["message"]}]
    )
    assert wrong["statement"] is None and wrong["claims"] is None


def test_the_batch_is_for_banks_and_operators_each_receipt_its_own_result(
    receipt_factory, seller_member, ccb, make_user
):
    receipts = [receipt_factory(seller_member) for _ in range(3)]
    items = [{"number": r.number, "code": r.verification_code} for r in receipts]
    items.insert(1, {"number": receipts[0].number, "code": "WRONGCODE2"})
    body = ccb.app_client.execute(BATCH, {"receipts": items})["receiptsVerify"]
    assert body["errors"] == []
    assert [r["number"] for r in body["results"]] == [
        receipts[0].number,
        receipts[0].number,
        receipts[1].number,
        receipts[2].number,
    ]
    assert [bool(r["statement"]) for r in body["results"]] == [True, False, True, True]
    assert body["results"][1]["errors"][0]["code"] == "NOT_FOUND"
    operator = GraphQLClient(token_for(make_user(Role.OPERATOR))).execute(BATCH, {"receipts": items[:1]})[
        "receiptsVerify"
    ]
    assert operator["results"][0]["claims"]["view"] == "FULL"
    for client in (GraphQLClient(), GraphQLClient(token_for(make_user(Role.BUYER)))):
        response = client.post(BATCH, {"receipts": items}).json()
        assert response["data"] is None
        assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    too_many = ccb.app_client.execute(BATCH, {"receipts": items[:1] * 501})["receiptsVerify"]
    assert too_many["results"] == [] and too_many["errors"][0]["code"] == "TOO_MANY"


def test_hostile_input_is_refused_with_clear_codes(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    assert GraphQLClient().post(VERIFY, {"number": receipt.number, "code": "AB\x00CD"}).status_code == 400
    assert verify(GraphQLClient(), receipt, code="C" * 17)["errors"][0]["code"] == "INVALID"
    empty = GraphQLClient().execute(VERIFY, {"number": " ", "code": receipt.verification_code})["receiptVerify"]
    assert empty["errors"][0]["code"] == "REQUIRED"
