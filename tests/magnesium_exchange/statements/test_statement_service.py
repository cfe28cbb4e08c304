"""Receipt statements (magnesium_exchange/financing/statements.py): what each reader is told, the look-up by
number and code without an oracle, the throttle, tamper detection through the cached chain replay, and
the SQL a look-up costs."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from magnesium_exchange.financing import statements as stmt
from magnesium_exchange.financing.error_codes import ExchangeStatementErrorCode as Code
from magnesium_exchange.financing.statements import (
    mask_credit_code,
    mask_name,
    receipt_statement,
    receipt_statement_by_code,
    receipt_statement_claims,
    receipts_statements,
)
from magnesium_exchange.warehouses.models import ReceiptEvent
from magnesium_exchange.warehouses.services import receipt_split
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from meidu.core.statements import statement_public_jwks, statement_verify
from tests.magnesium_exchange.statements.pledges import pledge

pytestmark = pytest.mark.django_db


def verified(token: str) -> dict:
    return statement_verify(token, {"keys": statement_public_jwks()})


def test_masking_keeps_the_place_and_the_trade_and_hides_the_rest():
    assert mask_name("大石桥市华鑫镁业有限公司") == "大石桥**镁业有限公司"
    assert mask_name("海城市华鑫镁业有限公司") == "海城市**镁业有限公司"
    assert mask_name("张三") == "张**" and mask_name("") == "**"
    assert mask_credit_code("91210381000010001X") == "912103********001X"


def test_anonymous_gets_a_signed_masked_statement(receipt_factory, seller_member, settings):
    receipt = receipt_factory(seller_member)
    result = receipt_statement_by_code(
        receipt.number, receipt.verification_code, viewer=AnonymousUser(), address="10.0.0.1"
    )
    assert result.code is None
    claims = verified(result.statement)
    assert claims == result.claims
    assert claims["iss"] == settings.PUBLIC_URL.rstrip("/") and claims["typ"] == "receipt-statement"
    assert claims["view"] == "masked" and claims["aud"] == "public" and len(claims["jti"]) == 24
    facts = claims["receipt"]
    assert facts["number"] == receipt.number and facts["tonnes"] == "100.000"
    assert facts["commodity"]["code"] == "fused-magnesia" and facts["grade"]["code"] == receipt.grade.code
    assert facts["warehouse"] == {"code": "HC01", "name": "海城西柳监管仓"}
    assert facts["owner"]["name"] == "海城市**镁业有限公司" and seller_member.name not in result.statement
    assert facts["owner"]["credit_code"] != seller_member.credit_code and "*" in facts["owner"]["credit_code"]
    assert claims["status"] == "active" and claims["encumbrance"] == {"pledged": False}
    assert claims["chain"] == {"last_hash": receipt.last_hash, "event_count": 1, "valid": True}


def test_who_sees_the_owner_and_who_sees_the_pledges_bank(
    receipt_factory, seller_member, ccb, hxb, trader_factory, operator_user, make_user
):
    receipt = pledge(receipt_factory(seller_member), ccb)
    owner_trader = trader_factory(seller_member)
    seen = {}
    for label, viewer in [
        ("anonymous", None),
        ("buyer", make_user(Role.BUYER)),
        ("ccb officer", ccb.officer),
        ("ccb app", ccb.app),
        ("hxb officer", hxb.officer),
        ("hxb app", hxb.app),
        ("operator", operator_user),
        ("owner", owner_trader),
    ]:
        claims = verified(receipt_statement(receipt, viewer=viewer))
        seen[label] = (
            claims["view"],
            claims["aud"],
            claims["encumbrance"].get("bank", {}).get("code"),
            claims["receipt"]["owner"]["name"],
        )
        assert claims["encumbrance"]["pledged"] is True and claims["status"] == "pledged"
    masked, full = "海城市**镁业有限公司", seller_member.name
    assert seen == {
        "anonymous": ("masked", "public", None, masked),
        "buyer": ("masked", "public", None, masked),
        "ccb officer": ("full", "bank:ccb-dsq", "ccb-dsq", full),
        "ccb app": ("full", "bank:ccb-dsq", "ccb-dsq", full),
        "hxb officer": ("full", "bank:hxb-yk", None, full),
        "hxb app": ("full", "bank:hxb-yk", None, full),
        "operator": ("full", "exchange", None, full),
        "owner": ("full", "owner", "ccb-dsq", full),
    }


def test_a_wrong_code_answers_exactly_like_an_unknown_number(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    wrong = "2" * 10 if receipt.verification_code != "2" * 10 else "3" * 10
    by_code = receipt_statement_by_code(receipt.number, wrong, viewer=None, address="10.0.0.2")
    by_number = receipt_statement_by_code(
        receipt.number + "X", receipt.verification_code, viewer=None, address="10.0.0.2"
    )
    assert by_code.code == by_number.code == Code.NOT_FOUND
    assert by_code.message == by_number.message and by_code.statement is None and by_code.claims is None
    with CaptureQueriesContext(connection) as wrong_code, CaptureQueriesContext(connection):
        receipt_statement_by_code(receipt.number, wrong, viewer=None, address="10.0.0.3")
    with CaptureQueriesContext(connection) as unknown:
        receipt_statement_by_code("HC01-NOPE", wrong, viewer=None, address="10.0.0.4")
    assert len(wrong_code) == len(unknown)
    # typed as people type it: lower case, spaces and hyphens
    code = receipt.verification_code.lower()
    assert receipt_statement_by_code(f" {receipt.number.lower()} ", f"{code[:5]}-{code[5:]}", viewer=None).code is None


def test_failed_guesses_are_throttled_per_address_and_banks_are_not(
    receipt_factory, seller_member, ccb, monkeypatch, make_user
):
    monkeypatch.setattr(stmt, "FAILURES_MAX", 5)
    receipt = receipt_factory(seller_member)
    for n in range(5):
        assert (
            receipt_statement_by_code(receipt.number, f"WRONG{n}", viewer=None, address="10.1.1.1").code
            == Code.NOT_FOUND
        )
    refused = receipt_statement_by_code(receipt.number, receipt.verification_code, viewer=None, address="10.1.1.1")
    assert refused.code == Code.THROTTLED and refused.statement is None
    # another address is not held back; a signed-in guesser is counted by user too, wherever they are
    assert (
        receipt_statement_by_code(receipt.number, receipt.verification_code, viewer=None, address="10.1.1.2").code
        is None
    )
    guesser = make_user(Role.BUYER)
    for n in range(5):
        receipt_statement_by_code(receipt.number, f"WRONG{n}", viewer=guesser, address=f"10.2.0.{n}")
    assert (
        receipt_statement_by_code(receipt.number, receipt.verification_code, viewer=guesser, address="10.2.1.1").code
        == Code.THROTTLED
    )
    # a bank's nightly check with stale codes is not throttled
    for n in range(8):
        receipt_statement_by_code(receipt.number, f"WRONG{n}", viewer=ccb.app, address="10.1.1.1")
    assert (
        receipt_statement_by_code(receipt.number, receipt.verification_code, viewer=ccb.app, address="10.1.1.1").code
        is None
    )


def test_bad_input_is_refused_with_codes_and_batches_are_capped(receipt_factory, seller_member, ccb):
    receipt = receipt_factory(seller_member)
    results = receipts_statements(
        [
            ("", "X"),
            (receipt.number, ""),
            ("A" * 41, "X"),
            (receipt.number, "C" * 17),
            (receipt.number, "AB\x00CD"),
            (None, None),
            (receipt.number, receipt.verification_code),
        ],
        viewer=ccb.app,
    )
    assert [r.code for r in results] == [
        Code.REQUIRED,
        Code.REQUIRED,
        Code.INVALID,
        Code.INVALID,
        Code.INVALID,
        Code.REQUIRED,
        None,
    ]
    assert all(r.message for r in results[:-1])
    with pytest.raises(DomainError) as refused:
        receipts_statements([(receipt.number, receipt.verification_code)] * 501, viewer=ccb.app)
    assert refused.value.code == "too_many"


@pytest.mark.parametrize("tamper", ["remove", "reorder", "edit"])
def test_a_tampered_chain_is_detected_even_after_a_valid_statement(receipt_factory, seller_member, keeper, tamper):
    receipt = receipt_factory(seller_member)
    parts = receipt_split(receipt, [Decimal("40"), Decimal("60")], actor=keeper)
    receipt.refresh_from_db()
    first = receipt_statement_by_code(receipt.number, receipt.verification_code, viewer=None)
    assert first.claims["chain"]["valid"] is True and first.claims["chain"]["event_count"] == 2
    assert (
        receipt_statement_by_code(receipt.number, receipt.verification_code, viewer=None).claims["chain"]["valid"]
        is True
    )
    events = ReceiptEvent.objects.filter(receipt=receipt)
    if tamper == "remove":
        events.filter(seq=1).delete()
    elif tamper == "reorder":
        events.filter(seq=1).update(seq=99)
        events.filter(seq=2).update(seq=1)
        events.filter(seq=99).update(seq=2)
    else:
        event = events.get(seq=1)
        event.data = {**event.data, "net": "1000.000"}
        event.save(update_fields=["data"])
    assert not receipt_verify(receipt).valid
    after = receipt_statement_by_code(receipt.number, receipt.verification_code, viewer=None)
    assert after.code is None and after.claims["chain"]["valid"] is False
    assert verified(after.statement)["chain"]["valid"] is False
    # the parts, untouched, still verify
    assert all(receipt_statement_claims(part, viewer=None)["chain"]["valid"] for part in parts)


def test_one_lookup_costs_three_queries_and_a_batch_of_fifty_four(
    receipt_factory, seller_member, ccb, django_assert_max_num_queries
):
    receipts = [receipt_factory(seller_member, net=str(10 + n)) for n in range(50)]
    pledge(receipts[0], ccb)
    receipts[0].refresh_from_db()
    # the throttle's counter (a row here; a cache GET where the cache is Redis), the receipt with its pledge
    # in force, its events with their keys
    with django_assert_max_num_queries(3):
        result = receipt_statement_by_code(
            receipts[0].number, receipts[0].verification_code, viewer=None, address="10.9.9.9"
        )
    assert result.code is None and result.claims["encumbrance"] == {"pledged": True}
    pairs = [(r.number, r.verification_code) for r in receipts]
    receipts_statements(pairs, viewer=ccb.app)  # the chains replayed once, so the second call is steady state
    ccb.app.refresh_from_db()
    with django_assert_max_num_queries(4):  # + the App's permissions and its bank
        results = receipts_statements(pairs, viewer=ccb.app)
    assert all(r.code is None and r.claims["chain"]["valid"] for r in results)
    assert results[0].claims["encumbrance"]["bank"]["code"] == "ccb-dsq"
