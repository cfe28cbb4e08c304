"""The commission rules an operator may change, within the law (《禁止传销条例》 art. 7).

The forbidden patterns are not options with a safe default: they cannot be configured at all.
A joining fee, a reward per recruit, a base other than the distributor's own delivered and
unrefunded sales, or a third level are refused with their own codes (and the table's constraints
refuse them again). A second level (an inviter earning on an invitee's sales) is the pattern
art. 7(3) targets: it can be switched on only with the recorded reason of a legal review.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from incubator.commission.error_codes import CommissionErrorCode
from incubator.commission.models import MAX_LEVELS, CommissionBase, CommissionSettings
from incubator.commission.selectors import commission_settings_current
from meidu.accounts.models import User
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.validation import decimal_refusal, text_refusal

MAX_REASON = 2000
ZERO = Decimal("0")


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Not a number"), CommissionErrorCode.INVALID, field=field) from None
    refusal = decimal_refusal(number)
    if refusal:
        raise DomainError(str(refusal), CommissionErrorCode.INVALID, field=field)
    return number


def _text(value, field: str, max_length: int) -> str:
    text = str(value or "")
    refusal = text_refusal(text, max_length=max_length)
    if refusal:
        raise DomainError(str(refusal), CommissionErrorCode.INVALID, field=field)
    return text.strip()


def _levels(value) -> int:
    number = _decimal(value, "levels")
    if number != number.to_integral_value() or number < 1:
        raise DomainError(_("Levels are a whole number from 1 to 2"), CommissionErrorCode.INVALID, field="levels")
    if number > MAX_LEVELS:
        raise DomainError(
            _("At most two commission levels are allowed; a third level is pyramid selling"),
            CommissionErrorCode.LEVEL_LIMIT,
            field="levels",
        )
    return int(number)


def commission_settings_change(
    *,
    actor,
    levels=1,
    second_level_rate_percent=0,
    reason: str = "",
    self_purchase_commission: bool = False,
    base: str = CommissionBase.DELIVERED_UNREFUNDED,
    joining_fee=0,
    recruit_reward=0,
    note: str = "",
) -> CommissionSettings:
    """Record new commission rules (a new row; the old ones stay as history) and audit the change.
    Refusals, each with its code and nothing written: a third level (LEVEL_LIMIT), a second level
    without a reason (REASON_REQUIRED), a joining fee (JOINING_FEE_FORBIDDEN), a reward per recruit
    (RECRUIT_REWARD_FORBIDDEN), a base other than delivered unrefunded sales (BASE_FORBIDDEN).
    Lock order: none; one insert and its audit row (the newest row is the rules in force)."""
    count = _levels(levels)
    if _decimal(joining_fee, "joiningFee") != ZERO:
        raise DomainError(
            _("No joining fee can be charged to become a distributor"),
            CommissionErrorCode.JOINING_FEE_FORBIDDEN,
            field="joiningFee",
        )
    if _decimal(recruit_reward, "recruitReward") != ZERO:
        raise DomainError(
            _("No rule may pay for recruiting distributors"),
            CommissionErrorCode.RECRUIT_REWARD_FORBIDDEN,
            field="recruitReward",
        )
    if base != CommissionBase.DELIVERED_UNREFUNDED:
        raise DomainError(
            _("Commission is paid only on the distributor's own delivered, unrefunded sales"),
            CommissionErrorCode.BASE_FORBIDDEN,
            field="base",
        )
    rate = _decimal(second_level_rate_percent, "secondLevelRatePercent")
    if rate < 0 or rate > 100 or rate != rate.quantize(Decimal("0.01")):
        raise DomainError(
            _("A rate is a percentage from 0 to 100 with at most two decimals"),
            CommissionErrorCode.INVALID,
            field="secondLevelRatePercent",
        )
    reason = _text(reason, "reason", MAX_REASON)
    if count == 2 and not reason:
        raise DomainError(
            _("A second level needs the recorded reason of a legal review"),
            CommissionErrorCode.REASON_REQUIRED,
            field="reason",
        )
    if count == 1:
        rate, reason = Decimal("0"), ""
    note = _text(note, "note", 255)
    with transaction.atomic():
        previous = commission_settings_current()
        row = CommissionSettings.objects.create(
            levels=count,
            second_level_rate_percent=rate,
            second_level_reason=reason,
            self_purchase_commission=bool(self_purchase_commission),
            base=base,
            note=note,
            created_by=actor if isinstance(actor, User) else None,
        )
        audit_record(
            "commission.settings_change",
            actor=actor,
            target=row,
            data={
                "levels": count,
                "second_level_rate_percent": str(rate),
                "reason": reason,
                "self_purchase_commission": row.self_purchase_commission,
                "previous": previous.pk if previous.pk else None,
                "previous_levels": previous.levels,
                "previous_self_purchase_commission": previous.self_purchase_commission,
            },
        )
    return row
