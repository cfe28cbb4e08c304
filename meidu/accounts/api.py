"""GraphQL of accounts: Saleor's token mutations, accountRegister and me, plus roles."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _
from graphene.types.generic import GenericScalar

from meidu.accounts import services
from meidu.accounts.error_codes import AccountErrorCode
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.selectors import user_default_shipping_address
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, connection_field, paginate
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.mutations import BaseMutation, ip_address
from meidu.core.graphql.permissions import check_permissions, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import AccountPermissions, all_permissions, permission_for_row

RoleEnum = graphene.Enum("RoleEnum", [(role.name, role.value) for role in Role])
PermissionEnum = graphene.Enum("PermissionEnum", [(perm.name, perm.value) for perm in all_permissions()])


class UserPermission(graphene.ObjectType):
    code = graphene.Field(PermissionEnum, required=True)
    name = graphene.String(required=True)


class UserType(ModelObjectType):
    roles = graphene.List(graphene.NonNull(RoleEnum), required=True, description="Roles granted to the user.")
    user_permissions = graphene.List(graphene.NonNull(UserPermission), required=True)
    addresses = graphene.List(
        graphene.NonNull("meidu.accounts.address_api.AddressType"),
        required=True,
        description="Addresses the user has shipped to, newest first.",
    )
    default_shipping_address = graphene.Field("meidu.accounts.address_api.AddressType")
    orders = graphene.Field(
        "marketplace.orders.api.types.OrderCountableConnection",
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="The user's orders, newest first (the user and staff only).",
    )
    checkout_ids = graphene.List(
        graphene.NonNull(graphene.ID), channel=graphene.String(), description="The user's open checkouts."
    )

    # Relations read by list fields; see meidu.core.graphql.batching.
    batched_fields = {
        "roles": "groups",
        "userPermissions": ["groups__permissions__content_type", "user_permissions__content_type"],
    }

    class Meta:
        model = User
        name = "User"
        fields = [
            "id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "date_joined",
            "language_code",
        ]

    @staticmethod
    def resolve_roles(root, info):
        return sorted(group.name for group in root.groups.all())

    @staticmethod
    def _is_self_or_staff(root, info) -> bool:
        user = info.context.user
        return getattr(user, "is_authenticated", False) and (user.pk == root.pk or user.is_staff)

    @staticmethod
    def resolve_addresses(root, info):
        if not UserType._is_self_or_staff(root, info):
            return []
        return list(root.addresses.select_related("village__town").order_by("-pk")[:20])

    @staticmethod
    def resolve_default_shipping_address(root, info):
        if not UserType._is_self_or_staff(root, info):
            return None
        return user_default_shipping_address(root)

    @staticmethod
    def resolve_orders(root, info, **kwargs):
        from marketplace.orders.api.types import OrderCountableConnection
        from marketplace.orders.selectors import order_list_for_user

        if not UserType._is_self_or_staff(root, info):
            return None
        return paginate(
            order_list_for_user(root),
            info,
            OrderCountableConnection,
            sort=[SortKey("number", descending=True)],
            **kwargs,
        )

    @staticmethod
    def resolve_checkout_ids(root, info, channel=None):
        from graphql_relay import to_global_id

        from marketplace.checkout.models import Checkout

        if not UserType._is_self_or_staff(root, info):
            return []
        checkouts = Checkout.objects.filter(user=root)
        if channel:
            checkouts = checkouts.filter(channel__slug=channel)
        return [
            to_global_id("Checkout", str(token))
            for token in checkouts.order_by("-updated_at").values_list("pk", flat=True)
        ]

    @staticmethod
    def resolve_user_permissions(root, info):
        rows = {perm for group in root.groups.all() for perm in group.permissions.all()} | set(
            root.user_permissions.all()
        )
        found = {}
        for row in rows:
            perm = permission_for_row(row)
            if perm is not None:
                found[perm.name] = UserPermission(code=perm.value, name=row.name)
        return [found[name] for name in sorted(found)]


class UserCountableConnection(CountableConnection):
    class Meta:
        node = UserType


class AccountRegisterInput(graphene.InputObjectType):
    email = graphene.String(description="E-mail address; give it or a mobile number.")
    phone = graphene.String(description="Mainland China mobile number (+86).")
    password = graphene.String(required=True)
    first_name = graphene.String()
    last_name = graphene.String()
    language_code = graphene.String()
    redirect_url = graphene.String(
        description="Accepted for Saleor compatibility; accounts need no e-mail confirmation."
    )
    channel = graphene.String(description="Accepted for Saleor compatibility.")


class TokenCreate(BaseMutation):
    token = graphene.String(description="JWT access token.")
    refresh_token = graphene.String()
    csrf_token = graphene.String()
    user = graphene.Field(UserType)

    class Arguments:
        email = graphene.String(required=True, description="E-mail address or mainland mobile number.")
        password = graphene.String(required=True)

    class Meta:
        description = "Create JWT tokens for a user identified by e-mail or mobile number."
        error_code_enum = AccountErrorCode
        error_type_name = "AccountError"

    @classmethod
    def perform_mutation(cls, root, info, email, password):
        result = services.token_create(email, password, ip_address(info))
        return cls(errors=[], **result)


class TokenRefresh(BaseMutation):
    token = graphene.String()
    user = graphene.Field(UserType)

    class Arguments:
        refresh_token = graphene.String(required=True)
        csrf_token = graphene.String(
            description="Accepted for Saleor compatibility; refresh tokens are not read from cookies."
        )

    class Meta:
        error_code_enum = AccountErrorCode
        error_type_name = "AccountError"

    @classmethod
    def perform_mutation(cls, root, info, refresh_token, csrf_token=None):
        return cls(errors=[], **services.token_refresh(refresh_token))


class TokenVerify(BaseMutation):
    is_valid = graphene.Boolean(required=True)
    user = graphene.Field(UserType)
    payload = GenericScalar()

    class Arguments:
        token = graphene.String(required=True)

    class Meta:
        error_code_enum = AccountErrorCode
        error_type_name = "AccountError"

    @classmethod
    def perform_mutation(cls, root, info, token):
        result = services.token_verify(token)
        return cls(errors=[], is_valid=True, user=result["user"], payload=result["payload"])

    @classmethod
    def mutate(cls, root, info, **data):
        payload = super().mutate(root, info, **data)
        if payload.errors:
            payload.is_valid = False
        return payload


class AccountRegister(BaseMutation):
    requires_confirmation = graphene.Boolean()
    user = graphene.Field(UserType)

    class Arguments:
        input = AccountRegisterInput(required=True)

    class Meta:
        description = "Register a new buyer account."
        error_code_enum = AccountErrorCode
        error_type_name = "AccountError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = services.account_register(
            email=input.get("email"),
            phone=input.get("phone"),
            password=input["password"],
            first_name=input.get("first_name") or "",
            last_name=input.get("last_name") or "",
            language_code=input.get("language_code") or "zh-hans",
            ip_address=ip_address(info),
        )
        return cls(errors=[], user=user, requires_confirmation=False)


class PasswordChange(BaseMutation):
    user = graphene.Field(UserType)
    token = graphene.String(description="A new access token: every token issued before the change is dead.")
    refresh_token = graphene.String()
    csrf_token = graphene.String()

    class Arguments:
        old_password = graphene.String(required=True)
        new_password = graphene.String(required=True)

    class Meta:
        description = "Change the password of the logged-in user; signs them out everywhere else."
        error_code_enum = AccountErrorCode
        error_type_name = "AccountError"

    @classmethod
    def perform_mutation(cls, root, info, old_password, new_password):
        user = services.account_password_change(
            require_user(info), old_password, new_password, ip_address=ip_address(info)
        )
        return cls(errors=[], **services.tokens_issue(user))


class TokensDeactivateAll(BaseMutation):
    class Meta:
        description = "Deactivate every token and web session of the logged-in user (sign out everywhere)."
        error_code_enum = AccountErrorCode
        error_type_name = "AccountError"

    @classmethod
    def perform_mutation(cls, root, info):
        services.tokens_revoke_all(require_user(info), ip_address=ip_address(info))
        return cls(errors=[])


class UserRolesUpdate(BaseMutation):
    user = graphene.Field(UserType)

    class Arguments:
        id = graphene.ID(required=True)
        roles = graphene.List(graphene.NonNull(RoleEnum), required=True)

    class Meta:
        description = "Replace the roles of a user."
        permissions = [AccountPermissions.MANAGE_STAFF]
        error_code_enum = AccountErrorCode
        error_type_name = "AccountError"

    @classmethod
    def perform_mutation(cls, root, info, id, roles):
        pk = from_global_id_or_error(id, "User")
        user = User.objects.filter(pk=pk).first()
        if user is None:
            return cls(errors=[cls._error(_not_found("id"))])
        roles = [getattr(role, "value", role) for role in roles]
        user = services.user_roles_set(user, roles, actor=info.context.user, ip_address=ip_address(info))
        return cls(errors=[], user=user)


def _not_found(field):
    return DomainError(_("Not found"), AccountErrorCode.NOT_FOUND, field=field)


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(UserType, description="Return the currently authenticated user.")
    users = connection_field(UserCountableConnection, description="List of users (needs MANAGE_USERS).")

    @staticmethod
    def resolve_me(root, info):
        user = info.context.user
        return user if user.is_authenticated else None

    @staticmethod
    def resolve_users(root, info, **kwargs):
        check_permissions(info, [AccountPermissions.MANAGE_USERS])
        return paginate(User.objects.all(), info, UserCountableConnection, **kwargs)


class AccountMutations(graphene.ObjectType):
    token_create = TokenCreate.Field()
    token_refresh = TokenRefresh.Field()
    token_verify = TokenVerify.Field()
    account_register = AccountRegister.Field()
    password_change = PasswordChange.Field()
    tokens_deactivate_all = TokensDeactivateAll.Field()
    user_roles_update = UserRolesUpdate.Field()
