"""GraphQL of apps and webhooks (Saleor's names): apps, appCreate, appTokenCreate/Delete, webhookCreate."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from meidu.accounts.api import PermissionEnum
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.connection import CountableConnection, connection_field, paginate
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.mutations import BaseMutation, ip_address
from meidu.core.graphql.permissions import check_permissions, requestor
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import AppPermission, permission_by_value, permission_for_row
from meidu.integrations.error_codes import AppErrorCode, WebhookErrorCode
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import App, AppToken, Webhook
from meidu.integrations.services import apps as app_services
from meidu.integrations.services.webhooks import webhook_create

WebhookEventTypeAsyncEnum = graphene.Enum("WebhookEventTypeAsyncEnum", [(e.name, e.value) for e in WebhookEventType])


class Permission(graphene.ObjectType):
    code = graphene.Field(PermissionEnum, required=True)
    name = graphene.String(required=True)


class AppTokenType(ModelObjectType):
    auth_token = graphene.String(description="Last 4 characters of the token.")

    class Meta:
        model = AppToken
        name = "AppToken"
        fields = ["id", "name", "created_at"]

    @staticmethod
    def resolve_auth_token(root, info):
        return root.token_last_4


class WebhookType(ModelObjectType):
    async_events = graphene.List(graphene.NonNull(WebhookEventTypeAsyncEnum), required=True)

    class Meta:
        model = Webhook
        name = "Webhook"
        fields = ["id", "name", "target_url", "is_active", "created_at"]

    @staticmethod
    def resolve_async_events(root, info):
        return list(root.events)


class AppType(ModelObjectType):
    permissions = graphene.List(graphene.NonNull(Permission), required=True)
    tokens = graphene.List(graphene.NonNull(AppTokenType), required=True)
    webhooks = graphene.List(graphene.NonNull(WebhookType), required=True)

    batched_fields = {
        "permissions": "permissions__content_type",
        "tokens": "tokens",
        "webhooks": "webhooks",
    }

    class Meta:
        model = App
        name = "App"
        fields = ["id", "name", "identifier", "is_active", "created_at"]

    @staticmethod
    def resolve_permissions(root, info):
        perms = [(permission_for_row(row), row.name) for row in root.permissions.all()]
        return sorted((Permission(code=perm.value, name=name) for perm, name in perms if perm), key=lambda p: p.code)

    @staticmethod
    def resolve_tokens(root, info):
        return list(root.tokens.all())

    @staticmethod
    def resolve_webhooks(root, info):
        return list(root.webhooks.all())


class AppCountableConnection(CountableConnection):
    class Meta:
        node = AppType


def _app_by_id(global_id: str, field: str) -> App:
    pk = from_global_id_or_error(global_id, "App", field)
    app = App.objects.filter(pk=pk).first()
    if app is None:
        raise DomainError(_("App not found"), AppErrorCode.NOT_FOUND, field=field)
    return app


class AppInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    permissions = graphene.List(graphene.NonNull(PermissionEnum), description="Permissions granted to the app.")


class AppCreate(BaseMutation):
    auth_token = graphene.String(description="The newly created token; shown only this once.")
    app = graphene.Field(AppType)

    class Arguments:
        input = AppInput(required=True)

    class Meta:
        permissions = [AppPermission.MANAGE_APPS]
        error_code_enum = AppErrorCode
        error_type_name = "AppError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        perms = [permission_by_value(getattr(p, "value", p)) for p in input.get("permissions") or []]
        app, raw = app_services.app_create(
            name=input["name"], permissions=perms, actor=requestor(info), ip_address=ip_address(info)
        )
        return cls(errors=[], app=app, auth_token=raw)


class AppTokenInput(graphene.InputObjectType):
    app = graphene.ID(required=True)
    name = graphene.String()


class AppTokenCreate(BaseMutation):
    auth_token = graphene.String(description="The newly created token; shown only this once.")
    app_token = graphene.Field(AppTokenType)

    class Arguments:
        input = AppTokenInput(required=True)

    class Meta:
        permissions = [AppPermission.MANAGE_APPS]
        error_code_enum = AppErrorCode
        error_type_name = "AppError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        app = _app_by_id(input["app"], "app")
        token, raw = app_services.app_token_create(
            app, name=input.get("name") or "", actor=requestor(info), ip_address=ip_address(info)
        )
        return cls(errors=[], app_token=token, auth_token=raw)


class AppTokenDelete(BaseMutation):
    app_token = graphene.Field(AppTokenType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        permissions = [AppPermission.MANAGE_APPS]
        error_code_enum = AppErrorCode
        error_type_name = "AppError"

    @classmethod
    def perform_mutation(cls, root, info, id):
        pk = from_global_id_or_error(id, "AppToken")
        token = AppToken.objects.select_related("app").filter(pk=pk).first()
        if token is None:
            raise DomainError(_("App token not found"), AppErrorCode.NOT_FOUND, field="id")
        app_services.app_token_delete(token, actor=requestor(info), ip_address=ip_address(info))
        token.id = int(pk)
        return cls(errors=[], app_token=token)


class WebhookCreateInput(graphene.InputObjectType):
    app = graphene.ID(description="The app; omitted when an app creates its own webhook.")
    name = graphene.String()
    target_url = graphene.String(required=True)
    async_events = graphene.List(graphene.NonNull(WebhookEventTypeAsyncEnum), required=True)
    is_active = graphene.Boolean()


class WebhookCreate(BaseMutation):
    webhook = graphene.Field(WebhookType)

    class Arguments:
        input = WebhookCreateInput(required=True)

    class Meta:
        error_code_enum = WebhookErrorCode
        error_type_name = "WebhookError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        actor = requestor(info)
        if isinstance(actor, App) and not input.get("app"):
            app = actor
        else:
            check_permissions(info, [AppPermission.MANAGE_APPS])
            if not input.get("app"):
                raise DomainError(_("Which app is the webhook for?"), WebhookErrorCode.REQUIRED, field="app")
            app = _app_by_id(input["app"], "app")
        webhook = webhook_create(
            app,
            target_url=input["target_url"],
            events=[getattr(e, "value", e) for e in input["async_events"]],
            name=input.get("name") or "",
            is_active=input.get("is_active", True) if input.get("is_active") is not None else True,
            actor=actor,
            ip_address=ip_address(info),
        )
        return cls(errors=[], webhook=webhook)


class AppQueries(graphene.ObjectType):
    apps = connection_field(AppCountableConnection, description="List of apps (needs MANAGE_APPS).")
    app = graphene.Field(AppType, id=graphene.ID(description="Omit to get the calling app."))

    @staticmethod
    def resolve_apps(root, info, **kwargs):
        check_permissions(info, [AppPermission.MANAGE_APPS])
        return paginate(App.objects.all(), info, AppCountableConnection, **kwargs)

    @staticmethod
    def resolve_app(root, info, id=None):
        actor = requestor(info)
        if id is None:
            if isinstance(actor, App):
                return actor
            raise PermissionDenied(message="Only an app can ask for itself without an id")
        check_permissions(info, [AppPermission.MANAGE_APPS])
        return App.objects.filter(pk=from_global_id_or_error(id, "App")).first()


class AppMutations(graphene.ObjectType):
    app_create = AppCreate.Field()
    app_token_create = AppTokenCreate.Field()
    app_token_delete = AppTokenDelete.Field()
    webhook_create = WebhookCreate.Field()
