"""RSA2 both ways and Alipay's yuan amounts: the content string, signatures, a response's signed text,
rounding and refusals of amounts."""

from decimal import Decimal

import pytest

from marketplace.payments.gateways.alipay.amounts import AmountError, from_yuan, to_yuan
from marketplace.payments.gateways.alipay.signing import content_string, response_content, sign, verify
from tests.support.alipay_server import key_pair


def test_content_string_sorts_drops_empty_and_excludes_sign():
    params = {"b": "2", "a": "1", "sign": "x", "sign_type": "RSA2", "empty": "", "none": None, "c": "中文 &="}
    assert content_string(params) == "a=1&b=2&c=中文 &=&sign_type=RSA2"
    assert content_string(params, exclude=("sign", "sign_type")) == "a=1&b=2&c=中文 &="


def test_signature_verifies_and_refuses_tampering():
    key = key_pair("app")
    signature = sign("a=1&b=2", key)
    assert verify("a=1&b=2", signature, key.public_key())
    assert not verify("a=1&b=3", signature, key.public_key())
    assert not verify("a=1&b=2", signature, key_pair("alipay").public_key())
    for broken in ("", "not base64!!", signature[:-4], "\x00"):
        assert not verify("a=1&b=2", broken, key.public_key())


def test_response_content_is_the_raw_member_text():
    body = '{"alipay_trade_query_response":{"code":"10000","msg":"Success","total_amount":"9.90"},"sign":"abc"}'
    assert response_content(body, "alipay_trade_query_response") == (
        '{"code":"10000","msg":"Success","total_amount":"9.90"}'
    )
    spaced = '{ "alipay_trade_query_response" :  {"a": "b" , "c":[1,2]} , "sign":"s"}'
    assert response_content(spaced, "alipay_trade_query_response") == '{"a": "b" , "c":[1,2]}'
    assert response_content(body, "alipay_trade_refund_response") is None
    assert response_content('{"alipay_trade_query_response":{broken', "alipay_trade_query_response") is None


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("12.5"), "12.50"),
        (Decimal("0.01"), "0.01"),
        (Decimal("0.005"), "0.01"),  # half-up to the fen
        (Decimal("0.0049"), None),  # rounds to 0.00: nothing to pay is refused
        (Decimal("2.675"), "2.68"),
        (Decimal("100000000.00"), "100000000.00"),
        (Decimal("100000000.01"), None),
        (Decimal("-1"), None),
        ("NaN", None),
        ("Infinity", None),
        ("1e30", None),
    ],
)
def test_to_yuan(amount, text):
    if text is None:
        with pytest.raises(AmountError):
            to_yuan(amount)
    else:
        assert to_yuan(amount) == text


@pytest.mark.parametrize(
    ("text", "amount"),
    [("12.50", Decimal("12.50")), ("12.5", Decimal("12.50")), ("7", Decimal("7.00")), ("0.01", Decimal("0.01"))],
)
def test_from_yuan_reads_alipay_amounts(text, amount):
    assert from_yuan(text) == amount


@pytest.mark.parametrize("text", ["", "-1.00", "1.005", "1e3", "NaN", " 1.00", "1,00", "１.00", None, 12.5, "9" * 12])
def test_from_yuan_refuses_what_alipay_does_not_write(text):
    with pytest.raises(AmountError):
        from_yuan(text)
