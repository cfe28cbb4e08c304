"""The credit API: a trader gives and withdraws consent (creditConsentGrant / creditConsentRevoke), a bank's
officer or App reads the report (creditReport) for its own bank only, each side lists its consents
(creditConsents); refusals carry ExchangeCreditErrorCode and write nothing."""

import json

import pytest
from django.db import connection

from magnesium_exchange.credit.models import CreditConsent, CreditReportRead
from meidu.accounts.roles import Role
from meidu.core.audit.models import AuditEvent
from meidu.core.graphql.ids import to_global_id
from meidu.core.statements import statement_public_jwks, statement_verify
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

GRANT = """mutation($bankId: ID, $bankCode: String) { creditConsentGrant(bankId: $bankId, bankCode: $bankCode) {
  errors { field code message }
  consent { id inForce grantedAt revokedAt readCount bank { id code name } memberCreditCode } } }"""
REVOKE = """mutation($bankId: ID, $bankCode: String) { creditConsentRevoke(bankId: $bankId, bankCode: $bankCode) {
  errors { field code message } consent { id inForce revokedAt readCount } } }"""
REPORT = """query($memberId: ID, $creditCode: String, $bankCode: String) {
  creditReport(memberId: $memberId, creditCode: $creditCode, bankCode: $bankCode) {
    memberName memberCreditCode bank { code } report statement } }"""
CONSENTS = """query($inForce: Boolean) { creditConsents(first: 20, inForce: $inForce) { totalCount edges { node {
  id inForce readCount lastReadAt memberName memberCreditCode bank { code } } } } }"""


def writes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


def bank_id(lender):
    return to_global_id("ExchangeBank", lender.bank.pk)


def error_code(body):
    return body["errors"][0]["extensions"]["exception"]["code"]


@pytest.fixture
def member(market):
    return market.member("鞍山钢铁耐材采购有限公司")


@pytest.fixture
def trader_client(member, trader_factory):
    return GraphQLClient(token_for(trader_factory(member, can_trade=False)))


def test_grant_read_revoke_through_the_api(member, trader_client, ccb):
    body = trader_client.post(GRANT, {"bankId": bank_id(ccb)}).json()["data"]["creditConsentGrant"]
    assert body["errors"] == [] and body["consent"]["inForce"] and body["consent"]["bank"]["code"] == ccb.bank.code
    assert body["consent"]["bank"]["id"] == bank_id(ccb) and body["consent"]["memberCreditCode"] == member.credit_code
    again = trader_client.post(GRANT, {"bankCode": ccb.bank.code}).json()["data"]["creditConsentGrant"]
    assert [e["code"] for e in again["errors"]] == ["ALREADY_GRANTED"]

    for client in (ccb.officer_client, ccb.app_client):
        data = client.post(REPORT, {"memberId": to_global_id("ExchangeMember", member.pk)}).json()["data"][
            "creditReport"
        ]
        claims = statement_verify(data["statement"], statement_public_jwks())
        assert (
            claims["report"] == json.loads(data["report"]) and claims["bank"] == ccb.bank.code == data["bank"]["code"]
        )
        assert data["memberCreditCode"] == member.credit_code and claims["report"]["member"]["name"] == member.name
    by_code = ccb.officer_client.post(
        REPORT, {"creditCode": member.credit_code.lower(), "bankCode": ccb.bank.code}
    ).json()
    assert by_code["data"]["creditReport"]["memberName"] == member.name
    assert (
        CreditReportRead.objects.count() == 3 == AuditEvent.objects.filter(action="exchange.credit_report_read").count()
    )

    revoked = trader_client.post(REVOKE, {"bankId": bank_id(ccb)}).json()["data"]["creditConsentRevoke"]
    assert revoked["errors"] == [] and revoked["consent"]["inForce"] is False and revoked["consent"]["readCount"] == 3
    officer = ccb.officer_client  # logging in writes a token: before counting
    before = writes()
    refused = officer.post(REPORT, {"creditCode": member.credit_code}).json()
    assert error_code(refused) == "NO_CONSENT" and refused["data"]["creditReport"] is None and writes() == before
    twice = trader_client.post(REVOKE, {"bankId": bank_id(ccb)}).json()["data"]["creditConsentRevoke"]
    assert [e["code"] for e in twice["errors"]] == ["NOT_GRANTED"]


def test_another_bank_and_non_banks_are_refused_writing_nothing(
    member, trader_client, trader_factory, ccb, huaxia, make_user
):
    trader_client.post(GRANT, {"bankId": bank_id(ccb)})
    officer, others = ccb.officer_client, (huaxia.officer_client, huaxia.app_client)
    strangers = (
        trader_client,
        GraphQLClient(token_for(make_user(Role.BUYER))),
        GraphQLClient(token_for(make_user(Role.OPERATOR))),
        GraphQLClient(),
    )
    loose_officer = GraphQLClient(token_for(make_user(Role.BANK_OFFICER)))
    before = writes()
    variables = {"memberId": to_global_id("ExchangeMember", member.pk)}
    # the other bank: no consent of its own, and it cannot name the consented bank as its own
    for client in others:
        assert error_code(client.post(REPORT, variables).json()) == "NO_CONSENT"
        assert error_code(client.post(REPORT, {**variables, "bankCode": ccb.bank.code}).json()) == "NOT_YOUR_BANK"
    # traders (even the member's own), buyers, operators, anonymous: no bank, refused before anything runs
    for client in strangers:
        body = client.post(REPORT, variables).json()
        assert error_code(body) == "PermissionDenied" and body["data"]["creditReport"] is None
    # a bank officer by role with no bank row
    body = loose_officer.post(REPORT, variables).json()
    assert error_code(body) == "PermissionDenied"
    # unknown or malformed members
    assert error_code(officer.post(REPORT, {"creditCode": "91210381000000000X"}).json()) == "NOT_FOUND"
    assert error_code(officer.post(REPORT, {}).json()) == "INVALID"
    assert error_code(officer.post(REPORT, {"memberId": "bm90LWFuLWlk"}).json()) == "GRAPHQL_ERROR"
    assert writes() == before and not CreditReportRead.objects.exists()


def test_a_trader_of_another_member_cannot_touch_its_consents(
    market, member, trader_client, trader_factory, ccb, huaxia, make_user
):
    trader_client.post(GRANT, {"bankId": bank_id(ccb)})
    other = GraphQLClient(token_for(trader_factory(market.member("营口青花耐火材料有限公司"))))
    non_traders = (ccb.officer_client, ccb.app_client, GraphQLClient(token_for(make_user(Role.BUYER))))
    before = writes()
    # the other member's trader acts on its own member only: revoking finds nothing of its own
    revoke = other.post(REVOKE, {"bankId": bank_id(ccb)}).json()["data"]["creditConsentRevoke"]
    assert [e["code"] for e in revoke["errors"]] == ["NOT_GRANTED"]
    assert CreditConsent.objects.get(member=member).revoked_at is None and writes() == before
    # non-traders are refused outright
    for client in non_traders:
        for document in (GRANT, REVOKE):
            body = client.post(document, {"bankId": bank_id(huaxia)}).json()
            assert error_code(body) == "PermissionDenied"
    assert writes() == before
    # bad bank names
    for variables, code in (
        ({}, "INVALID"),
        ({"bankCode": "nope"}, "NOT_FOUND"),
        ({"bankId": to_global_id("ExchangeMember", member.pk)}, "GRAPHQL_ERROR"),
        ({"bankId": to_global_id("ExchangeBank", 999999)}, "NOT_FOUND"),
    ):
        errors = trader_client.post(GRANT, variables).json()["data"]["creditConsentGrant"]["errors"]
        assert [e["code"] for e in errors] == [code], variables
    assert writes() == before


def test_consents_list_is_the_members_own_or_the_banks_own(
    market, member, trader_client, trader_factory, ccb, huaxia, make_user
):
    other_member = market.member("营口青花耐火材料有限公司")
    other = GraphQLClient(token_for(trader_factory(other_member)))
    trader_client.post(GRANT, {"bankId": bank_id(ccb)})
    trader_client.post(GRANT, {"bankId": bank_id(huaxia)})
    trader_client.post(REVOKE, {"bankId": bank_id(huaxia)})
    other.post(GRANT, {"bankId": bank_id(huaxia)})
    ccb.app_client.post(REPORT, {"creditCode": member.credit_code})

    mine = trader_client.post(CONSENTS).json()["data"]["creditConsents"]
    assert [(e["node"]["bank"]["code"], e["node"]["inForce"]) for e in mine["edges"]] == [
        (huaxia.bank.code, False),
        (ccb.bank.code, True),
    ]
    assert {e["node"]["memberCreditCode"] for e in mine["edges"]} == {member.credit_code}
    assert mine["edges"][1]["node"]["readCount"] == 1 and mine["edges"][1]["node"]["lastReadAt"]
    in_force = trader_client.post(CONSENTS, {"inForce": True}).json()["data"]["creditConsents"]
    assert in_force["totalCount"] == 1
    theirs = other.post(CONSENTS).json()["data"]["creditConsents"]
    assert [e["node"]["memberCreditCode"] for e in theirs["edges"]] == [other_member.credit_code]

    for client in (huaxia.officer_client, huaxia.app_client):  # consents given to Huaxia only, of both members
        given = client.post(CONSENTS).json()["data"]["creditConsents"]
        assert {(e["node"]["memberCreditCode"], e["node"]["inForce"]) for e in given["edges"]} == {
            (member.credit_code, False),
            (other_member.credit_code, True),
        }
    ccb_given = ccb.officer_client.post(CONSENTS, {"inForce": True}).json()["data"]["creditConsents"]
    assert [e["node"]["memberCreditCode"] for e in ccb_given["edges"]] == [member.credit_code]

    for client in (
        GraphQLClient(token_for(make_user(Role.BUYER))),
        GraphQLClient(token_for(make_user(Role.OPERATOR))),
        GraphQLClient(),
    ):
        body = client.post(CONSENTS).json()
        assert error_code(body) == "PermissionDenied" and body["data"]["creditConsents"] is None
