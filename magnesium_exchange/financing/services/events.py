"""A loan's state changes and its event log: every change is a named action of ``state.TRANSITIONS``,
made on the locked loan row and recorded as a LoanEvent with who and when. Webhooks about a loan go
to its bank's App alone."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.models import Loan, LoanEvent
from magnesium_exchange.financing.state import TRANSITIONS
from magnesium_exchange.warehouses.services.tickets import user_of
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.integrations.models import App
from meidu.integrations.services.outbox import webhook_event_emit


def loan_lock(loan) -> Loan:
    """The loan row, locked (SELECT ... FOR UPDATE), with its bank and borrower; NOT_FOUND if gone."""
    row = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("bank", "borrower")
        .filter(pk=getattr(loan, "pk", loan))
        .first()
    )
    if row is None:
        raise DomainError(_("No such loan"), Code.NOT_FOUND, field="id")
    return row


def _actors(actor) -> dict:
    return {"actor_user": user_of(actor), "actor_app": actor if isinstance(actor, App) else None}


def loan_event_record(
    loan: Loan, action: str, *, actor=None, data=None, now=None, from_status: str = "", to_status: str = ""
) -> LoanEvent:
    """Record something that happened to a loan (a repayment, collateral added) without a status change."""
    return LoanEvent.objects.create(
        loan=loan,
        action=action,
        from_status=from_status or loan.status,
        to_status=to_status or loan.status,
        data=data or {},
        occurred_at=now or timezone.now(),
        **_actors(actor),
    )


def loan_transition(loan: Loan, action: str, *, actor=None, data=None, now=None, fields: tuple = ()) -> Loan:
    """Apply ``action`` to a loan locked by the caller: check the transition, save the status (and
    ``fields``), record the event, audit. INVALID_TRANSITION names the current status."""
    allowed, target = TRANSITIONS[action]
    if loan.status not in allowed:
        raise DomainError(
            _("The loan is %(status)s: this cannot be done now") % {"status": loan.get_status_display()},
            Code.INVALID_TRANSITION,
            field="id",
        )
    previous = loan.status
    loan.status = target
    loan.save(update_fields=["status", "updated_at", *fields])
    loan_event_record(loan, action, actor=actor, data=data, now=now, from_status=previous, to_status=target)
    audit_record(
        f"exchange.loan_{action}", actor=actor, target=loan, data={"from": previous, "to": target, **(data or {})}
    )
    return loan


def loan_webhook(event_type, loan: Loan, data: dict) -> None:
    """Tell the loan's bank (its App's webhooks only; nobody when the bank has no App)."""
    if loan.bank.app_id:
        webhook_event_emit(
            event_type,
            {
                "loan": loan.number,
                "bank": loan.bank.code,
                "borrower": loan.borrower.credit_code,
                "status": loan.status,
                **data,
            },
            app_ids=[loan.bank.app_id],
        )
