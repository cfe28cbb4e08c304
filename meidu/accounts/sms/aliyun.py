"""Aliyun (Alibaba Cloud) SMS: Dysmsapi ``SendSms`` over HTTPS, signed with the RPC signature.

The RPC signature (Aliyun's "签名机制" for RPC APIs): every parameter but ``Signature`` is
percent-encoded (RFC 3986: letters, digits, ``-_.~`` left as they are, a space as ``%20``),
sorted by name and joined as ``k=v&...``; the string to sign is
``METHOD & %2F & percent-encode(that query)``; the signature is
Base64(HMAC-SHA1(AccessKeySecret + "&", string to sign)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import requests
from django.conf import settings

from meidu.accounts.sms.base import SmsSendError, SmsSent, national_number, timeouts

API_VERSION = "2017-05-25"


def percent_encode(value: str) -> str:
    return quote(str(value), safe="-_.~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature")


def string_to_sign(method: str, params: dict[str, str]) -> str:
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def rpc_signature(method: str, params: dict[str, str], access_key_secret: str) -> str:
    digest = hmac.new(
        (access_key_secret + "&").encode(), string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class AliyunSms:
    endpoint: str
    access_key_id: str
    access_key_secret: str
    sign_name: str
    template_code: str
    name: str = "aliyun"
    keeps_outbox: bool = False

    @classmethod
    def from_settings(cls) -> AliyunSms:
        return cls(
            endpoint=settings.ALIYUN_SMS_ENDPOINT,
            access_key_id=settings.ALIYUN_SMS_ACCESS_KEY_ID,
            access_key_secret=settings.ALIYUN_SMS_ACCESS_KEY_SECRET,
            sign_name=settings.ALIYUN_SMS_SIGN_NAME,
            template_code=settings.ALIYUN_SMS_TEMPLATE_CODE,
        )

    def signed_params(self, phone: str, code: str, *, nonce: str | None = None, now: datetime | None = None) -> dict:
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": national_number(phone),
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or str(uuid.uuid4()),
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({"code": code}, separators=(",", ":")),
            "Timestamp": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        params["Signature"] = rpc_signature("POST", params, self.access_key_secret)
        return params

    def send_code(self, phone: str, code: str) -> SmsSent:
        try:
            response = requests.post(self.endpoint, data=self.signed_params(phone, code), timeout=timeouts())
            answer = response.json()
        except requests.RequestException as exc:
            raise SmsSendError(f"aliyun: {type(exc).__name__}") from None
        except ValueError:
            raise SmsSendError(f"aliyun: HTTP {response.status_code}, not JSON") from None
        if not isinstance(answer, dict) or answer.get("Code") != "OK":
            detail = answer.get("Code") if isinstance(answer, dict) else "?"
            raise SmsSendError(f"aliyun: HTTP {response.status_code}, Code {detail}")
        return SmsSent(provider=self.name, provider_id=str(answer.get("BizId") or answer.get("RequestId") or ""))
