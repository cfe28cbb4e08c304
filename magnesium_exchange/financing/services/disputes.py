"""Disputes about a loan: the borrower or the bank raises one (what it contests and why), an exchange
operator resolves it with a written decision. Each step is a LoanEvent on the loan and an audit entry;
a dispute moves no money and changes no pledge (the operator acts, if needed, through the loan's own
actions or the receipt desk).

Lock order: the loan row (raise) or the dispute row (resolve). One open dispute per loan and side,
held by the partial unique index ``one_open_dispute_per_loan_side``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.models import DisputeStatus, DisputeSubject, LoanDispute
from magnesium_exchange.financing.policies import loan_dispute_side_of, loan_disputes_may_resolve
from magnesium_exchange.financing.services.events import loan_event_record, loan_lock
from magnesium_exchange.financing.services.inputs import text_input
from magnesium_exchange.warehouses.services.tickets import user_of
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError

TEXT_MAX = 1000


def loan_dispute_raise(loan, *, actor, subject: str, description: str, now=None) -> LoanDispute:
    """Open a dispute for the actor's side. Refusals, nothing written: NOT_YOUR_LOAN (neither the bank
    nor the borrower), INVALID (unknown subject, bad text), REQUIRED (no description),
    DISPUTE_ALREADY_OPEN (this side has one open on the loan)."""
    now = now or timezone.now()
    if subject not in DisputeSubject.values:
        raise DomainError(_("Choose what the dispute is about"), Code.INVALID, field="subject")
    description = text_input(description, "description", max_length=TEXT_MAX, required=True)
    with transaction.atomic():
        loan = loan_lock(loan)
        side = loan_dispute_side_of(actor, loan)
        if side is None:
            raise DomainError(_("Only the loan's bank or its borrower may dispute it"), Code.NOT_YOUR_LOAN, field="id")
        try:
            with transaction.atomic():
                dispute = LoanDispute.objects.create(
                    loan=loan,
                    side=side,
                    subject=subject,
                    description=description,
                    raised_by=user_of(actor),
                    raised_at=now,
                )
        except IntegrityError:
            raise DomainError(
                _("Your side already has an open dispute on this loan"), Code.DISPUTE_ALREADY_OPEN, field="id"
            ) from None
        loan_event_record(
            loan, "dispute_raised", actor=actor, now=now, data={"dispute": dispute.pk, "side": side, "subject": subject}
        )
        audit_record(
            "exchange.loan_dispute_raised",
            actor=actor,
            target=dispute,
            data={"loan": loan.number, "side": side, "subject": subject},
        )
    return dispute


def loan_dispute_resolve(dispute, *, actor, resolution: str, now=None) -> LoanDispute:
    """An operator's written decision closes the dispute. Refusals, nothing written: NOT_YOUR_LOAN (not an
    operator), NOT_FOUND, REQUIRED / INVALID (the decision's text), INVALID_TRANSITION (already resolved)."""
    now = now or timezone.now()
    if not loan_disputes_may_resolve(actor):
        raise DomainError(_("Only exchange operators resolve loan disputes"), Code.NOT_YOUR_LOAN, field="id")
    resolution = text_input(resolution, "resolution", max_length=TEXT_MAX, required=True)
    with transaction.atomic():
        row = (
            LoanDispute.objects.select_for_update(of=("self",))
            .select_related("loan")
            .filter(pk=getattr(dispute, "pk", dispute))
            .first()
        )
        if row is None:
            raise DomainError(_("No such dispute"), Code.NOT_FOUND, field="id")
        if row.status != DisputeStatus.OPEN:
            raise DomainError(_("This dispute is already resolved"), Code.INVALID_TRANSITION, field="id")
        row.status, row.resolution, row.resolved_by, row.resolved_at = (
            DisputeStatus.RESOLVED,
            resolution,
            user_of(actor),
            now,
        )
        row.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        loan_event_record(
            row.loan, "dispute_resolved", actor=actor, now=now, data={"dispute": row.pk, "side": row.side}
        )
        audit_record("exchange.loan_dispute_resolved", actor=actor, target=row, data={"loan": row.loan.number})
    return row
