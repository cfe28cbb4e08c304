"""Apps: create them, issue and revoke their tokens, authenticate a bearer token.

An app token is 32 random bytes; only its SHA-256 is stored (a slow hash adds
nothing for a high-entropy secret and would cost every API call), plus the last
four characters so that operators can tell tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.graphql.auth import Caller
from meidu.core.permissions import BasePermissionEnum
from meidu.integrations.error_codes import AppErrorCode
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import App, AppToken
from meidu.integrations.services.outbox import webhook_event_emit
from meidu.integrations.subscriptions import subscriptions_forget

TOKEN_PREFIX = "mda_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _permission_rows(permissions: list[BasePermissionEnum]) -> list[Permission]:
    rows = []
    for perm in permissions:
        row = Permission.objects.filter(content_type__app_label=perm.app_label, codename=perm.codename).first()
        if row is None:
            raise DomainError(
                _("Unknown permission %(permission)s") % {"permission": perm.name},
                AppErrorCode.INVALID,
                field="permissions",
            )
        rows.append(row)
    return rows


def _check_scope(actor, permissions: list[BasePermissionEnum]) -> None:
    """An operator may give an app only permissions they hold themselves."""
    missing = [perm.name for perm in permissions if not actor_has_permission(actor, perm)]
    if missing:
        raise DomainError(
            _("You cannot grant permissions you do not have: %(permissions)s") % {"permissions": ", ".join(missing)},
            AppErrorCode.OUT_OF_SCOPE_PERMISSION,
            field="permissions",
        )


def actor_has_permission(actor, perm: BasePermissionEnum) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if isinstance(actor, App):
        return perm.value in app_permission_values(actor)
    return actor.is_active and actor.has_perm(perm.value)


def app_permission_values(app: App) -> set[str]:
    cached = getattr(app, "_permission_values", None)
    if cached is None:
        cached = {
            f"{app_label}.{codename}"
            for app_label, codename in app.permissions.values_list("content_type__app_label", "codename")
        }
        app._permission_values = cached
    return cached


def _unique_identifier(name: str) -> str:
    base = slugify(name, allow_unicode=False) or "app"
    candidate, n = base, 1
    while App.objects.filter(identifier=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _issue_token(app: App, name: str) -> tuple[AppToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AppToken.objects.create(app=app, name=name, token_hash=token_hash(raw), token_last_4=raw[-4:])
    return token, raw


def app_create(*, name: str, permissions: list[BasePermissionEnum], actor, ip_address=None) -> tuple[App, str]:
    """Create an app with a first token; the raw token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("An app needs a name"), AppErrorCode.REQUIRED, field="name")
    _check_scope(actor, permissions)
    rows = _permission_rows(permissions)
    with transaction.atomic():
        app = App.objects.create(name=name, identifier=_unique_identifier(name))
        app.permissions.set(rows)
        subscriptions_forget()
        _token, raw = _issue_token(app, "default")
        audit_record(
            "app.created",
            actor=actor,
            target=app,
            data={"permissions": [p.name for p in permissions]},
            ip_address=ip_address,
        )
        webhook_event_emit(
            WebhookEventType.APP_INSTALLED, {"app": {"id": app.pk, "name": app.name, "identifier": app.identifier}}
        )
    return app, raw


def app_token_create(app: App, *, name: str = "", actor, ip_address=None) -> tuple[AppToken, str]:
    with transaction.atomic():
        token, raw = _issue_token(app, name)
        audit_record(
            "app.token_created", actor=actor, target=app, data={"last4": token.token_last_4}, ip_address=ip_address
        )
    return token, raw


def app_token_delete(token: AppToken, *, actor, ip_address=None) -> None:
    """Revoke a token: the next request carrying it is refused."""
    with transaction.atomic():
        audit_record(
            "app.token_revoked",
            actor=actor,
            target=token.app,
            data={"last4": token.token_last_4},
            ip_address=ip_address,
        )
        token.delete()


def app_deactivate(app: App, *, actor, ip_address=None) -> App:
    with transaction.atomic():
        app.is_active = False
        app.save(update_fields=["is_active"])
        subscriptions_forget()
        audit_record("app.deactivated", actor=actor, target=app, ip_address=ip_address)
    return app


def app_permissions_add(app: App, permissions: list[BasePermissionEnum], *, actor, ip_address=None) -> App:
    """Give an app more permissions (only ones the operator holds); its webhooks receive the events
    those permissions open at once."""
    _check_scope(actor, permissions)
    rows = _permission_rows(permissions)
    with transaction.atomic():
        app.permissions.add(*rows)
        app.__dict__.pop("_permission_values", None)
        subscriptions_forget()
        audit_record(
            "app.permissions_added",
            actor=actor,
            target=app,
            data={"permissions": [p.name for p in permissions]},
            ip_address=ip_address,
        )
    return app


def app_permissions_remove(app: App, permissions: list[BasePermissionEnum], *, actor, ip_address=None) -> App:
    """Take permissions away from an app (only ones the operator holds); its webhooks stop receiving
    the events they opened at once."""
    _check_scope(actor, permissions)
    rows = _permission_rows(permissions)
    with transaction.atomic():
        app.permissions.remove(*rows)
        app.__dict__.pop("_permission_values", None)
        subscriptions_forget()
        audit_record(
            "app.permissions_removed",
            actor=actor,
            target=app,
            data={"permissions": [p.name for p in permissions]},
            ip_address=ip_address,
        )
    return app


def app_authenticate(raw: str) -> App | None:
    """The active app owning this bearer token, or None (unknown or revoked token, inactive app)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = AppToken.objects.select_related("app").filter(token_hash=token_hash(raw)).first()
    if token is None or not token.app.is_active:
        return None
    return token.app


def app_bearer_authenticate(credential: str) -> Caller | None:
    """A ``bearer_authenticators`` subscriber (meidu/wiring.py, after the JWT one): the active app
    owning this token, or None (the request is then refused as an invalid token)."""
    app = app_authenticate(credential)
    return Caller(app=app) if app is not None else None
