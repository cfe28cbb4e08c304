"""Phone verification codes through the service: one use, five minutes, purpose- and phone-bound,
dead after too many wrong tries, throttled, hashed, no oracle; every refusal a code and nothing
written beyond what a refusal must remember."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from meidu.accounts.models import PhoneCode, PhoneCodePurpose, SmsOutboxMessage, User
from meidu.accounts.services.phone_codes import (
    account_password_reset_by_phone_code,
    account_register_by_phone_code,
    phone_code_request,
    phone_code_verify,
    phone_codes_purge,
    token_create_by_phone_code,
)
from meidu.core.errors import DomainError
from tests.support.phone_codes import code_for, latest_code

PHONE = "+8613800138000"
OTHER = "+8613900139000"
pytestmark = pytest.mark.django_db


def refused(code: str, call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    return caught.value


def writes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


@pytest.fixture
def farmer(make_user):
    return make_user(phone=PHONE)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_is_six_random_digits_kept_only_as_an_hmac(farmer):
    code = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    row = PhoneCode.objects.get()
    assert len(code) == 6 and code.isdigit()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=5)
    assert phone_code_verify("138-0013-8000", PhoneCodePurpose.SIGN_IN, code) == PHONE


def test_a_code_serves_once(farmer):
    code = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    token_create_by_phone_code(PHONE, code)
    refused("code_used", lambda: token_create_by_phone_code(PHONE, code))


def test_an_expired_code_is_refused_and_nothing_is_written(farmer):
    code = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    before = writes()
    refused("code_expired", lambda: phone_code_verify(PHONE, PhoneCodePurpose.SIGN_IN, code))
    assert writes() == before


def test_a_code_tried_six_times_is_dead(farmer):
    code = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    for _ in range(5):
        refused("invalid_code", lambda: phone_code_verify(PHONE, PhoneCodePurpose.SIGN_IN, wrong(code)))
    refused("code_attempts_exceeded", lambda: phone_code_verify(PHONE, PhoneCodePurpose.SIGN_IN, code))
    assert PhoneCode.objects.get().used_at is None


def test_a_code_for_another_phone_is_refused(farmer, make_user):
    make_user(phone=OTHER)
    code = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    refused("invalid_code", lambda: token_create_by_phone_code(OTHER, code))
    assert token_create_by_phone_code(PHONE, code)["user"] == farmer


def test_a_code_for_another_purpose_is_refused(farmer):
    code = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    refused("invalid_code", lambda: phone_code_verify(PHONE, PhoneCodePurpose.WITHDRAWAL, code))
    refused("invalid_code", lambda: account_password_reset_by_phone_code(PHONE, code, "New-Pear-Orchard-9"))
    assert phone_code_verify(PHONE, PhoneCodePurpose.SIGN_IN, code) == PHONE


def test_only_the_newest_code_counts(farmer, settings):
    settings.PHONE_CODE_COOLDOWN_SECONDS = 0
    first = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    second = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    if first != second:
        refused("invalid_code", lambda: phone_code_verify(PHONE, PhoneCodePurpose.SIGN_IN, first))
    assert phone_code_verify(PHONE, PhoneCodePurpose.SIGN_IN, second) == PHONE


def test_a_second_send_within_the_cool_down_is_refused(farmer):
    code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    before = PhoneCode.objects.count()
    refused("code_cooldown", lambda: phone_code_request(PHONE, PhoneCodePurpose.SIGN_IN))
    assert PhoneCode.objects.count() == before


def test_too_many_sends_to_one_phone_are_refused(farmer, settings):
    settings.PHONE_CODE_COOLDOWN_SECONDS = 0
    for _ in range(settings.PHONE_CODE_SENDS_PER_PHONE_PER_HOUR):
        phone_code_request(PHONE, PhoneCodePurpose.SIGN_IN, ip_address="10.0.0.1")
    before = PhoneCode.objects.count()
    refused("rate_limited", lambda: phone_code_request(PHONE, PhoneCodePurpose.SIGN_IN, ip_address="10.0.0.2"))
    assert PhoneCode.objects.count() == before


def test_too_many_sends_from_one_address_are_refused(settings):
    settings.PHONE_CODE_SENDS_PER_ADDRESS_PER_HOUR = 3
    for n in range(3):
        phone_code_request(f"+861380013800{n}", PhoneCodePurpose.REGISTER, ip_address="10.0.0.9")
    refused("rate_limited", lambda: phone_code_request(OTHER, PhoneCodePurpose.REGISTER, ip_address="10.0.0.9"))
    assert not PhoneCode.objects.filter(phone=OTHER).exists()


@pytest.mark.parametrize(
    "raw, code",
    [
        ("1380013\x008000", "invalid_phone"),
        ("1" * 5000, "invalid_phone"),
        ("abcdefghijk", "invalid_phone"),
        ("12800138000", "invalid_phone"),
        ("+1 415 555 0100", "invalid_phone"),
        ("138\n00138000", "invalid_phone"),
        ("１３８００１３８０００", "invalid_phone"),
        ("", "required"),
        (None, "required"),
    ],
)
def test_hostile_phone_numbers_are_refused_and_nothing_is_written(raw, code):
    before = writes()
    refused(code, lambda: phone_code_request(raw, PhoneCodePurpose.REGISTER))
    refused(code, lambda: phone_code_verify(raw, PhoneCodePurpose.REGISTER, "123456"))
    assert writes() == before


@pytest.mark.parametrize("spelling", ["+86 138 0013 8000", "0086-138-0013-8000", "8613800138000", "13800138000"])
def test_the_usual_spellings_normalise_to_one_number(farmer, spelling, settings):
    settings.PHONE_CODE_COOLDOWN_SECONDS = 0
    assert phone_code_request(spelling, PhoneCodePurpose.SIGN_IN).phone == PHONE


@pytest.mark.parametrize("bad", ["12345", "1234567", "12a456", "12345\x00", "١٢٣٤٥٦", ""])
def test_malformed_codes_are_refused_without_counting(farmer, bad):
    code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    refused("required" if not bad else "invalid_code", lambda: phone_code_verify(PHONE, "sign_in", bad))
    assert PhoneCode.objects.get().attempts == 0


def test_an_unknown_purpose_is_refused():
    refused("invalid", lambda: phone_code_request(PHONE, "launch_missiles"))


def test_no_oracle_whether_a_phone_is_registered(farmer):
    registered = phone_code_request(PHONE, PhoneCodePurpose.SIGN_IN)
    unknown = phone_code_request(OTHER, PhoneCodePurpose.SIGN_IN)
    assert (registered.expires_in, registered.retry_after) == (unknown.expires_in, unknown.retry_after)
    assert SmsOutboxMessage.objects.filter(phone=OTHER).count() == 0  # nobody to text
    refused("code_cooldown", lambda: phone_code_request(OTHER, PhoneCodePurpose.SIGN_IN))  # same as registered
    for guess in ("000000", "123456"):
        refused("invalid_code", lambda g=guess: token_create_by_phone_code(OTHER, g))


def test_wrong_codes_lock_the_phone_like_wrong_passwords(farmer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    code = code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    for _ in range(3):
        refused("invalid_code", lambda: phone_code_verify(PHONE, "sign_in", wrong(code), ip_address="10.0.0.5"))
    refused("login_attempt_delayed", lambda: phone_code_verify(PHONE, "sign_in", code, ip_address="10.0.0.6"))


def test_a_buyer_registers_by_code_without_a_password():
    code = code_for("139 0013 9000", PhoneCodePurpose.REGISTER)
    user = account_register_by_phone_code(OTHER, code, last_name="李", first_name="秀兰")
    assert user.phone == OTHER and user.display_name == "李秀兰"
    assert not user.has_usable_password()
    assert [g.name for g in user.groups.all()] == ["buyer"]


def test_registering_a_known_number_by_code_signs_into_that_account(farmer):
    code = code_for(PHONE, PhoneCodePurpose.REGISTER)
    assert account_register_by_phone_code(PHONE, code, password="Another-Orchard-7") == farmer
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_before_the_code_is_spent():
    code = code_for(OTHER, PhoneCodePurpose.REGISTER)
    refused("password_too_short", lambda: account_register_by_phone_code(OTHER, code, password="pear"))
    assert PhoneCode.objects.get().used_at is None and not User.objects.exists()


def test_a_forgotten_password_is_reset_by_code_and_old_tokens_die(farmer):
    old_key = farmer.jwt_token_key
    code = code_for(PHONE, PhoneCodePurpose.PASSWORD_RESET)
    account_password_reset_by_phone_code(PHONE, code, "New-Pear-Orchard-9")
    farmer.refresh_from_db()
    assert farmer.check_password("New-Pear-Orchard-9") and farmer.jwt_token_key != old_key


def test_the_demo_outbox_and_spent_codes_are_purged_a_day_after_expiry(farmer):
    code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    assert latest_code(PHONE)
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(days=2))
    SmsOutboxMessage.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert phone_codes_purge() == 2


def test_operators_read_the_codes_log_without_the_codes(farmer, operator, buyer):
    code_for(PHONE, PhoneCodePurpose.SIGN_IN)
    row = PhoneCode.objects.get()
    client = Client()
    client.force_login(operator)
    html = client.get("/admin/accounts/phonecode/").content.decode()
    assert "+86138****8000" in html and row.code_hash not in html
    detail = client.get(f"/admin/accounts/phonecode/{row.pk}/change/").content.decode()
    assert row.code_hash not in detail and latest_code(PHONE) not in detail
    client.force_login(buyer)
    assert client.get("/admin/accounts/phonecode/").status_code == 302
