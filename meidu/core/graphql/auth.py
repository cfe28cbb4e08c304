"""Authenticate a GraphQL request from its ``Authorization: Bearer`` header only.

Session cookies are deliberately ignored here (the endpoint is CSRF-exempt); web
pages use sessions, API clients use a user JWT or an app token.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from meidu.accounts.error_codes import AccountErrorCode
from meidu.accounts.services import user_from_access_token
from meidu.core.errors import DomainError
from meidu.integrations.services.apps import app_authenticate


def authenticate_request(request) -> None:
    """Set request.user and request.app; raise DomainError for a bad or revoked credential."""
    request.user = AnonymousUser()
    request.app = None
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if not header:
        return
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if scheme.lower() not in ("bearer", "jwt") or not credential:
        raise DomainError("The Authorization header must be 'Bearer <token>'", AccountErrorCode.JWT_DECODE_ERROR)
    if credential.count(".") == 2:
        request.user = user_from_access_token(credential)
        return
    app = app_authenticate(credential)
    if app is None:
        raise DomainError("The app token is invalid or was revoked", AccountErrorCode.JWT_INVALID_TOKEN)
    request.app = app
