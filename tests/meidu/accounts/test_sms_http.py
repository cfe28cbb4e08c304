"""The SMS adapters over real HTTP against local fakes that check the signature; a provider that
refuses, or never answers, is a refusal (SMS_UNAVAILABLE) and keeps nothing."""

from __future__ import annotations

import time

import pytest

from meidu.accounts.models import PhoneCode, PhoneCodePurpose
from meidu.accounts.services.phone_codes import phone_code_request, phone_code_verify
from meidu.accounts.sms.aliyun import AliyunSms
from meidu.accounts.sms.base import SmsSendError
from meidu.accounts.sms.tencent import TencentSms
from meidu.core.errors import DomainError

PHONE = "+8613800138000"


@pytest.mark.django_db
def test_a_code_goes_out_through_aliyun_signed_and_verifies(fake_aliyun, make_user):
    make_user(phone=PHONE)
    phone_code_request("138 0013 8000", PhoneCodePurpose.SIGN_IN)
    assert fake_aliyun.rejected == []
    [message] = fake_aliyun.received
    assert message["phone"] == "13800138000" and message["sign_name"] == "美都集市"
    assert phone_code_verify(PHONE, PhoneCodePurpose.SIGN_IN, message["code"]) == PHONE


@pytest.mark.django_db
def test_a_code_goes_out_through_tencent_signed_and_verifies(fake_tencent, make_user):
    make_user(phone=PHONE)
    phone_code_request(PHONE, PhoneCodePurpose.PASSWORD_RESET)
    assert fake_tencent.rejected == []
    [message] = fake_tencent.received
    assert message["phone"] == PHONE and message["template"] == "100001"
    assert phone_code_verify(PHONE, PhoneCodePurpose.PASSWORD_RESET, message["code"]) == PHONE


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["fake_aliyun", "fake_tencent"])
def test_a_wrong_key_is_refused_by_the_fake_and_nothing_is_kept(fixture, request, settings):
    state = request.getfixturevalue(fixture)
    if fixture == "fake_aliyun":
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "not-the-secret"
    else:
        settings.TENCENT_SMS_SECRET_KEY = "not-the-secret"
    with pytest.raises(DomainError) as refusal:
        phone_code_request(PHONE, PhoneCodePurpose.REGISTER)
    assert refusal.value.code == "sms_unavailable"
    assert state.rejected and not state.received
    assert not PhoneCode.objects.exists()


@pytest.mark.django_db
def test_a_provider_refusal_is_sms_unavailable(fake_tencent):
    fake_tencent.refuse_with = "LimitExceeded.PhoneNumberDailyLimit"
    with pytest.raises(DomainError) as refusal:
        phone_code_request(PHONE, PhoneCodePurpose.REGISTER)
    assert refusal.value.code == "sms_unavailable"
    assert not PhoneCode.objects.exists()


@pytest.mark.parametrize(
    "provider",
    [
        lambda url: AliyunSms(url, "id", "secret", "sign", "SMS_1"),
        lambda url: TencentSms(url, "id", "secret", "1400000001", "sign", "1", "ap-guangzhou"),
    ],
    ids=["aliyun", "tencent"],
)
def test_a_provider_that_never_answers_times_out(provider, silent_sms_endpoint, settings):
    settings.SMS_CONNECT_TIMEOUT_SECONDS = 1
    settings.SMS_TIMEOUT_SECONDS = 1
    started = time.monotonic()
    with pytest.raises(SmsSendError, match="Timeout"):
        provider(silent_sms_endpoint).send_code(PHONE, "123456")
    assert time.monotonic() - started < 5


@pytest.mark.django_db
def test_an_unconfigured_provider_refuses_before_anything_is_written(settings):
    settings.SMS_BACKEND = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = ""
    with pytest.raises(DomainError) as refusal:
        phone_code_request(PHONE, PhoneCodePurpose.REGISTER)
    assert refusal.value.code == "sms_unavailable"
    assert not PhoneCode.objects.exists()
