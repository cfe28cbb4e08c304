"""Access and refresh tokens: RS256 JWTs signed by the key ring (meidu.core.keys).

Access tokens live JWT_ACCESS_TTL_SECONDS; refresh tokens JWT_REFRESH_TTL_SECONDS and
carry the user's ``jwt_token_key``, so rotating that key revokes them all.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import jwt as pyjwt
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from meidu.accounts.error_codes import AccountErrorCode
from meidu.core.errors import DomainError
from meidu.core.keys import key_ring

ACCESS = "access"
REFRESH = "refresh"


def _issuer() -> str:
    return settings.PUBLIC_URL.rstrip("/") + "/graphql/"


def _encode(payload: dict) -> str:
    key = key_ring().active
    # The loaded key, not its PEM: PyJWT would parse (and check) the PEM on every token, ~30 ms of CPU.
    return pyjwt.encode(payload, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def _base_payload(user, token_type: str, ttl_seconds: int) -> dict:
    now = timezone.now()
    return {
        "iss": _issuer(),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
        "type": token_type,
        "sub": str(user.pk),
        "token": user.jwt_token_key,
        "email": user.email,
        "phone": user.phone,
        "is_staff": user.is_staff,
    }


def create_access_token(user) -> str:
    return _encode(_base_payload(user, ACCESS, settings.JWT_ACCESS_TTL_SECONDS))


def create_refresh_token(user, csrf_token: str) -> str:
    payload = _base_payload(user, REFRESH, settings.JWT_REFRESH_TTL_SECONDS)
    payload["csrf_token"] = csrf_token
    return _encode(payload)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def decode_token(token: str | None, expected_type: str) -> dict:
    """Verify signature, expiry, issuer and type; raise DomainError with Saleor's JWT codes."""
    if not token:
        raise DomainError(_("Missing token"), AccountErrorCode.JWT_MISSING_TOKEN, field="token")
    try:
        header = pyjwt.get_unverified_header(token)
    except pyjwt.PyJWTError:
        raise DomainError(
            _("The token could not be decoded"), AccountErrorCode.JWT_DECODE_ERROR, field="token"
        ) from None
    key = key_ring().get(header.get("kid", ""))
    if key is None or header.get("alg") != "RS256":
        raise DomainError(
            _("The token was not signed by this server"), AccountErrorCode.JWT_INVALID_TOKEN, field="token"
        )
    try:
        payload = pyjwt.decode(
            token,
            key.private_key.public_key(),
            algorithms=["RS256"],
            issuer=_issuer(),
            options={"require": ["exp", "iat", "sub", "type"]},
        )
    except pyjwt.ExpiredSignatureError:
        raise DomainError(_("Signature has expired"), AccountErrorCode.JWT_SIGNATURE_EXPIRED, field="token") from None
    except pyjwt.PyJWTError:
        raise DomainError(_("Invalid token"), AccountErrorCode.JWT_INVALID_TOKEN, field="token") from None
    if payload.get("type") != expected_type:
        raise DomainError(
            _("Expected a %(type)s token") % {"type": expected_type}, AccountErrorCode.JWT_INVALID_TOKEN, field="token"
        )
    return payload
