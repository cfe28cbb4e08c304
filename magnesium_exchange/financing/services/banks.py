"""Lending banks, their officers and the financing rules (haircut and lines per bank and grade).

Lock order: the bank row (SELECT ... FOR UPDATE) when an officer is added; a rule is one row written
by its (bank, grade) key, which the database keeps unique.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.models import Bank, BankOfficer, FinancingRule
from magnesium_exchange.financing.selectors import bank_of_actor as _bank_of_actor
from magnesium_exchange.financing.services.inputs import hours_input, lines_check, percent_input, text_input
from meidu.accounts.roles import Role
from meidu.accounts.services import user_role_add
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def bank_of_actor(actor) -> Bank | None:
    """An active officer's bank for a user, the bank whose ``app`` is the App for an App, else None."""
    return _bank_of_actor(actor)


def bank_require(actor) -> Bank:
    """The bank ``actor`` acts for; NOT_YOUR_BANK for anyone who is not a bank's officer or App."""
    bank = _bank_of_actor(actor)
    if bank is None:
        raise DomainError(_("Only a bank's officers or its app may do this"), Code.NOT_YOUR_BANK, field="bank")
    return bank


def bank_create(*, code: str, name: str, short_name: str = "", app=None, actor=None) -> Bank:
    """A lending bank (operators). ``code`` is a short slug (lower-case letters, digits, hyphens); ``app``
    the integrations App its own systems call with (one bank per App)."""
    code = text_input(code, "code", max_length=32, required=True).lower()
    if not _CODE.match(code):
        raise DomainError(
            _("The code is lower-case letters, digits and hyphens, at most 32"), Code.INVALID, field="code"
        )
    name = text_input(name, "name", max_length=120, required=True)
    short_name = text_input(short_name, "shortName", max_length=40)
    with transaction.atomic():
        if Bank.objects.filter(code=code).exists():
            raise DomainError(_("A bank with this code exists"), Code.INVALID, field="code")
        if app is not None and Bank.objects.filter(app=app).exists():
            raise DomainError(_("This app already belongs to a bank"), Code.INVALID, field="app")
        try:
            with transaction.atomic():
                bank = Bank.objects.create(code=code, name=name, short_name=short_name, app=app)
        except IntegrityError:  # a concurrent create of the same code or app
            raise DomainError(_("A bank with this code or app exists"), Code.INVALID, field="code") from None
        audit_record(
            "exchange.bank_created", actor=actor, target=bank, data={"code": code, "app": getattr(app, "pk", None)}
        )
    return bank


def bank_officer_add(bank: Bank, user, *, actor=None) -> BankOfficer:
    """Make ``user`` an officer of ``bank`` (one bank per user) and give them the bank officer role."""
    with transaction.atomic():
        bank = Bank.objects.select_for_update().get(pk=bank.pk)
        if not bank.is_active:
            raise DomainError(_("The bank is not active"), Code.BANK_NOT_ACTIVE, field="bank")
        existing = BankOfficer.objects.filter(user=user).first()
        if existing is not None and existing.bank_id != bank.pk and existing.is_active:
            raise DomainError(_("This user is already an officer of another bank"), Code.INVALID, field="user")
        officer, _created = BankOfficer.objects.update_or_create(user=user, defaults={"bank": bank, "is_active": True})
        user_role_add(user, Role.BANK_OFFICER, actor=actor)
        audit_record("exchange.bank_officer_added", actor=actor, target=bank, data={"user": user.pk})
    return officer


def financing_rule_set(
    *,
    bank=None,
    grade=None,
    haircut_percent,
    max_ltv_percent,
    warning_percent,
    liquidation_percent,
    margin_call_hours=72,
    actor=None,
) -> FinancingRule:
    """Set the haircut and lines for a bank and grade (either blank: every one), operators. The lines
    must be ordered (INVALID_LINES): 0 ≤ haircut < 100, 0 < loan-to-value limit ≤ warning < liquidation ≤ 100."""
    haircut = percent_input(haircut_percent, "haircutPercent")
    max_ltv = percent_input(max_ltv_percent, "maxLtvPercent")
    warning = percent_input(warning_percent, "warningPercent")
    liquidation = percent_input(liquidation_percent, "liquidationPercent")
    hours = hours_input(margin_call_hours)
    lines_check(haircut, max_ltv, warning, liquidation)
    values = {
        "haircut_percent": haircut,
        "max_ltv_percent": max_ltv,
        "warning_percent": warning,
        "liquidation_percent": liquidation,
        "margin_call_hours": hours,
    }
    with transaction.atomic():
        key = {"bank_id": getattr(bank, "pk", None), "grade_id": getattr(grade, "pk", None)}
        rule = FinancingRule.objects.select_for_update().filter(**key).first()
        previous = None
        if rule is None:
            try:
                with transaction.atomic():
                    rule = FinancingRule.objects.create(**key, **values)
            except IntegrityError:  # created at the same moment by another operator: update it
                rule = FinancingRule.objects.select_for_update().get(**key)
        if rule.pk and any(getattr(rule, field) != value for field, value in values.items()):
            previous = {field: str(getattr(rule, field)) for field in values}
            for field, value in values.items():
                setattr(rule, field, value)
            rule.save()
        audit_record(
            "exchange.financing_rule_set",
            actor=actor,
            target=rule,
            data={**key, **{field: str(value) for field, value in values.items()}, "previous": previous},
        )
    return rule
