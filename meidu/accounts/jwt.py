"""Access and refresh tokens: RS256 JWTs signed by the key ring (meidu.core.keys).

Access tokens live JWT_ACCESS_TTL_SECONDS; refresh tokens JWT_REFRESH_TTL_SECONDS and
carry the user's ``jwt_token_key``, so rotating that key revokes them all.
"""

from __future__ import annotations

import secrets
import time
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


# Tokens whose RS256 signature this process has verified: a buyer's four checkout requests carry the same
# access token, and its checks (the base64 of every segment, the signature) cost ~1 ms of CPU each time. An
# entry is used only while its key is still the ring's key of that kid (a rotation or a reload verifies again)
# and the issuer is the same, and only before the token's expiry (checked on every hit); the type check in
# decode_token runs every time. Cleared when full (a bound on memory: a cleared token is verified again).
_VERIFIED: dict[tuple[str, str], tuple[str, object, dict]] = {}
_VERIFIED_MAX = 4096


def _verified_payload(token: str, issuer: str) -> dict | None:
    entry = _VERIFIED.get((token, issuer))
    if entry is None:
        return None
    kid, key, payload = entry
    if key_ring().get(kid) is not key or not time.time() < payload["exp"]:
        _VERIFIED.pop((token, issuer), None)
        return None  # verified again: refused as expired, or by the ring's key of now
    return dict(payload)


def _verified_keep(token: str, issuer: str, kid: str, key, payload: dict) -> None:
    if not isinstance(payload.get("exp"), int | float):
        return
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[(token, issuer)] = (kid, key, dict(payload))


def _verify(token: str, issuer: str) -> dict:
    """The token's payload once its header, signature, expiry and issuer are checked (DomainError otherwise)."""
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
            issuer=issuer,
            options={"require": ["exp", "iat", "sub", "type"]},
        )
    except pyjwt.ExpiredSignatureError:
        raise DomainError(_("Signature has expired"), AccountErrorCode.JWT_SIGNATURE_EXPIRED, field="token") from None
    except pyjwt.PyJWTError:
        raise DomainError(_("Invalid token"), AccountErrorCode.JWT_INVALID_TOKEN, field="token") from None
    kid = header.get("kid", "")
    _verified_keep(token, issuer, kid, key, payload)
    return payload


def decode_token(token: str | None, expected_type: str) -> dict:
    """Verify signature, expiry, issuer and type; raise DomainError with Saleor's JWT codes."""
    if not token:
        raise DomainError(_("Missing token"), AccountErrorCode.JWT_MISSING_TOKEN, field="token")
    issuer = _issuer()
    payload = _verified_payload(token, issuer)
    if payload is None:
        payload = _verify(token, issuer)
    if payload.get("type") != expected_type:
        raise DomainError(
            _("Expected a %(type)s token") % {"type": expected_type}, AccountErrorCode.JWT_INVALID_TOKEN, field="token"
        )
    return payload
