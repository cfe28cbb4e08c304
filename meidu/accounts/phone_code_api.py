"""GraphQL of phone verification codes: requestPhoneCode, then tokenCreateByPhoneCode,
accountRegisterByPhoneCode or setPasswordByPhoneCode (Saleor-style names beside tokenCreate,
accountRegister and setPassword). Each parses, calls one service, and maps its refusals."""

from __future__ import annotations

import graphene

from meidu.accounts.api import UserType
from meidu.accounts.error_codes import AccountErrorCode
from meidu.accounts.models import PhoneCodePurpose
from meidu.accounts.services import tokens_issue
from meidu.accounts.services.phone_codes import (
    account_password_reset_by_phone_code,
    account_register_by_phone_code,
    phone_code_request,
    token_create_by_phone_code,
)
from meidu.core.graphql.mutations import BaseMutation, ip_address

# The purposes a client may ask a code for; the station agent's assisted order asks through its own door.
PhoneCodePurposeEnum = graphene.Enum(
    "PhoneCodePurposeEnum",
    [
        (PhoneCodePurpose.SIGN_IN.name, PhoneCodePurpose.SIGN_IN.value),
        (PhoneCodePurpose.REGISTER.name, PhoneCodePurpose.REGISTER.value),
        (PhoneCodePurpose.PASSWORD_RESET.name, PhoneCodePurpose.PASSWORD_RESET.value),
        (PhoneCodePurpose.WITHDRAWAL.name, PhoneCodePurpose.WITHDRAWAL.value),
    ],
)


class AccountMutation(BaseMutation):
    default_error_code_enum = AccountErrorCode
    default_error_type_name = "AccountError"

    class Meta:
        abstract = True


class RequestPhoneCode(AccountMutation):
    expires_in = graphene.Int(description="Seconds the code lives.")
    retry_after = graphene.Int(description="Seconds before another code may be asked for.")

    class Arguments:
        phone = graphene.String(description="Mainland mobile number; a WITHDRAWAL code goes to the signed-in user's.")
        purpose = PhoneCodePurposeEnum(required=True)

    class Meta:
        description = "Send a six-digit code by SMS. The answer is the same whether or not the number is registered."

    @classmethod
    def perform_mutation(cls, root, info, purpose, phone=None):
        sent = phone_code_request(
            phone, getattr(purpose, "value", purpose), ip_address=ip_address(info), user=info.context.user
        )
        return cls(errors=[], expires_in=sent.expires_in, retry_after=sent.retry_after)


class TokenCreateByPhoneCode(AccountMutation):
    token = graphene.String(description="JWT access token.")
    refresh_token = graphene.String()
    csrf_token = graphene.String()
    user = graphene.Field(UserType)

    class Arguments:
        phone = graphene.String(required=True)
        code = graphene.String(required=True, description="The six digits of a SIGN_IN code.")

    class Meta:
        description = "Create JWT tokens for the user of a mobile number proven by a sign-in code."

    @classmethod
    def perform_mutation(cls, root, info, phone, code):
        return cls(errors=[], **token_create_by_phone_code(phone, code, ip_address=ip_address(info)))


class AccountRegisterByPhoneCode(AccountMutation):
    token = graphene.String()
    refresh_token = graphene.String()
    csrf_token = graphene.String()
    user = graphene.Field(UserType)

    class Arguments:
        phone = graphene.String(required=True)
        code = graphene.String(required=True, description="The six digits of a REGISTER code.")
        first_name = graphene.String()
        last_name = graphene.String()
        password = graphene.String(description="Optional: without one the buyer signs in by code.")
        language_code = graphene.String()

    class Meta:
        description = "Register a buyer by a mobile number proven by a registration code, and sign them in."

    @classmethod
    def perform_mutation(cls, root, info, phone, code, **data):
        user = account_register_by_phone_code(
            phone,
            code,
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            password=data.get("password") or None,
            language_code=data.get("language_code") or "zh-hans",
            ip_address=ip_address(info),
        )
        return cls(errors=[], **tokens_issue(user))


class SetPasswordByPhoneCode(AccountMutation):
    token = graphene.String(description="A new access token: every token issued before is dead.")
    refresh_token = graphene.String()
    csrf_token = graphene.String()
    user = graphene.Field(UserType)

    class Arguments:
        phone = graphene.String(required=True)
        code = graphene.String(required=True, description="The six digits of a PASSWORD_RESET code.")
        new_password = graphene.String(required=True)

    class Meta:
        description = "Forgot password: set a new one with a reset code; signs the user out everywhere else."

    @classmethod
    def perform_mutation(cls, root, info, phone, code, new_password):
        user = account_password_reset_by_phone_code(phone, code, new_password, ip_address=ip_address(info))
        return cls(errors=[], **tokens_issue(user))


class PhoneCodeMutations(graphene.ObjectType):
    request_phone_code = RequestPhoneCode.Field()
    token_create_by_phone_code = TokenCreateByPhoneCode.Field()
    account_register_by_phone_code = AccountRegisterByPhoneCode.Field()
    set_password_by_phone_code = SetPasswordByPhoneCode.Field()
