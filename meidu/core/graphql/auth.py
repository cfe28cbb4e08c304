"""Authenticate a GraphQL request from its ``Authorization: Bearer`` header only.

Session cookies are deliberately ignored here (the endpoint is CSRF-exempt); web
pages use sessions, API clients use a user JWT or an app token.

Core knows no domain: who holds a credential is asked through the ``bearer_authenticators``
hook, whose subscribers meidu/wiring.py names (accounts for user JWTs first, then integrations
for app tokens).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from meidu.core.errors import DomainError
from meidu.core.hooks import Hook


class BearerErrorCode(Enum):
    """The codes a bad credential is refused with (the same values as accounts' AccountErrorCode)."""

    JWT_INVALID_TOKEN = "jwt_invalid_token"
    JWT_DECODE_ERROR = "jwt_decode_error"


@dataclass(frozen=True)
class Caller:
    """Who a credential belongs to: a user (JWT) or an app (app token)."""

    user: Any = None
    app: Any = None


bearer_authenticators: Hook[[str], Caller | None] = Hook("bearer_authenticators")
"""Asked in order with the bearer credential: each answers the Caller it names, None when the
credential is not of its kind, or raises DomainError for one of its kind that is bad or revoked."""


def authenticate_request(request) -> None:
    """Set request.user and request.app; raise DomainError for a bad or revoked credential."""
    request.user = AnonymousUser()
    request.app = None
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if not header:
        return
    scheme, _space, credential = header.partition(" ")
    credential = credential.strip()
    if scheme.lower() not in ("bearer", "jwt") or not credential:
        raise DomainError(_("The Authorization header must be 'Bearer <token>'"), BearerErrorCode.JWT_DECODE_ERROR)
    caller = bearer_authenticators.first(credential)
    if caller is None:
        raise DomainError(_("The app token is invalid or was revoked"), BearerErrorCode.JWT_INVALID_TOKEN)
    if caller.user is not None:
        request.user = caller.user
    request.app = caller.app
