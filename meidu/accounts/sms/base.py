"""The SMS provider interface and the choice of one by settings.

A provider sends one verification code to one mainland mobile number through the template the
operator registered with it (the providers refuse free text for codes). It raises SmsSendError
when the provider refuses or does not answer within SMS_TIMEOUT_SECONDS; the phone-code service
turns that into a refusal and keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


class SmsSendError(RuntimeError):
    """The provider refused the message or did not answer in time (the reason is for operators)."""


class SmsUnavailable(SmsSendError):
    """No provider is configured (SMS_BACKEND empty, or its keys missing)."""


@dataclass(frozen=True)
class SmsSent:
    provider: str
    provider_id: str  # the provider's request or message id, for operators
    body: str = ""  # the text itself: kept only by the console backend


class SmsProvider(Protocol):
    name: str
    keeps_outbox: bool  # the console backend: the service stores the text for the demo page

    def send_code(self, phone: str, code: str) -> SmsSent: ...


def timeouts() -> tuple[float, float]:
    return (float(settings.SMS_CONNECT_TIMEOUT_SECONDS), float(settings.SMS_TIMEOUT_SECONDS))


def national_number(phone: str) -> str:
    """'+8613800138000' -> '13800138000' (Aliyun wants the national number)."""
    return phone[3:] if phone.startswith("+86") else phone


def configuration_problems() -> list[str]:
    """What keeps the configured backend from sending (for `meidu check` and the service)."""
    backend = settings.SMS_BACKEND
    needed = {
        "aliyun": [
            "ALIYUN_SMS_ACCESS_KEY_ID",
            "ALIYUN_SMS_ACCESS_KEY_SECRET",
            "ALIYUN_SMS_SIGN_NAME",
            "ALIYUN_SMS_TEMPLATE_CODE",
        ],
        "tencent": [
            "TENCENT_SMS_SECRET_ID",
            "TENCENT_SMS_SECRET_KEY",
            "TENCENT_SMS_SDK_APP_ID",
            "TENCENT_SMS_SIGN_NAME",
            "TENCENT_SMS_TEMPLATE_ID",
        ],
        "console": [],
    }
    if backend not in needed:
        return [f"SMS_BACKEND is {backend!r}: set it to aliyun or tencent (console is for the demo)"]
    missing = [name for name in needed[backend] if not getattr(settings, name)]
    return [f"SMS_BACKEND={backend} needs {', '.join(missing)}"] if missing else []
