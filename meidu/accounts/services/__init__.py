"""Account use cases: register, authenticate (throttled), tokens, roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from meidu.accounts import jwt, throttle
from meidu.accounts.error_codes import AccountErrorCode
from meidu.accounts.models import User, new_jwt_token_key
from meidu.accounts.phone import InvalidPhone, normalize_cn_mobile
from meidu.accounts.roles import STAFF_ROLES, Role, roles_sync
from meidu.accounts.selectors import user_get_by_identifier
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError, DomainErrors
from meidu.core.graphql.auth import Caller
from meidu.core.sql.compiled import CompiledQuery
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit

_PASSWORD_CODES = {
    "password_too_short": AccountErrorCode.PASSWORD_TOO_SHORT,
    "password_too_common": AccountErrorCode.PASSWORD_TOO_COMMON,
    "password_entirely_numeric": AccountErrorCode.PASSWORD_ENTIRELY_NUMERIC,
    "password_too_similar": AccountErrorCode.PASSWORD_TOO_SIMILAR,
}


def _clean_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    try:
        return normalize_cn_mobile(phone)
    except InvalidPhone as exc:
        raise DomainError(str(exc), AccountErrorCode.INVALID_PHONE, field="phone") from None


def _clean_email(email: str | None) -> str | None:
    if not email:
        return None
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            gettext("%(email)s is not a valid e-mail address") % {"email": repr(email)},
            AccountErrorCode.INVALID,
            field="email",
        ) from None
    return email


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainErrors(
            [
                DomainError(message, _PASSWORD_CODES.get(err.code, AccountErrorCode.INVALID_PASSWORD), field=field)
                for err in exc.error_list
                for message in err.messages
            ]
        ) from None


def user_payload(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "phone": user.phone,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def account_register(
    *,
    password: str | None,
    email: str | None = None,
    phone: str | None = None,
    first_name: str = "",
    last_name: str = "",
    language_code: str = "zh-hans",
    ip_address: str | None = None,
    roles=(Role.BUYER,),
    phone_verified: bool = False,
) -> User:
    """Create a buyer account identified by a mobile number, an e-mail, or both. Without a password
    only when a phone code proved the number (``phone_verified``: services.phone_codes); such an
    account signs in by code until its owner sets a password."""
    phone, email = _clean_phone(phone), _clean_email(email)
    if password is None and not (phone_verified and phone):
        raise DomainError(gettext("Give a password"), AccountErrorCode.REQUIRED, field="password")
    if not phone and not email:
        raise DomainError(
            gettext("Give a mobile number or an e-mail address"), AccountErrorCode.REQUIRED, field="phone"
        )
    if phone and User.objects.filter(phone=phone).exists():
        raise DomainError(gettext("This mobile number is already registered"), AccountErrorCode.UNIQUE, field="phone")
    if email and User.objects.filter(email=email).exists():
        raise DomainError(gettext("This e-mail address is already registered"), AccountErrorCode.UNIQUE, field="email")
    user = User(
        phone=phone,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language_code=language_code,
    )
    if password is not None:
        _check_password(password, user)
    if not throttle.allowance_take("register", ip_address, settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR, 3600):
        # issue 13: accounts farmed from one address (to dodge per-buyer limits, to flood complaints)
        raise DomainError(
            gettext("Too many accounts registered from this address: try again in an hour"),
            AccountErrorCode.RATE_LIMITED,
        )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            user.groups.set(_role_groups([str(role) for role in roles]))
            audit_record("account.registered", actor=user, target=user, ip_address=ip_address)
            webhook_event_emit(WebhookEventType.CUSTOMER_CREATED, {"user": user_payload(user)})
    except IntegrityError:
        # Lost a race with a concurrent registration of the same identifier.
        raise DomainError(
            gettext("This account is already registered"), AccountErrorCode.UNIQUE, field="phone"
        ) from None
    return user


def account_authenticate(identifier: str, password: str, ip_address: str | None = None) -> User:
    """The user for these credentials, or a refusal; failures are throttled per identifier and address."""
    identifier = (identifier or "").strip()
    if not identifier or not password:
        raise DomainError(
            gettext("Give your mobile number or e-mail and your password"), AccountErrorCode.REQUIRED, field="email"
        )
    if throttle.login_is_blocked(identifier, ip_address):
        raise DomainError(
            gettext("Too many failed attempts; try again later"), AccountErrorCode.LOGIN_ATTEMPT_DELAYED, field="email"
        )
    user = user_get_by_identifier(identifier)
    if user is None or not user.check_password(password):
        if user is None:
            User().set_password(password)  # same cost whether or not the account exists
        throttle.login_failed(identifier, ip_address)
        raise DomainError(
            gettext("Please, enter valid credentials"), AccountErrorCode.INVALID_CREDENTIALS, field="email"
        )
    if not user.is_active:
        raise DomainError(gettext("Account inactive"), AccountErrorCode.INACTIVE, field="email")
    throttle.login_succeeded(identifier)
    return user


def tokens_issue(user: User) -> dict:
    """A fresh access and refresh token pair for a user already proven (login, password change)."""
    csrf_token = jwt.new_csrf_token()
    return {
        "user": user,
        "token": jwt.create_access_token(user),
        "refresh_token": jwt.create_refresh_token(user, csrf_token),
        "csrf_token": csrf_token,
    }


def token_create(identifier: str, password: str, ip_address: str | None = None) -> dict:
    user = account_authenticate(identifier, password, ip_address)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return tokens_issue(user)


_active_user = CompiledQuery(lambda pk: User.objects.filter(pk=pk, is_active=True).order_by()[:1], pk=int)


def _user_for_payload(payload: dict) -> User:
    try:
        user = next(iter(_active_user(pk=payload.get("sub"))), None)
    except (TypeError, ValueError):
        user = None
    if user is None or user.jwt_token_key != payload.get("token"):
        raise DomainError(
            gettext("The token's user is gone or signed out"), AccountErrorCode.JWT_INVALID_TOKEN, field="token"
        )
    return user


def token_refresh(refresh_token: str) -> dict:
    payload = jwt.decode_token(refresh_token, jwt.REFRESH)
    user = _user_for_payload(payload)
    return {"user": user, "token": jwt.create_access_token(user)}


def token_verify(token: str) -> dict:
    payload = jwt.decode_token(token, jwt.ACCESS)
    return {"user": _user_for_payload(payload), "payload": payload}


def user_from_access_token(token: str) -> User:
    return token_verify(token)["user"]


def user_bearer_authenticate(credential: str) -> Caller | None:
    """A ``bearer_authenticators`` subscriber (meidu/wiring.py): a JWT (three dot-separated parts)
    names its user, or is refused (DomainError); any other credential is not a JWT (None)."""
    if credential.count(".") != 2:
        return None
    return Caller(user=user_from_access_token(credential))


def tokens_revoke_all(user: User, *, ip_address: str | None = None) -> None:
    """Sign the user out everywhere: every access and refresh token and every web session issued
    so far stops working."""
    with transaction.atomic():
        user.jwt_token_key = new_jwt_token_key()
        user.save(update_fields=["jwt_token_key", "updated_at"])
        audit_record("account.signed_out_everywhere", actor=user, target=user, ip_address=ip_address)


def account_password_change(user: User, old_password: str, new_password: str, *, ip_address: str | None = None) -> User:
    """The user changes their own password, proving the old one; every token and session issued
    before dies (User.set_password rotates the key). Wrong old passwords count as failed logins,
    so a stolen token cannot be used to guess the password."""
    identifier = user.phone or user.email or ""
    if not old_password or not new_password:
        raise DomainError(
            gettext("Give your current and your new password"),
            AccountErrorCode.REQUIRED,
            field="oldPassword" if not old_password else "newPassword",
        )
    if throttle.login_is_blocked(identifier, ip_address):
        raise DomainError(
            gettext("Too many failed attempts; try again later"),
            AccountErrorCode.LOGIN_ATTEMPT_DELAYED,
            field="oldPassword",
        )
    if not user.check_password(old_password):
        throttle.login_failed(identifier, ip_address)
        raise DomainError(
            gettext("Old password isn't valid."), AccountErrorCode.INVALID_CREDENTIALS, field="oldPassword"
        )
    _check_password(new_password, user, field="newPassword")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "jwt_token_key", "updated_at"])
        audit_record("account.password_changed", actor=user, target=user, ip_address=ip_address)
    return user


def _role_groups(roles: list[str]) -> list[Group]:
    groups = list(Group.objects.filter(name__in=roles))
    if len(groups) != len(set(roles)):
        roles_sync()  # a role group went missing (e.g. a flushed test database): recreate them all
        groups = list(Group.objects.filter(name__in=roles))
    return groups


def user_roles_set(user: User, roles: list[str], *, actor=None, ip_address: str | None = None) -> User:
    """Replace the user's roles; staff access follows the back-office roles."""
    valid = {role.value for role in Role}
    unknown = [role for role in roles if role not in valid]
    if unknown:
        raise DomainError(
            gettext("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)}, AccountErrorCode.INVALID, field="roles"
        )
    with transaction.atomic():
        user.groups.set(_role_groups(roles))
        user.is_staff = bool(set(roles) & {role.value for role in STAFF_ROLES})
        user.save(update_fields=["is_staff", "updated_at"])
        audit_record(
            "account.roles_set", actor=actor, target=user, data={"roles": sorted(roles)}, ip_address=ip_address
        )
    user._role_names = sorted(roles)
    return user


def user_role_add(user: User, role: Role, *, actor=None, ip_address: str | None = None) -> User:
    """Grant one more role, keeping the others (a buyer who opens a shop becomes a seller too)."""
    from meidu.accounts.selectors import user_role_names

    roles = sorted(set(user_role_names(user)) | {str(role)})
    return user_roles_set(user, roles, actor=actor, ip_address=ip_address)
