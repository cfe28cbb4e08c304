"""Phone verification codes: send one, check one, and the account use cases a code proves
(sign in, register, reset a forgotten password). Other domains confirm their own steps with
``phone_code_verify`` (the exchange's withdrawal; the station agent's assisted order).

A code is six random digits (``secrets``); only HMAC-SHA256(PHONE_CODE_SECRET or SECRET_KEY,
phone | purpose | code) is kept, so a code is bound to its phone and its purpose. It lives
PHONE_CODE_TTL_SECONDS, serves once, and dies after PHONE_CODE_MAX_ATTEMPTS wrong tries; only the
newest code of a phone and purpose counts. Sends are throttled (meidu.accounts.throttle: Redis when
configured, else the database): one per PHONE_CODE_COOLDOWN_SECONDS per phone and purpose, and so
many an hour per phone and per client address. Wrong codes count as failed logins of that phone and
address, so guessing codes and guessing passwords share one lockout.

No oracle: asking a sign-in or reset code for a number nobody registered answers exactly as for a
registered one (a row is written, cool-downs apply) but no text is sent, and that row never verifies.

Refusals write nothing except what a refusal must remember: the wrong try on the code row and the
throttle counters. Call ``phone_code_verify`` outside a transaction of your own (or first in it):
a wrong try is committed by its own transaction, and an outer rollback would forget it.

Lock order (phone_code_check, phone_code_spend): the newest PhoneCode row of the phone and purpose
(FOR UPDATE); a caller spending a code in its own transaction takes it after its own locks.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from meidu.accounts import throttle
from meidu.accounts.error_codes import PhoneCodeErrorCode as Code
from meidu.accounts.models import PhoneCode, PhoneCodePurpose, SmsOutboxMessage, User
from meidu.accounts.phone import InvalidPhone, normalize_cn_mobile
from meidu.accounts.services import _check_password, account_register, tokens_issue
from meidu.accounts.sms.base import SmsSendError
from meidu.accounts.sms.providers import sms_provider
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError

log = logging.getLogger("meidu.phone_codes")

CODE_DIGITS = 6
_CODE = re.compile(r"[0-9]{6}")
# A phone in any usual spelling is far shorter ("+86 138-0013-8000" is 17 characters).
MAX_PHONE_INPUT = 32
# Purposes that prove an account: a text is sent only to a number some active account has.
ACCOUNT_PURPOSES = {PhoneCodePurpose.SIGN_IN, PhoneCodePurpose.PASSWORD_RESET}
# Purposes that confirm a signed-in user's own step: the code goes to that user's phone.
USER_PURPOSES = {PhoneCodePurpose.WITHDRAWAL}
# How long spent codes and the demo outbox are kept for operators after they expire.
KEEP_AFTER_EXPIRY = timedelta(days=1)


@dataclass(frozen=True)
class PhoneCodeSent:
    phone: str
    purpose: str
    expires_in: int  # seconds the code lives
    retry_after: int  # seconds before another may be asked for


def _masked(phone: str) -> str:
    return f"{phone[:6]}****{phone[-4:]}" if len(phone) > 10 else "?"


def _refuse(message: str, code: Code, field: str, *, phone: str = "", purpose: str = "", ip: str | None = None):
    log.warning("phone code refused: %s phone=%s purpose=%s ip=%s", code.value, _masked(phone), purpose, ip)
    return DomainError(message, code, field=field)


def phone_clean(raw) -> str:
    """A mainland mobile number in E.164, or INVALID_PHONE (NUL bytes, control characters,
    over-long input and anything not 11 digits starting 13-19 are refused before parsing)."""
    text = raw if isinstance(raw, str) else ""
    if not text.strip():
        raise DomainError(gettext("Give your mobile number"), Code.REQUIRED, field="phone")
    if len(text) > MAX_PHONE_INPUT or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise _refuse(gettext("This is not a mainland China mobile number"), Code.INVALID_PHONE, "phone")
    try:
        return normalize_cn_mobile(text)
    except InvalidPhone:
        raise _refuse(gettext("This is not a mainland China mobile number"), Code.INVALID_PHONE, "phone") from None


def _purpose(value) -> str:
    value = getattr(value, "value", value)
    if value not in PhoneCodePurpose.values:
        raise DomainError(gettext("Unknown purpose for a verification code"), Code.INVALID, field="purpose")
    return value


def _code(value) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise DomainError(gettext("Enter the six-digit code we sent you"), Code.REQUIRED, field="code")
    if not _CODE.fullmatch(text):
        raise DomainError(gettext("The code is six digits"), Code.INVALID_CODE, field="code")
    return text


def code_digest(phone: str, purpose: str, code: str) -> str:
    """HMAC-SHA256 of the code bound to its phone and purpose, under the server's secret."""
    return salted_hmac(
        "meidu.accounts.phone_code",
        f"{phone}|{purpose}|{code}",
        secret=settings.PHONE_CODE_SECRET or settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()


def _throttle_sends(phone: str, purpose: str, ip: str | None) -> None:
    cooldown = settings.PHONE_CODE_COOLDOWN_SECONDS
    if cooldown and throttle.hit(f"phone-code-cooldown:{purpose}:{phone}", cooldown) > 1:
        raise _refuse(
            gettext("A code was just sent: wait %(seconds)s seconds before asking for another") % {"seconds": cooldown},
            Code.CODE_COOLDOWN,
            "phone",
            phone=phone,
            purpose=purpose,
            ip=ip,
        )
    if not throttle.allowance_take("phone-code-phone", phone, settings.PHONE_CODE_SENDS_PER_PHONE_PER_HOUR, 3600):
        raise _refuse(
            gettext("Too many codes sent to this number: try again in an hour"),
            Code.RATE_LIMITED,
            "phone",
            phone=phone,
            purpose=purpose,
            ip=ip,
        )
    if not throttle.allowance_take("phone-code-address", ip, settings.PHONE_CODE_SENDS_PER_ADDRESS_PER_HOUR, 3600):
        raise _refuse(
            gettext("Too many codes asked for from this address: try again in an hour"),
            Code.RATE_LIMITED,
            "phone",
            phone=phone,
            purpose=purpose,
            ip=ip,
        )


def _has_account(phone: str) -> bool:
    return User.objects.filter(phone=phone, is_active=True).exists()


def phone_code_request(phone, purpose, *, ip_address: str | None = None, user: User | None = None) -> PhoneCodeSent:
    """Send a new code for ``purpose`` to ``phone`` (or, for a signed-in user's own step such as a
    withdrawal, to ``user``'s phone). Refusals: INVALID_PHONE, INVALID (purpose), CODE_COOLDOWN,
    RATE_LIMITED, SMS_UNAVAILABLE (no provider, or it refused or did not answer in time)."""
    purpose = _purpose(purpose)
    if purpose in USER_PURPOSES:
        if user is None or not getattr(user, "is_authenticated", False):
            raise DomainError(gettext("Sign in first"), Code.REQUIRED, field="phone")
        if not user.phone:
            raise DomainError(
                gettext("Your account has no mobile number to send a code to"), Code.INVALID_PHONE, field="phone"
            )
        phone = user.phone
    phone = phone_clean(phone)
    try:
        provider = sms_provider()
    except SmsSendError as exc:
        log.error("phone codes cannot be sent: %s", exc)
        raise DomainError(
            gettext("Text messages cannot be sent right now; sign in with your password"),
            Code.SMS_UNAVAILABLE,
            field="phone",
        ) from None
    _throttle_sends(phone, purpose, ip_address)
    deliver = purpose not in ACCOUNT_PURPOSES or _has_account(phone)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    try:
        with transaction.atomic():
            PhoneCode.objects.create(
                phone=phone,
                purpose=purpose,
                code_hash=code_digest(phone, purpose, code),
                created_at=now,
                expires_at=now + timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
                sent=deliver,
                ip_address=ip_address,
            )
            if deliver:
                sent = provider.send_code(phone, code)
                if provider.keeps_outbox:
                    SmsOutboxMessage.objects.create(phone=phone, body=sent.body, created_at=now)
                log.info("phone code sent: phone=%s purpose=%s via %s", _masked(phone), purpose, sent.provider)
    except SmsSendError as exc:
        log.error("phone code not sent: phone=%s purpose=%s: %s", _masked(phone), purpose, exc)
        raise DomainError(
            gettext("The text message could not be sent; try again in a minute"), Code.SMS_UNAVAILABLE, field="phone"
        ) from None
    return PhoneCodeSent(
        phone=phone,
        purpose=purpose,
        expires_in=settings.PHONE_CODE_TTL_SECONDS,
        retry_after=settings.PHONE_CODE_COOLDOWN_SECONDS,
    )


def phone_code_check(phone, purpose, code, *, ip_address: str | None = None) -> int:
    """The id of the newest code of ``phone`` for ``purpose`` if ``code`` is it, without spending it
    (a wrong try is counted and committed here). Spend it with ``phone_code_spend`` inside the
    transaction of the step it confirms, so a step refused for another reason keeps the code usable.
    Refusals: as ``phone_code_verify``."""
    phone, purpose, code = phone_clean(phone), _purpose(purpose), _code(code)
    now = timezone.now()
    refusal = None
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is not None and row.used_at is not None:
            refusal = (gettext("This code was already used: ask for a new one"), Code.CODE_USED)
        elif row is not None and row.expires_at <= now:
            refusal = (gettext("This code has expired: ask for a new one"), Code.CODE_EXPIRED)
        elif row is not None and row.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
            refusal = (gettext("Too many wrong tries: ask for a new code"), Code.CODE_ATTEMPTS_EXCEEDED)
        elif throttle.login_is_blocked(phone, ip_address):  # checked before the code is compared
            refusal = (gettext("Too many failed attempts; try again later"), Code.LOGIN_ATTEMPT_DELAYED)
        elif row is None or not row.sent or not hmac.compare_digest(row.code_hash, code_digest(phone, purpose, code)):
            refusal = (gettext("The code is not right"), Code.INVALID_CODE)
            if row is not None:
                row.attempts += 1
                row.save(update_fields=["attempts"])
    if refusal is not None:
        if refusal[1] == Code.INVALID_CODE:
            throttle.login_failed(phone, ip_address)
        raise _refuse(refusal[0], refusal[1], "code", phone=phone, purpose=purpose, ip=ip_address)
    return row.pk


def phone_code_spend(code_id: int) -> None:
    """Mark a checked code used; call inside the transaction of the step it confirms (a concurrent
    step with the same code waits on the row lock and is refused CODE_USED)."""
    row = PhoneCode.objects.select_for_update().get(pk=code_id)
    if row.used_at is not None:
        raise _refuse(gettext("This code was already used: ask for a new one"), Code.CODE_USED, "code", phone=row.phone)
    if row.expires_at <= timezone.now():
        raise _refuse(gettext("This code has expired: ask for a new one"), Code.CODE_EXPIRED, "code", phone=row.phone)
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])


def phone_code_verify(phone, purpose, code, *, ip_address: str | None = None) -> str:
    """Spend the newest code of ``phone`` for ``purpose`` if ``code`` is it; the clean phone.

    The small service for other domains (the station agent's assisted order, see README): call it
    before your own transaction, or use ``phone_code_check`` then ``phone_code_spend`` inside it.
    Refusals: REQUIRED, INVALID_PHONE, INVALID (purpose), INVALID_CODE (wrong, not six digits, none
    sent, or sent for another phone or purpose), CODE_EXPIRED, CODE_USED, CODE_ATTEMPTS_EXCEEDED,
    LOGIN_ATTEMPT_DELAYED (too many wrong tries for this phone or from this address)."""
    code_id = phone_code_check(phone, purpose, code, ip_address=ip_address)
    with transaction.atomic():
        phone_code_spend(code_id)
    return PhoneCode.objects.values_list("phone", flat=True).get(pk=code_id)


def _user_with_phone(phone: str) -> User | None:
    return User.objects.filter(phone=phone).first()


def account_authenticate_by_phone_code(phone, code, *, ip_address: str | None = None) -> User:
    """The user whose number a sign-in code proves (the web page logs them in)."""
    phone = phone_code_verify(phone, PhoneCodePurpose.SIGN_IN, code, ip_address=ip_address)
    user = _user_with_phone(phone)
    if user is None:  # the account went away after the code was sent
        raise DomainError(gettext("The code is not right"), Code.INVALID_CODE, field="code")
    if not user.is_active:
        raise DomainError(gettext("Account inactive"), Code.INVALID, field="phone")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_record("account.signed_in_by_code", actor=user, target=user, ip_address=ip_address)
    throttle.login_succeeded(phone)
    return user


def token_create_by_phone_code(phone, code, *, ip_address: str | None = None) -> dict:
    """Sign in with a sign-in code: tokens as tokenCreate gives them."""
    return tokens_issue(account_authenticate_by_phone_code(phone, code, ip_address=ip_address))


def account_register_by_phone_code(
    phone,
    code,
    *,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    language_code: str = "zh-hans",
    ip_address: str | None = None,
) -> User:
    """Register a buyer whose number a registration code proved; the password is optional (a
    farmer may always sign in by code). A number that already has an account signs into it:
    its owner just proved it is theirs, and the answer tells nobody else anything."""
    clean = phone_clean(phone)
    if password:
        _check_password(password, User(phone=clean, first_name=first_name, last_name=last_name))
    clean = phone_code_verify(clean, PhoneCodePurpose.REGISTER, code, ip_address=ip_address)
    existing = _user_with_phone(clean)
    if existing is not None:
        if not existing.is_active:
            raise DomainError(gettext("Account inactive"), Code.INVALID, field="phone")
        return existing
    try:
        return account_register(
            phone=clean,
            password=password or None,
            phone_verified=True,
            first_name=first_name,
            last_name=last_name,
            language_code=language_code,
            ip_address=ip_address,
        )
    except DomainError as exc:
        if exc.code == "unique":  # registered concurrently: the code proved the number
            user = _user_with_phone(clean)
            if user is not None:
                return user
        raise


def account_password_reset_by_phone_code(phone, code, new_password: str, *, ip_address: str | None = None) -> User:
    """Set a new password for the account of ``phone`` proven by a reset code ("forgot password");
    every token and session issued before dies (User.set_password rotates the key)."""
    clean = phone_clean(phone)
    if not new_password:
        raise DomainError(gettext("Give your new password"), Code.REQUIRED, field="newPassword")
    user = _user_with_phone(clean)
    _check_password(new_password, user or User(phone=clean), field="newPassword")
    phone_code_verify(clean, PhoneCodePurpose.PASSWORD_RESET, code, ip_address=ip_address)
    if user is None or not user.is_active:  # no code is ever sent for such a number
        raise DomainError(gettext("The code is not right"), Code.INVALID_CODE, field="code")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "jwt_token_key", "updated_at"])
        audit_record("account.password_reset_by_code", actor=user, target=user, ip_address=ip_address)
    throttle.login_succeeded(clean)
    return user


def phone_codes_purge() -> int:
    """Forget codes a day past their expiry and the demo outbox's old texts (hourly beat)."""
    cutoff = timezone.now() - KEEP_AFTER_EXPIRY
    codes = PhoneCode.objects.filter(expires_at__lte=cutoff).delete()[0]
    texts = SmsOutboxMessage.objects.filter(created_at__lte=cutoff).delete()[0]
    return codes + texts
