"""A trader's withdrawal, confirmed by a phone code of purpose "withdrawal" sent to the trader's own
phone (issue 21): the door the API and the terminal use. Internal callers (settlement, tests of the
ledger) keep ``funds_withdraw_request``, which moves money without asking anyone's phone.

The code is checked first (a wrong try is counted and kept), then the request is made and the code
spent in one transaction: a withdrawal refused for its funds keeps the code usable, and two requests
racing with one code make one withdrawal. A retry under an idempotency key already used replays (or
refuses) without a new code. Lock order: as funds_withdraw_request, then the phone code row.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from magnesium_exchange.members.error_codes import ExchangeFundsErrorCode as Code
from magnesium_exchange.members.models import FundsRequest, FundsRequestKind, Member
from magnesium_exchange.members.services.funds import _amount, funds_withdraw_request
from meidu.accounts.models import PhoneCodePurpose
from meidu.accounts.services.phone_codes import phone_code_check, phone_code_spend
from meidu.core.errors import DomainError
from meidu.core.idempotency.selectors import idempotency_key_seen
from meidu.core.idempotency.services import MAX_KEY_LENGTH


def funds_withdraw_request_by_code(
    member: Member,
    amount,
    *,
    actor,
    phone_code: str | None,
    idempotency_key: str | None = None,
    note: str = "",
    ip_address: str | None = None,
) -> FundsRequest:
    """``funds_withdraw_request`` once ``actor`` proves their phone with a withdrawal code.
    Refusals beyond the funds ones: REQUIRED (no code), INVALID_PHONE (the trader has no phone) and
    the phone-code codes (INVALID_CODE, CODE_EXPIRED, CODE_USED, CODE_ATTEMPTS_EXCEEDED, ...)."""
    amount = _amount(amount)  # malformed input is refused before the code is looked at
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise DomainError(_("The idempotency key must be 1 to 255 characters"), Code.INVALID, field="idempotencyKey")
    replay = idempotency_key_seen(
        scope=f"exchange.funds.{FundsRequestKind.WITHDRAWAL}", actor_key=f"member:{member.pk}", key=idempotency_key
    )
    if replay:
        return funds_withdraw_request(member, amount, actor=actor, idempotency_key=idempotency_key, note=note)
    if not getattr(actor, "phone", None):
        raise DomainError(
            _("Your account has no mobile number to confirm a withdrawal with"), Code.INVALID_PHONE, field="phoneCode"
        )
    if not (phone_code or "").strip():
        raise DomainError(
            _("Enter the six-digit code sent to your phone to confirm the withdrawal"),
            Code.REQUIRED,
            field="phoneCode",
        )
    try:
        code_id = phone_code_check(actor.phone, PhoneCodePurpose.WITHDRAWAL, phone_code, ip_address=ip_address)
        with transaction.atomic():
            funds_request = funds_withdraw_request(
                member, amount, actor=actor, idempotency_key=idempotency_key, note=note
            )
            phone_code_spend(code_id)
    except DomainError as exc:
        if exc.field == "code":
            raise DomainError(exc.message, exc.code, field="phoneCode") from None
        raise
    return funds_request
