"""The SMS adapters' signatures against the providers' published worked examples.

Aliyun: the SendSms example of "如何生成请求签名" (help.aliyun.com/document_detail/101343, the SMS
signature page): AccessKeyId testId, secret testSecret, nonce 45e25e9b-..., 2017-07-12T02:42:19Z,
signature zJDF+Lrzhj/ThnlvIToysFRq6t4= (that example is a GET; the adapter POSTs the same
canonical query). Tencent Cloud: the DescribeInstances example of "Signature v3" (TC3-HMAC-SHA256,
timestamp 1551113065): the hashed canonical request 5ffe6a04..., and the signature for both editions
of the page's example key (the older "...EXAMPLE" key gives 72e494ea..., the newer masked
"...*******" key 2230eefd...).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from meidu.accounts.sms import aliyun, tencent

ALIYUN_EXAMPLE = {
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "AccessKeyId": "testId",
    "SignatureVersion": "1.0",
    "Timestamp": "2017-07-12T02:42:19Z",
    "Format": "XML",
    "Action": "SendSms",
    "Version": "2017-05-25",
    "RegionId": "cn-hangzhou",
    "PhoneNumbers": "15300000001",
    "SignName": "阿里云短信测试专用",
    "TemplateParam": '{"customer":"test"}',
    "TemplateCode": "SMS_71390007",
    "OutId": "123",
}


def test_aliyun_rpc_signature_matches_the_published_sendsms_example():
    assert aliyun.canonical_query(ALIYUN_EXAMPLE).startswith(
        "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
        "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"
    )
    assert aliyun.string_to_sign("GET", ALIYUN_EXAMPLE).startswith("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms")
    assert aliyun.rpc_signature("GET", ALIYUN_EXAMPLE, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_aliyun_percent_encoding_is_rfc3986():
    assert aliyun.percent_encode("a b*c~d+e/") == "a%20b%2Ac~d%2Be%2F"


def test_aliyun_signed_params_carry_the_code_and_a_signature_over_everything_else():
    sms = aliyun.AliyunSms("https://dysmsapi.aliyuncs.com/", "id", "secret", "美都集市", "SMS_1")
    params = sms.signed_params("+8613800138000", "042917", nonce="n-1", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert params["PhoneNumbers"] == "13800138000"
    assert json.loads(params["TemplateParam"]) == {"code": "042917"}
    assert params["Timestamp"] == "2026-01-02T03:04:05Z"
    assert params["Signature"] == aliyun.rpc_signature("POST", params, "secret")
    assert params["Signature"] != aliyun.rpc_signature("POST", {**params, "PhoneNumbers": "13900000000"}, "secret")


TENCENT_PAYLOAD = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'


def test_tencent_tc3_matches_the_published_describeinstances_example():
    canonical = tencent.canonical_request("cvm.tencentcloudapi.com", TENCENT_PAYLOAD)
    assert canonical == (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
        "content-type;host\n" + hashlib.sha256(TENCENT_PAYLOAD.encode()).hexdigest()
    )
    assert tencent.string_to_sign(1551113065, "cvm", canonical) == (
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    assert (
        tencent.tc3_signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", 1551113065, "cvm", canonical)
        == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )
    assert (
        tencent.tc3_signature("Gu5t9xGARNpq86cd98joQYCN3*******", 1551113065, "cvm", canonical)
        == "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    )


def test_tencent_authorization_header_names_the_credential_scope():
    header = tencent.tc3_authorization(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        1551113065,
        "cvm",
        "cvm.tencentcloudapi.com",
        TENCENT_PAYLOAD,
    )
    assert header == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )
