"""Credit report consents and reads.

* ``credit_consent_grant``: a trader of the member lets one bank read the member's credit report.
* ``credit_consent_revoke``: a trader of the member withdraws that consent; the next read is refused.
* ``credit_report_read``: an officer or the App of the consented bank reads the report; it comes back
  with its signed statement, and the read is recorded (CreditReportRead: consent, reader, sha256 of the
  signed payload) and audited.

Lock order: the consent row only (SELECT ... FOR UPDATE) in revoke and read, so a read that waits for a
revoke sees it revoked (PostgreSQL re-checks ``revoked_at IS NULL`` on the locked row) and is refused.
Grant takes no lock: the partial unique index ``one_credit_consent_in_force`` decides between two
concurrent grants, and the loser is refused ALREADY_GRANTED. Nothing is written on a refusal.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.credit.error_codes import ExchangeCreditErrorCode as Code
from magnesium_exchange.credit.models import CreditConsent, CreditReportRead
from magnesium_exchange.credit.selectors import credit_report_build
from magnesium_exchange.financing.selectors import bank_of_actor
from magnesium_exchange.members.selectors import trader_for_user
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.permissions import ExchangePermissions
from meidu.core.statements import canonical_json, statement_sign
from meidu.integrations.models import App
from meidu.integrations.services.apps import actor_has_permission

STATEMENT_TYPE = "credit_report"


def _require_trader_of(member, actor):
    """Only an active trader of ``member`` gives or withdraws its consent (members' trader lookup)."""
    trader = None if isinstance(actor, App) else trader_for_user(actor)
    if trader is None or trader.member_id != member.pk:
        raise DomainError(
            _("Only a trader of this member may give or withdraw its consent"), Code.NOT_YOUR_MEMBER, field="member"
        )
    return trader


def _require_active(bank):
    if not bank.is_active:
        raise DomainError(_("This bank is not active on the exchange"), Code.BANK_NOT_ACTIVE, field="bank")


def credit_consent_grant(*, member, bank, actor) -> CreditConsent:
    """Record the member's consent for ``bank`` to read its credit report (ALREADY_GRANTED if one is in force)."""
    _require_trader_of(member, actor)
    _require_active(bank)
    with transaction.atomic():
        if CreditConsent.objects.filter(member=member, bank=bank, revoked_at__isnull=True).exists():
            raise DomainError(_("This bank already has your consent"), Code.ALREADY_GRANTED, field="bank")
        try:
            with transaction.atomic():
                consent = CreditConsent.objects.create(
                    member=member, bank=bank, granted_by=actor, granted_at=timezone.now()
                )
        except IntegrityError:  # a concurrent grant won the partial unique index
            raise DomainError(_("This bank already has your consent"), Code.ALREADY_GRANTED, field="bank") from None
        audit_record(
            "exchange.credit_consent_granted",
            actor=actor,
            target=consent,
            data={"member": member.credit_code, "bank": bank.code},
        )
    return consent


def credit_consent_revoke(consent: CreditConsent | None = None, *, member=None, bank=None, actor) -> CreditConsent:
    """Withdraw a consent in force: pass the consent, or the member and the bank (NOT_GRANTED when none is)."""
    if consent is not None:
        member, bank = consent.member, consent.bank
    if member is None or bank is None:
        raise DomainError(_("Name the consent, or the member and the bank"), Code.INVALID, field="bank")
    _require_trader_of(member, actor)
    with transaction.atomic():
        rows = CreditConsent.objects.select_for_update().filter(member=member, bank=bank, revoked_at__isnull=True)
        if consent is not None:
            rows = rows.filter(pk=consent.pk)
        row = rows.order_by().first()
        if row is None:
            raise DomainError(_("This bank has no consent of yours in force"), Code.NOT_GRANTED, field="bank")
        row.revoked_at = timezone.now()
        row.revoked_by = actor
        row.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            "exchange.credit_consent_revoked",
            actor=actor,
            target=row,
            data={"member": member.credit_code, "bank": bank.code},
        )
    return row


def credit_report_claims(report: dict, *, member, bank, generated_at) -> dict:
    """The claims of the report's signed statement."""
    return {
        "type": STATEMENT_TYPE,
        "member": member.credit_code,
        "bank": bank.code,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "report": report,
    }


def credit_report_read(*, member, bank, actor, today=None, ip_address=None) -> tuple[dict, str]:
    """The member's credit report and its signed statement, for an officer or the App of ``bank`` while
    the member's consent for that bank is in force. Refused NOT_YOUR_BANK for anyone acting for another
    bank (or none), BANK_NOT_ACTIVE, NO_CONSENT; nothing is written then. Each read is recorded with the
    sha256 of the statement's signed payload (``canonical_json(claims)``, which a bank can recompute from
    the statement it received) and audited."""
    _require_active(bank)
    if (
        not actor_has_permission(actor, ExchangePermissions.BANK_LENDING)
        or getattr(bank_of_actor(actor), "pk", None) != bank.pk
    ):
        raise DomainError(_("You act for another bank, or for none"), Code.NOT_YOUR_BANK, field="bank")
    with transaction.atomic():
        consent = (
            CreditConsent.objects.select_for_update()
            .filter(member=member, bank=bank, revoked_at__isnull=True)
            .order_by()
            .first()
        )
        if consent is None:
            raise DomainError(
                _("The member has not consented to your bank reading its credit report"),
                Code.NO_CONSENT,
                field="member",
            )
        now = timezone.now()
        report = credit_report_build(member, today=today)
        claims = credit_report_claims(report, member=member, bank=bank, generated_at=now)
        statement = statement_sign(claims)
        digest = hashlib.sha256(canonical_json(claims)).hexdigest()
        is_app = isinstance(actor, App)
        read = CreditReportRead.objects.create(
            consent=consent,
            member=member,
            bank=bank,
            reader_user=None if is_app else actor,
            reader_app=actor if is_app else None,
            report_sha256=digest,
            read_at=now,
        )
        audit_record(
            "exchange.credit_report_read",
            actor=actor,
            target=read,
            ip_address=ip_address,
            data={"member": member.credit_code, "bank": bank.code, "consent": consent.pk, "sha256": digest},
        )
    return report, statement
