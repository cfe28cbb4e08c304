"""The configured SMS provider, built from settings on each call (so tests may override them)."""

from __future__ import annotations

from django.conf import settings

from meidu.accounts.sms.aliyun import AliyunSms
from meidu.accounts.sms.base import SmsProvider, SmsUnavailable, configuration_problems
from meidu.accounts.sms.console import ConsoleSms
from meidu.accounts.sms.tencent import TencentSms


def sms_provider() -> SmsProvider:
    problems = configuration_problems()
    if problems:
        raise SmsUnavailable("; ".join(problems))
    if settings.SMS_BACKEND == "aliyun":
        return AliyunSms.from_settings()
    if settings.SMS_BACKEND == "tencent":
        return TencentSms.from_settings()
    return ConsoleSms()
