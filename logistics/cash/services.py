"""Cash on delivery from the door to the hub's till, on the ledger.

A collection puts the cash on the collector's account; counting it in at the hub moves it to the till;
closing the person's day writes what they still hold off to the difference account, which needs an
explanation (nobody closes a day with a difference unexplained) and flags the day for operators.

Lock order: the person's cash account row (the ledger's own lock when posting), then the CashDay row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.ledger.selectors import ledger_balance
from meidu.core.ledger.services import ledger_post

from .accounts import person_account, till_account
from .error_codes import CashErrorCode
from .models import CashDay
from .selectors import cash_day_movements

MAX_AMOUNT = Decimal("1000000")


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Enter an amount in yuan, up to the fen"), CashErrorCode.INVALID, field="amount")
    return amount


def cash_collected(person, amount: Decimal, *, reference: str, currency: str = "CNY") -> None:
    """The person took `amount` in cash for `reference` (an order): it is theirs to hand in."""
    if amount <= 0:
        return
    ledger_post(
        [(person_account(person, currency), amount), (till_account("collected", currency), -amount)],
        description=f"货到付款代收 {reference}",
        reference=reference,
        actor=person,
        idempotency_key=f"cod:collect:{reference}:{person.pk}",
    )


def cash_hand_in(person, amount, *, actor, currency: str = "CNY") -> Decimal:
    """The hub's cashier counted `amount` from `person` into the till."""
    counted = _amount(amount)
    ledger_post(
        [(till_account("hub", currency), counted), (person_account(person, currency), -counted)],
        description=f"交款入库 {person}",
        reference=f"cod:person:{person.pk}",
        actor=actor,
    )
    audit_record("cash.hand_in", actor=actor, target=person, data={"amount": str(counted)})
    return counted


def cash_day_close(person, day: date, *, actor, explanation: str = "", currency: str = "CNY") -> CashDay:
    """Close the person's day: what they still hold is the difference; a difference needs an
    explanation and is written off to the difference account (flagged to operators)."""
    explanation = " ".join((explanation or "").split())[:255]
    with transaction.atomic():
        account = person_account(person, currency)
        held = ledger_balance(account).amount
        if held != 0 and not explanation:
            raise DomainError(
                _("%(person)s still holds %(amount)s yuan: count it in, or explain the difference")
                % {"person": person, "amount": held},
                CashErrorCode.EXPLANATION_REQUIRED,
                field="explanation",
            )
        collected, handed_in = cash_day_movements(account, day)
        try:
            with transaction.atomic():
                closed = CashDay.objects.create(
                    person=person,
                    day=day,
                    currency=currency,
                    collected=collected,
                    handed_in=handed_in,
                    difference=held,
                    explanation=explanation if held else "",
                    closed_by=actor,
                )
        except IntegrityError:
            raise DomainError(_("This day is already closed"), CashErrorCode.ALREADY_CLOSED, field="day") from None
        if held:
            ledger_post(
                [(till_account("difference", currency), held), (account, -held)],
                description=f"现金差异 {person} {day}: {explanation}",
                reference=f"cod:day:{closed.pk}",
                actor=actor,
                idempotency_key=f"cod:day:{closed.pk}",
            )
        audit_record(
            "cash.day_close", actor=actor, target=closed, data={"difference": str(held), "explanation": explanation}
        )
    return closed
