"""Member firms and their traders: admission with KYC, status, credit matching, exposure caps.

Lock order: the member row (SELECT ... FOR UPDATE) before its traders or rules.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from magnesium_exchange.members.accounts import bank_clearing_account, fee_income_account, member_accounts_open
from magnesium_exchange.members.credit_code import is_valid_credit_code, normalize_credit_code
from magnesium_exchange.members.error_codes import ExchangeMemberErrorCode as Code
from magnesium_exchange.members.models import (
    CounterpartyRule,
    CounterpartyRuleKind,
    CreditMatchingMode,
    Member,
    MemberStatus,
    Trader,
)
from meidu.accounts.roles import Role
from meidu.accounts.services import user_role_add
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError, DomainErrors
from meidu.core.money import to_decimal

# Allowed status changes: from -> set of targets.
STATUS_TRANSITIONS = {
    MemberStatus.ACTIVE: {MemberStatus.SUSPENDED, MemberStatus.CLOSED},
    MemberStatus.SUSPENDED: {MemberStatus.ACTIVE, MemberStatus.CLOSED},
    MemberStatus.CLOSED: set(),
}

_REQUIRED = (
    ("name", gettext_lazy("Firm name")),
    ("legal_representative", gettext_lazy("Legal representative")),
    ("registered_address", gettext_lazy("Registered address")),
    ("bank_name", gettext_lazy("Bank")),
    ("bank_account_name", gettext_lazy("Bank account holder")),
    ("bank_account_number", gettext_lazy("Bank account number")),
)

# Status names in refusals (the stored values are English codes).
_STATUS_NAMES = {
    MemberStatus.ACTIVE: pgettext_lazy("exchange member status", "active"),
    MemberStatus.SUSPENDED: pgettext_lazy("exchange member status", "suspended"),
    MemberStatus.CLOSED: pgettext_lazy("exchange member status", "closed"),
}

# Credit settings named in refusals.
_CREDIT_FIELD_NAMES = {
    "exposure_cap": gettext_lazy("The exposure cap"),
    "exposure_cap_tonnes": gettext_lazy("The tonnage cap"),
}


def member_create(
    *,
    name: str,
    credit_code: str,
    legal_representative: str,
    registered_address: str,
    bank_name: str,
    bank_account_name: str,
    bank_account_number: str,
    short_name: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    actor=None,
    ip_address=None,
) -> Member:
    """Admit a member firm whose KYC an operator checked; opens its ledger accounts."""
    data = {
        "name": name,
        "legal_representative": legal_representative,
        "registered_address": registered_address,
        "bank_name": bank_name,
        "bank_account_name": bank_account_name,
        "bank_account_number": bank_account_number,
    }
    errors = [
        DomainError(_("%(label)s is required") % {"label": label}, Code.REQUIRED, field=field)
        for field, label in _REQUIRED
        if not (data[field] or "").strip()
    ]
    code = normalize_credit_code(credit_code)
    if not is_valid_credit_code(code):
        errors.append(
            DomainError(_("Not a valid unified social credit code"), Code.INVALID_CREDIT_CODE, field="creditCode")
        )
    account_number = "".join((bank_account_number or "").split())
    if account_number and not (account_number.isdigit() and 8 <= len(account_number) <= 34):
        errors.append(DomainError(_("The bank account number looks wrong"), Code.INVALID, field="bankAccountNumber"))
    if errors:
        raise DomainErrors(errors)
    if Member.objects.filter(credit_code=code).exists():
        raise DomainError(_("A member with this credit code exists"), Code.UNIQUE, field="creditCode")
    with transaction.atomic():
        member = Member.objects.create(
            name=name.strip(),
            short_name=short_name.strip(),
            credit_code=code,
            legal_representative=legal_representative.strip(),
            registered_address=registered_address.strip(),
            contact_name=contact_name.strip(),
            contact_phone=contact_phone.strip(),
            bank_name=bank_name.strip(),
            bank_account_name=bank_account_name.strip(),
            bank_account_number=account_number,
            kyc_verified_at=timezone.now(),
        )
        member_accounts_open(member)
        fee_income_account()
        bank_clearing_account()
        audit_record(
            "exchange.member_created", actor=actor, target=member, data={"credit_code": code}, ip_address=ip_address
        )
    return member


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().get(pk=member.pk)


def member_status_set(member: Member, status: str, *, actor=None, reason: str = "") -> Member:
    with transaction.atomic():
        member = _locked(member)
        if status not in STATUS_TRANSITIONS.get(member.status, set()):
            raise DomainError(
                _("A %(current)s member cannot become %(target)s")
                % {
                    "current": _STATUS_NAMES.get(member.status, member.status),
                    "target": _STATUS_NAMES.get(status, status),
                },
                Code.INVALID_TRANSITION,
                field="status",
            )
        previous, member.status = member.status, status
        member.save(update_fields=["status", "updated_at"])
        audit_record(
            "exchange.member_status",
            actor=actor,
            target=member,
            data={"from": previous, "to": status, "reason": reason},
        )
    return member


def trader_add(
    member: Member,
    user,
    *,
    can_trade: bool = True,
    can_settle: bool = False,
    can_manage_funds: bool = False,
    actor=None,
) -> Trader:
    """Make ``user`` a trader of ``member`` (a user trades for one member only) and give them the trader role."""
    with transaction.atomic():
        member = _locked(member)
        if member.status != MemberStatus.ACTIVE:
            raise DomainError(_("The member is not active"), Code.MEMBER_NOT_ACTIVE, field="member")
        existing = Trader.objects.filter(user=user).first()
        if existing is not None and existing.member_id != member.pk:
            raise DomainError(_("This user already trades for another member"), Code.UNIQUE, field="user")
        trader, _created = Trader.objects.update_or_create(
            user=user,
            defaults={
                "member": member,
                "can_trade": can_trade,
                "can_settle": can_settle,
                "can_manage_funds": can_manage_funds,
                "is_active": True,
            },
        )
        user_role_add(user, Role.TRADER, actor=actor)
        audit_record(
            "exchange.trader_set",
            actor=actor,
            target=member,
            data={"user": user.pk, "trade": can_trade, "settle": can_settle, "funds": can_manage_funds},
        )
    return trader


def trader_deactivate(trader: Trader, *, actor=None) -> Trader:
    with transaction.atomic():
        trader.is_active = False
        trader.save(update_fields=["is_active"])
        audit_record("exchange.trader_deactivated", actor=actor, target=trader.member, data={"user": trader.user_id})
    return trader


def member_counterparty_set(
    member: Member, counterparty: Member, kind: str | None, *, actor=None
) -> CounterpartyRule | None:
    """Allow or deny ``counterparty`` for ``member``; ``kind=None`` removes the rule."""
    if member.pk == counterparty.pk:
        raise DomainError(_("A member cannot list itself"), Code.INVALID, field="counterparty")
    if kind is not None and kind not in CounterpartyRuleKind.values:
        raise DomainError(_("Unknown rule kind"), Code.INVALID, field="kind")
    with transaction.atomic():
        _locked(member)
        if kind is None:
            CounterpartyRule.objects.filter(member=member, counterparty=counterparty).delete()
            rule = None
        else:
            rule, _created = CounterpartyRule.objects.update_or_create(
                member=member, counterparty=counterparty, defaults={"kind": kind}
            )
        audit_record(
            "exchange.counterparty_rule",
            actor=actor,
            target=member,
            data={"counterparty": counterparty.pk, "kind": kind},
        )
    return rule


def member_credit_config_set(
    member: Member, *, credit_matching_mode: str | None = None, exposure_cap=None, exposure_cap_tonnes=None, actor=None
) -> Member:
    """Change the member's credit-matching mode and exposure caps (operators, on the member's instruction)."""
    with transaction.atomic():
        member = _locked(member)
        changed = {}
        if credit_matching_mode is not None:
            if credit_matching_mode not in CreditMatchingMode.values:
                raise DomainError(_("Unknown credit-matching mode"), Code.INVALID, field="creditMatchingMode")
            changed["credit_matching_mode"] = credit_matching_mode
        for field, value, places in (
            ("exposure_cap", exposure_cap, Decimal("0.01")),
            ("exposure_cap_tonnes", exposure_cap_tonnes, Decimal("0.001")),
        ):
            if value is None:
                continue
            try:
                value = to_decimal(value)
            except (TypeError, ValueError):
                raise DomainError(
                    _("%(name)s must be a decimal number") % {"name": _CREDIT_FIELD_NAMES[field]},
                    Code.INVALID,
                    field=field,
                ) from None
            if value < 0 or value != value.quantize(places):
                raise DomainError(
                    _("%(name)s must be non-negative with at most %(places)s decimals")
                    % {"name": _CREDIT_FIELD_NAMES[field], "places": abs(places.as_tuple().exponent)},
                    Code.INVALID,
                    field=field,
                )
            changed[field] = value
        for field, value in changed.items():
            setattr(member, field, value)
        if changed:
            member.save(update_fields=[*changed, "updated_at"])
            audit_record(
                "exchange.member_credit_config",
                actor=actor,
                target=member,
                data={k: str(v) for k, v in changed.items()},
            )
    return member
