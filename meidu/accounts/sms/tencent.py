"""Tencent Cloud SMS: ``SendSms`` (API 2021-01-11) over HTTPS, signed with TC3-HMAC-SHA256 (v3).

Signature v3: the canonical request is ``METHOD\\n/\\n\\ncontent-type:...\\nhost:...\\n\\n
content-type;host\\nhex(sha256(body))``; the string to sign is
``TC3-HMAC-SHA256\\n<timestamp>\\n<date>/<service>/tc3_request\\nhex(sha256(canonical request))``;
the key is derived HMAC-SHA256("TC3" + SecretKey, date) -> service -> "tc3_request", and the
signature is hex(HMAC-SHA256(key, string to sign)). Date is the UTC day of the timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings

from meidu.accounts.sms.base import SmsSendError, SmsSent, timeouts

ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
API_VERSION = "2021-01-11"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def canonical_request(host: str, payload: str, method: str = "POST", content_type: str = CONTENT_TYPE) -> str:
    return "\n".join(
        [
            method,
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload.encode()).hexdigest(),
        ]
    )


def credential_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def string_to_sign(timestamp: int, service: str, canonical: str) -> str:
    scope = f"{credential_date(timestamp)}/{service}/tc3_request"
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"


def tc3_signature(secret_key: str, timestamp: int, service: str, canonical: str) -> str:
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), credential_date(timestamp)), service), "tc3_request")
    return hmac.new(key, string_to_sign(timestamp, service, canonical).encode(), hashlib.sha256).hexdigest()


def tc3_authorization(secret_id: str, secret_key: str, timestamp: int, service: str, host: str, payload: str) -> str:
    canonical = canonical_request(host, payload)
    signature = tc3_signature(secret_key, timestamp, service, canonical)
    return (
        f"{ALGORITHM} Credential={secret_id}/{credential_date(timestamp)}/{service}/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


@dataclass(frozen=True)
class TencentSms:
    endpoint: str
    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    template_id: str
    region: str
    name: str = "tencent"
    keeps_outbox: bool = False

    @classmethod
    def from_settings(cls) -> TencentSms:
        return cls(
            endpoint=settings.TENCENT_SMS_ENDPOINT,
            secret_id=settings.TENCENT_SMS_SECRET_ID,
            secret_key=settings.TENCENT_SMS_SECRET_KEY,
            sdk_app_id=settings.TENCENT_SMS_SDK_APP_ID,
            sign_name=settings.TENCENT_SMS_SIGN_NAME,
            template_id=settings.TENCENT_SMS_TEMPLATE_ID,
            region=settings.TENCENT_SMS_REGION,
        )

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).netloc

    def signed_request(self, phone: str, code: str, *, timestamp: int | None = None) -> tuple[dict, str]:
        timestamp = int(time.time()) if timestamp is None else timestamp
        payload = json.dumps(
            {
                "PhoneNumberSet": [phone],
                "SmsSdkAppId": self.sdk_app_id,
                "SignName": self.sign_name,
                "TemplateId": self.template_id,
                "TemplateParamSet": [code],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        headers = {
            "Authorization": tc3_authorization(self.secret_id, self.secret_key, timestamp, "sms", self.host, payload),
            "Content-Type": CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": API_VERSION,
            "X-TC-Region": self.region,
        }
        return headers, payload

    def send_code(self, phone: str, code: str) -> SmsSent:
        headers, payload = self.signed_request(phone, code)
        try:
            response = requests.post(self.endpoint, data=payload.encode(), headers=headers, timeout=timeouts())
            answer = response.json().get("Response") or {}
        except requests.RequestException as exc:
            raise SmsSendError(f"tencent: {type(exc).__name__}") from None
        except (ValueError, AttributeError):
            raise SmsSendError(f"tencent: HTTP {response.status_code}, not JSON") from None
        if answer.get("Error"):
            raise SmsSendError(f"tencent: {answer['Error'].get('Code', '?')}")
        statuses = answer.get("SendStatusSet") or [{}]
        if statuses[0].get("Code") != "Ok":
            raise SmsSendError(f"tencent: status {statuses[0].get('Code', '?')}")
        return SmsSent(provider=self.name, provider_id=str(statuses[0].get("SerialNo") or answer.get("RequestId", "")))
