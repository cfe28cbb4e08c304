"""The life of a receipt-backed loan: apply, withdraw, approve (the pledge is registered), reject,
cancel, disburse, repay, add and release collateral. Every state change is a named action of
``state.TRANSITIONS`` recorded as a LoanEvent (services.events); every pledge and release is a
custody lock or unlock of the receipt, appended to its signed hash chain; money moves are ledger
postings (services.ledger).

One pledge per receipt, by construction:
1. the checks below refuse a receipt that is pledged, listed, frozen, in an auction or offered in
   another application, read under the receipt row locks;
2. the receipt moves active -> pledged only through ``custody.receipt_lock`` under its row lock, and a
   pledged receipt cannot be pledged again (the receipt state machine);
3. the partial unique index ``one_pledge_in_force_per_receipt`` allows one collateral row in force
   (pledged or selling) per receipt: a second approval fails there even if every check before it were
   wrong, and is answered ALREADY_PLEDGED with nothing written (a savepoint).

Lock order of every write here (the risk services follow the same):
1. the loan row (SELECT ... FOR UPDATE, ``events.loan_lock``); an application locks no loan (it
   creates one) and starts at 2;
2. the idempotency record of a retried call (apply, repay), inside the loan lock;
3. receipt rows, all at once in ascending id (``receipt_steps.lock_rows``), then each again by
   ``custody.receipt_lock`` / ``receipt_unlock`` in the same ascending order;
4. ledger accounts: the borrower's available account (``members.services.funds_spend_guard``, which
   reads the auction holds after it), then the ledger's own no-negative account locks.
Two banks approving pledges of the same receipt hold different loan rows and meet at the receipt row:
the second waits for the first to commit, then finds the receipt pledged (ALREADY_PLEDGED).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.models import (
    PLEDGE_IN_FORCE,
    Bank,
    CollateralStatus,
    Loan,
    LoanCollateral,
    LoanStatus,
)
from magnesium_exchange.financing.policies import loan_may_release_collateral
from magnesium_exchange.financing.selectors import loan_debt, open_application_of, pledge_in_force_of
from magnesium_exchange.financing.services.events import loan_event_record, loan_lock, loan_transition, loan_webhook
from magnesium_exchange.financing.services.inputs import (
    amount_input,
    hours_input,
    lines_check,
    percent_input,
    rate_input,
    receipts_input,
    term_input,
    text_input,
)
from magnesium_exchange.financing.services.ledger import loan_post_disbursement, loan_post_repayment
from magnesium_exchange.financing.services.margin import margin_call_review
from magnesium_exchange.financing.state import OWING_STATUSES, PLEDGED_STATUSES, TRANSITIONS
from magnesium_exchange.financing.valuation import (
    DEFAULT_TERMS,
    Terms,
    after_haircut,
    loan_to_value,
    market_value,
    max_principal,
    terms_for,
    valuation_prices,
)
from magnesium_exchange.members.models import Member, MemberStatus
from magnesium_exchange.members.services import funds_spend_guard
from magnesium_exchange.trading.models import AggregateType, LotReceipt
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.services import ReceiptLockPurpose, receipt_lock, receipt_unlock
from magnesium_exchange.warehouses.services.receipt_steps import lock_rows
from magnesium_exchange.warehouses.services.tickets import user_of
from magnesium_exchange.warehouses.state import CLOSED
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.idempotency.services import idempotent_call
from meidu.integrations.event_types import WebhookEventType

ZERO = Decimal("0.00")


# --- shared steps ---------------------------------------------------------------------------


def _reference(loan: Loan) -> str:
    return f"loan:{loan.pk}"


def _now_day(now) -> tuple[dt.datetime, dt.date]:
    now = now or timezone.now()
    return now, timezone.localdate(now)


def _bank_check(loan: Loan, bank: Bank) -> None:
    if bank is None or loan.bank_id != bank.pk:
        raise DomainError(_("This loan is another bank's"), Code.NOT_YOUR_BANK, field="id")
    if not loan.bank.is_active:
        raise DomainError(_("The bank is not active"), Code.BANK_NOT_ACTIVE, field="bank")


def _borrower_check(loan: Loan, member: Member) -> None:
    if member is None or loan.borrower_id != member.pk:
        raise DomainError(_("This loan is not your member's"), Code.NOT_YOUR_LOAN, field="id")


def _member_active(member: Member) -> None:
    if Member.objects.filter(pk=member.pk).values_list("status", flat=True).first() != MemberStatus.ACTIVE:
        raise DomainError(_("The member is not active"), Code.MEMBER_NOT_ACTIVE, field="member")


def _status_check(loan: Loan, action: str) -> None:
    """Refuse early (before any write) what ``loan_transition`` would refuse at the end."""
    if loan.status not in TRANSITIONS[action][0]:
        raise DomainError(
            _("The loan is %(status)s: this cannot be done now") % {"status": loan.get_status_display()},
            Code.INVALID_TRANSITION,
            field="id",
        )


def _in_auction(receipt_ids) -> set[int]:
    """Receipts locked behind an auction and not yet sold or released."""
    return set(
        LotReceipt.objects.filter(
            receipt_id__in=list(receipt_ids),
            aggregate_type=AggregateType.AUCTION,
            released=False,
            superseded=False,
            trade__isnull=True,
        ).values_list("receipt_id", flat=True)
    )


def _receipts_check(
    receipts: list[Receipt], member: Member, *, loan_id: int | None = None, approving: bool = False
) -> None:
    """Each (locked) receipt must be the member's, active, not pledged, listed, frozen, in an auction or
    offered in another open application. ``approving``: a pledge in force is ALREADY_PLEDGED (and the
    other applications are not asked: whichever approval pledges first wins)."""
    ids = [receipt.pk for receipt in receipts]
    pledged = pledge_in_force_of(ids)
    # At approval the receipt is this application's; another application offering it too (only the ORM can
    # make one) loses at the pledge: the first approval pledges it, the second finds it pledged.
    in_review = {} if approving else open_application_of(ids, exclude_loan_id=loan_id)
    in_auction = _in_auction(ids) if any(r.status == ReceiptStatus.LISTED for r in receipts) else set()
    for receipt in receipts:
        number = {"number": receipt.number}
        if receipt.holder_id != member.pk:
            raise DomainError(
                _("Receipt %(number)s is not your member's") % number, Code.RECEIPT_NOT_YOURS, field="receipts"
            )
        if receipt.status in CLOSED:
            raise DomainError(
                _("Receipt %(number)s is closed (%(status)s)") % {**number, "status": receipt.get_status_display()},
                Code.RECEIPT_CLOSED,
                field="receipts",
            )
        if receipt.status == ReceiptStatus.FROZEN:
            raise DomainError(_("Receipt %(number)s is frozen") % number, Code.RECEIPT_FROZEN, field="receipts")
        in_force = pledged.get(receipt.pk)
        if receipt.status == ReceiptStatus.PLEDGED or receipt.encumbrance or (in_force and in_force.loan_id != loan_id):
            if approving:
                raise DomainError(
                    _("Receipt %(number)s is already pledged: a receipt is pledged once") % number,
                    Code.ALREADY_PLEDGED,
                    field="receipts",
                )
            raise DomainError(_("Receipt %(number)s is pledged") % number, Code.RECEIPT_PLEDGED, field="receipts")
        if receipt.status == ReceiptStatus.LISTED:
            if receipt.pk in in_auction:
                raise DomainError(
                    _("Receipt %(number)s is in an auction") % number, Code.RECEIPT_IN_AUCTION, field="receipts"
                )
            raise DomainError(
                _("Receipt %(number)s is listed for sale") % number, Code.RECEIPT_LISTED, field="receipts"
            )
        if receipt.pk in in_review:
            raise DomainError(
                _("Receipt %(number)s is offered in another loan application under review") % number,
                Code.RECEIPT_IN_REVIEW,
                field="receipts",
            )
        if receipt.status != ReceiptStatus.ACTIVE:
            raise DomainError(
                _("Receipt %(number)s cannot be pledged now") % number, Code.RECEIPT_NOT_AVAILABLE, field="receipts"
            )


def _valuation(receipts: list[Receipt], haircut: Decimal, day: dt.date) -> dict:
    """Market value of the receipts at the day's reference prices, and after the haircut.
    NO_REFERENCE_PRICE when a grade has none."""
    grades = {receipt.grade_id: receipt.grade for receipt in receipts}
    prices = valuation_prices(grades, day)
    missing = [grade.code for grade_id, grade in grades.items() if grade_id not in prices]
    if missing:
        raise DomainError(
            _("No reference price for grade %(grades)s: the collateral cannot be valued")
            % {"grades": ", ".join(sorted(missing))},
            Code.NO_REFERENCE_PRICE,
            field="receipts",
        )
    value = sum((market_value(receipt.quantity, prices[receipt.grade_id]) for receipt in receipts), ZERO)
    return {
        "tonnes": sum((receipt.quantity for receipt in receipts), Decimal("0.000")),
        "market_value": value,
        "collateral_value": after_haircut(value, haircut),
        "prices": {grades[grade_id].code: str(price) for grade_id, price in prices.items()},
    }


def _strictest_terms(bank: Bank, receipts: list[Receipt]) -> Terms:
    """The rule of each grade among the receipts, combined to the most careful terms."""
    terms = [terms_for(bank, grade_id) for grade_id in sorted({receipt.grade_id for receipt in receipts})] or [
        DEFAULT_TERMS
    ]
    return Terms(
        max(t.haircut_percent for t in terms),
        min(t.max_ltv_percent for t in terms),
        min(t.warning_percent for t in terms),
        min(t.liquidation_percent for t in terms),
        min(t.margin_call_hours for t in terms),
    )


def _collateral_rows(loan: Loan, statuses) -> list[LoanCollateral]:
    return list(LoanCollateral.objects.filter(loan=loan, status__in=list(statuses)).order_by("receipt_id"))


def _pledge(loan: Loan, rows: list[LoanCollateral], *, actor, now) -> list[str]:
    """Register the pledge of each collateral row's receipt (ascending receipt id): the row goes in
    force (the unique index speaks here), then the receipt is locked for the pledge (chain event).
    ALREADY_PLEDGED, with nothing of it written, if the database finds another pledge in force."""
    numbers = []
    try:
        with transaction.atomic():  # a savepoint: an IntegrityError leaves the caller's transaction usable
            for row in sorted(rows, key=lambda r: r.receipt_id):
                row.status, row.pledged_at, row.released_at = CollateralStatus.PLEDGED, now, None
                row.save(update_fields=["status", "pledged_at", "released_at"])
                receipt = receipt_lock(
                    row.receipt,
                    holder=loan.borrower,
                    purpose=ReceiptLockPurpose.PLEDGE,
                    reference=_reference(loan),
                    actor=actor,
                )
                numbers.append(receipt.number)
    except IntegrityError:
        raise DomainError(
            _("A receipt is already pledged: a receipt is pledged once"), Code.ALREADY_PLEDGED, field="receipts"
        ) from None
    except DomainError as exc:
        if exc.code == "receipt_pledged":
            raise DomainError(exc.message, Code.ALREADY_PLEDGED, field="receipts") from None
        raise
    return numbers


def _release(loan: Loan, rows: list[LoanCollateral], *, actor, now) -> list[str]:
    """Release the pledge of each row's receipt (ascending receipt id): row released, receipt unlocked."""
    numbers = []
    for row in sorted(rows, key=lambda r: r.receipt_id):
        row.status, row.released_at = CollateralStatus.RELEASED, now
        row.save(update_fields=["status", "released_at"])
        receipt = receipt_unlock(
            row.receipt, purpose=ReceiptLockPurpose.PLEDGE, reference=_reference(loan), actor=actor
        )
        numbers.append(receipt.number)
    return numbers


def _next_number(day: dt.date) -> tuple[int, str]:
    """The loan's id taken from its sequence before the insert, so its number (LN + date + id) is
    written with the row and never collides."""
    table = connection.ops.quote_name(Loan._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
        pk = cursor.fetchone()[0]
    return pk, f"LN{day:%Y%m%d}{pk:06d}"


def _idempotent(scope: str, actor_key: str, key: str | None, request: dict, perform) -> dict:
    if key is None:
        return perform()
    try:
        return idempotent_call(scope=scope, actor_key=actor_key, key=key, request=request, perform=perform)
    except DomainError as exc:
        if exc.code == "idempotency_key_reused":
            raise DomainError(
                _("This request was already sent with other values"),
                Code.IDEMPOTENCY_KEY_REUSED,
                field="idempotencyKey",
            ) from None
        if exc.code == "invalid" and exc.field == "idempotencyKey":
            raise DomainError(
                _("The idempotency key must be 1 to 255 characters"), Code.INVALID, field="idempotencyKey"
            ) from None
        raise


# --- the borrower applies, or withdraws -------------------------------------------------------


def loan_apply(
    *,
    member: Member,
    bank: Bank,
    receipts,
    amount,
    term_days,
    purpose: str = "",
    actor=None,
    idempotency_key: str | None = None,
) -> Loan:
    """The member asks ``bank`` for ``amount`` over ``term_days`` on its ``receipts``: a loan in review
    with the receipts offered (collateral proposed). Refusals: INVALID_AMOUNT, INVALID_TERM,
    BANK_NOT_ACTIVE, MEMBER_NOT_ACTIVE, and per receipt (under the receipt row locks)
    RECEIPT_NOT_YOURS, RECEIPT_CLOSED, RECEIPT_FROZEN, RECEIPT_PLEDGED, RECEIPT_IN_AUCTION,
    RECEIPT_LISTED, RECEIPT_IN_REVIEW. A retried call with the same ``idempotency_key`` returns the same loan."""
    amount = amount_input(amount)
    term = term_input(term_days)
    purpose = text_input(purpose, "purpose", max_length=255)
    receipts = receipts_input(receipts)
    if bank is None or not Bank.objects.filter(pk=bank.pk, is_active=True).exists():
        raise DomainError(_("The bank is not active"), Code.BANK_NOT_ACTIVE, field="bank")
    _member_active(member)
    user = user_of(actor)

    def perform() -> dict:
        locked = lock_rows(sorted(receipts, key=lambda r: r.pk))
        _receipts_check(locked, member)
        pk, number = _next_number(timezone.localdate())
        loan = Loan.objects.create(
            pk=pk,
            number=number,
            bank=bank,
            borrower=member,
            applied_by=user,
            amount_requested=amount,
            term_days_requested=term,
            purpose=purpose,
        )
        LoanCollateral.objects.bulk_create(
            [LoanCollateral(loan=loan, receipt=receipt, bank=bank, quantity=receipt.quantity) for receipt in locked]
        )
        loan_event_record(
            loan,
            "apply",
            actor=actor,
            from_status="",
            data={"amount": str(amount), "term_days": term, "receipts": [receipt.number for receipt in locked]},
        )
        audit_record("exchange.loan_apply", actor=actor, target=loan, data={"bank": bank.code, "amount": str(amount)})
        return {"loan": loan.pk}

    request = {
        "bank": bank.pk,
        "receipts": sorted(r.pk for r in receipts),
        "amount": str(amount),
        "term": term,
        "purpose": purpose,
    }
    with transaction.atomic():
        result = _idempotent("exchange.loan.apply", f"member:{member.pk}", idempotency_key, request, perform)
    return Loan.objects.select_related("bank", "borrower").get(pk=result["loan"])


def loan_withdraw(loan: Loan, *, member: Member, actor=None) -> Loan:
    """The borrower withdraws its application in review; the receipts are no longer offered."""
    with transaction.atomic():
        loan = loan_lock(loan)
        _borrower_check(loan, member)
        _status_check(loan, "withdraw")
        LoanCollateral.objects.filter(loan=loan, status=CollateralStatus.PROPOSED).update(
            status=CollateralStatus.DROPPED
        )
        loan.closed_at = timezone.now()
        loan_transition(loan, "withdraw", actor=actor, fields=("closed_at",))
    return loan


# --- the bank decides ----------------------------------------------------------------------------


def loan_approve(
    loan: Loan,
    *,
    bank: Bank,
    principal,
    annual_rate_percent,
    term_days,
    haircut_percent=None,
    max_ltv_percent=None,
    warning_percent=None,
    liquidation_percent=None,
    margin_call_hours=None,
    registry_filing_no: str = "",
    actor=None,
    now=None,
) -> Loan:
    """The bank approves with its terms and the pledge is registered: every offered receipt is locked
    for the pledge (chain event PLEDGED, collateral pledged). Terms not given come from the financing
    rules (``valuation.terms_for``, the strictest over the receipts' grades). The collateral is valued
    now; a principal above what it carries at the loan-to-value limit is LOAN_TO_VALUE_EXCEEDED, a grade
    without a reference price NO_REFERENCE_PRICE, a receipt pledged meanwhile ALREADY_PLEDGED (the
    database's unique index backs the check). Webhooks LOAN_APPROVED and PLEDGE_CREATED to the bank."""
    principal = amount_input(principal, "principal")
    rate = rate_input(annual_rate_percent)
    term = term_input(term_days)
    filing = text_input(registry_filing_no, "registryFilingNo", max_length=40)
    given = {
        "haircut_percent": haircut_percent,
        "max_ltv_percent": max_ltv_percent,
        "warning_percent": warning_percent,
        "liquidation_percent": liquidation_percent,
    }
    given = {key: percent_input(value, _camel(key)) for key, value in given.items() if value is not None}
    hours = hours_input(margin_call_hours) if margin_call_hours is not None else None
    now, day = _now_day(now)
    with transaction.atomic():
        loan = loan_lock(loan)
        _bank_check(loan, bank)
        _status_check(loan, "approve")
        _member_active(loan.borrower)
        if principal > loan.amount_requested:
            raise DomainError(
                _("The principal cannot exceed the %(amount)s CNY applied for") % {"amount": loan.amount_requested},
                Code.INVALID_AMOUNT,
                field="principal",
            )
        rows = list(LoanCollateral.objects.filter(loan=loan, status=CollateralStatus.PROPOSED).order_by("receipt_id"))
        if not rows:
            raise DomainError(_("The application offers no receipt"), Code.REQUIRED, field="receipts")
        receipts = lock_rows([row.receipt for row in rows])
        for row, receipt in zip(rows, receipts, strict=True):
            row.receipt = receipt
        _receipts_check(receipts, loan.borrower, loan_id=loan.pk, approving=True)
        defaults = _strictest_terms(loan.bank, receipts)
        haircut = given.get("haircut_percent", defaults.haircut_percent)
        max_ltv = given.get("max_ltv_percent", defaults.max_ltv_percent)
        warning = given.get("warning_percent", defaults.warning_percent)
        liquidation = given.get("liquidation_percent", defaults.liquidation_percent)
        lines_check(haircut, max_ltv, warning, liquidation)
        value = _valuation(receipts, haircut, day)
        ceiling = max_principal(value["collateral_value"], max_ltv)
        if principal > ceiling:
            raise DomainError(
                _(
                    "The principal %(principal)s CNY is more than the collateral carries at a %(ltv)s%% "
                    "loan-to-value: at most %(ceiling)s CNY"
                )
                % {"principal": principal, "ltv": max_ltv, "ceiling": ceiling},
                Code.LOAN_TO_VALUE_EXCEEDED,
                field="principal",
            )
        # Receipts that changed size since they were offered (none can while offered, but the terms say
        # what was pledged).
        for row, receipt in zip(rows, receipts, strict=True):
            if row.quantity != receipt.quantity:
                row.quantity = receipt.quantity
                row.save(update_fields=["quantity"])
        numbers = _pledge(loan, rows, actor=actor, now=now)
        loan.principal, loan.annual_rate_percent, loan.term_days = principal, rate, term
        loan.haircut_percent, loan.max_ltv_percent, loan.warning_percent = haircut, max_ltv, warning
        loan.liquidation_percent = liquidation
        loan.margin_call_hours = hours if hours is not None else defaults.margin_call_hours
        loan.registry_filing_no, loan.approved_at = filing, now
        data = {
            "principal": str(principal),
            "annual_rate_percent": str(rate),
            "term_days": term,
            "haircut_percent": str(haircut),
            "max_ltv_percent": str(max_ltv),
            "warning_percent": str(warning),
            "liquidation_percent": str(liquidation),
            "registry_filing_no": filing,
            "receipts": numbers,
            "valuation": {
                "tonnes": str(value["tonnes"]),
                "market_value": str(value["market_value"]),
                "collateral_value": str(value["collateral_value"]),
                "max_principal": str(ceiling),
                "prices": value["prices"],
                "day": day.isoformat(),
            },
        }
        loan_transition(
            loan,
            "approve",
            actor=actor,
            now=now,
            data=data,
            fields=(
                "principal",
                "annual_rate_percent",
                "term_days",
                "haircut_percent",
                "max_ltv_percent",
                "warning_percent",
                "liquidation_percent",
                "margin_call_hours",
                "registry_filing_no",
                "approved_at",
            ),
        )
        loan_webhook(WebhookEventType.LOAN_APPROVED, loan, {k: v for k, v in data.items() if k != "valuation"})
        loan_webhook(WebhookEventType.PLEDGE_CREATED, loan, {"receipts": numbers})
    return loan


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def loan_reject(loan: Loan, *, bank: Bank, reason: str, actor=None) -> Loan:
    """The bank refuses an application in review, saying why; the receipts are no longer offered."""
    reason = text_input(reason, "reason", max_length=255, required=True)
    with transaction.atomic():
        loan = loan_lock(loan)
        _bank_check(loan, bank)
        _status_check(loan, "reject")
        LoanCollateral.objects.filter(loan=loan, status=CollateralStatus.PROPOSED).update(
            status=CollateralStatus.DROPPED
        )
        loan.rejection_reason, loan.closed_at = reason, timezone.now()
        loan_transition(loan, "reject", actor=actor, data={"reason": reason}, fields=("rejection_reason", "closed_at"))
    return loan


def loan_cancel(loan: Loan, *, bank: Bank, reason: str, actor=None) -> Loan:
    """The bank cancels an approved loan before disbursing it: the pledge is released (chain event
    RELEASED, webhook PLEDGE_RELEASED)."""
    reason = text_input(reason, "reason", max_length=255, required=True)
    now = timezone.now()
    with transaction.atomic():
        loan = loan_lock(loan)
        _bank_check(loan, bank)
        _status_check(loan, "cancel")
        numbers = _release(loan, _collateral_rows(loan, [CollateralStatus.PLEDGED]), actor=actor, now=now)
        loan.rejection_reason, loan.closed_at = reason, now
        loan_transition(
            loan,
            "cancel",
            actor=actor,
            now=now,
            data={"reason": reason, "released": numbers},
            fields=("rejection_reason", "closed_at"),
        )
        loan_webhook(WebhookEventType.PLEDGE_RELEASED, loan, {"receipts": numbers, "reason": "cancelled"})
    return loan


def loan_disburse(loan: Loan, *, bank: Bank, actor=None, now=None) -> Loan:
    """The bank pays the principal into the borrower's exchange funds (one ledger posting); the term
    runs from today: due date = today + term days, interest accrues from today."""
    now, day = _now_day(now)
    with transaction.atomic():
        loan = loan_lock(loan)
        _bank_check(loan, bank)
        _status_check(loan, "disburse")
        loan_post_disbursement(loan, actor=actor)
        loan.disbursed_at, loan.due_date, loan.interest_accrued_until = (
            now,
            day + dt.timedelta(days=loan.term_days),
            day,
        )
        loan_transition(
            loan,
            "disburse",
            actor=actor,
            now=now,
            data={"principal": str(loan.principal), "due_date": loan.due_date.isoformat()},
            fields=("disbursed_at", "due_date", "interest_accrued_until"),
        )
    return loan


# --- the borrower repays -------------------------------------------------------------------------


def loan_repay(loan: Loan, *, member: Member, amount, idempotency_key: str | None = None, actor=None, now=None) -> Loan:
    """Repay from the member's available exchange funds, accrued interest first, then principal. More than
    is owed is REPAYMENT_EXCEEDS_DEBT; funds held by live auction bids are not spendable
    (INSUFFICIENT_FUNDS). The last repayment closes the loan (repay_in_full), releases every pledge
    (chain events RELEASED) and tells the bank (LOAN_REPAID, PLEDGE_RELEASED). A retried call with the
    same ``idempotency_key`` repays once."""
    amount = amount_input(amount)
    now, _day = _now_day(now)

    def perform() -> dict:
        locked = loan_lock(loan)
        _borrower_check(locked, member)
        if locked.status not in OWING_STATUSES:
            raise DomainError(
                _("The loan is %(status)s: nothing is owed on it") % {"status": locked.get_status_display()},
                Code.INVALID_TRANSITION,
                field="id",
            )
        debt = loan_debt(locked)
        if amount > debt.total:
            raise DomainError(
                _("The repayment is more than the %(debt)s CNY owed") % {"debt": debt.total},
                Code.REPAYMENT_EXCEEDS_DEBT,
                field="amount",
            )
        try:
            funds_spend_guard(locked.borrower, amount)
        except DomainError as exc:
            raise DomainError(exc.message, Code.INSUFFICIENT_FUNDS, field="amount") from None
        key = idempotency_key or uuid.uuid4().hex
        interest, principal = loan_post_repayment(locked, amount, idempotency_key=f"repay:{key}", actor=actor)
        loan_event_record(
            locked,
            "repay",
            actor=actor,
            now=now,
            data={"amount": str(amount), "interest": str(interest), "principal": str(principal)},
        )
        audit_record("exchange.loan_repay", actor=actor, target=locked, data={"amount": str(amount)})
        if loan_debt(locked).total == 0:
            numbers = _release(locked, _collateral_rows(locked, [CollateralStatus.PLEDGED]), actor=actor, now=now)
            locked.closed_at = now
            loan_transition(
                locked, "repay_in_full", actor=actor, now=now, data={"released": numbers}, fields=("closed_at",)
            )
            loan_webhook(WebhookEventType.LOAN_REPAID, locked, {"amount": str(amount)})
            loan_webhook(WebhookEventType.PLEDGE_RELEASED, locked, {"receipts": numbers, "reason": "repaid"})
        margin_call_review(locked, now=now)  # back under the warning line (or repaid): the call is resolved
        return {"loan": locked.pk, "interest": str(interest), "principal": str(principal)}

    with transaction.atomic():
        if idempotency_key is None:
            perform()
        else:
            loan_lock(loan)  # the loan row before the idempotency record (the lock order)
            _idempotent(
                "exchange.loan.repay",
                f"loan:{getattr(loan, 'pk', loan)}",
                idempotency_key,
                {"amount": str(amount), "member": member.pk},
                perform,
            )
    return Loan.objects.select_related("bank", "borrower").get(pk=getattr(loan, "pk", loan))


# --- collateral added or released -----------------------------------------------------------------


def loan_collateral_add(loan: Loan, *, member: Member, receipts, actor=None) -> Loan:
    """The borrower offers more receipts: on an application in review they are offered with it; on an
    approved or disbursed loan they are pledged at once (chain event PLEDGED, webhook PLEDGE_CREATED),
    e.g. to answer a margin call. The same receipt refusals as an application."""
    receipts = receipts_input(receipts)
    now = timezone.now()
    with transaction.atomic():
        loan = loan_lock(loan)
        _borrower_check(loan, member)
        if loan.status != LoanStatus.APPLIED and loan.status not in PLEDGED_STATUSES:
            raise DomainError(
                _("The loan is %(status)s: no collateral can be added") % {"status": loan.get_status_display()},
                Code.INVALID_TRANSITION,
                field="id",
            )
        locked = lock_rows(sorted(receipts, key=lambda r: r.pk))
        existing = {row.receipt_id: row for row in LoanCollateral.objects.filter(loan=loan, receipt__in=locked)}
        for receipt in locked:
            row = existing.get(receipt.pk)
            if row is not None and (row.status == CollateralStatus.PROPOSED or row.status in PLEDGE_IN_FORCE):
                raise DomainError(
                    _("Receipt %(number)s is already collateral of this loan") % {"number": receipt.number},
                    Code.INVALID,
                    field="receipts",
                )
        _receipts_check(locked, member, loan_id=loan.pk)
        rows = []
        for receipt in locked:
            row = existing.get(receipt.pk)  # a receipt released earlier from this loan comes back on its row
            if row is None:
                row = LoanCollateral.objects.create(
                    loan=loan, receipt=receipt, bank=loan.bank, quantity=receipt.quantity
                )
            else:
                row.status, row.quantity, row.released_at = CollateralStatus.PROPOSED, receipt.quantity, None
                row.save(update_fields=["status", "quantity", "released_at"])
            row.receipt = receipt
            rows.append(row)
        numbers = [receipt.number for receipt in locked]
        pledged = loan.status in PLEDGED_STATUSES
        if pledged:
            _pledge(loan, rows, actor=actor, now=now)
        loan_event_record(loan, "collateral_add", actor=actor, now=now, data={"receipts": numbers, "pledged": pledged})
        audit_record("exchange.loan_collateral_add", actor=actor, target=loan, data={"receipts": numbers})
        if pledged:
            loan_webhook(WebhookEventType.PLEDGE_CREATED, loan, {"receipts": numbers})
            margin_call_review(loan, now=now)  # receipts added in answer to a margin call resolve it
    return loan


def loan_collateral_release(loan: Loan, *, actor, receipts) -> Loan:
    """The borrower or the bank releases some pledged receipts of an approved or disbursed loan (chain
    event RELEASED, webhook PLEDGE_RELEASED), if the loan-to-value of what stays pledged, at today's
    reference prices less the loan's haircut, stays within the loan's limit: LOAN_TO_VALUE_EXCEEDED
    otherwise. The debt measured is what is owed (the principal, before disbursement)."""
    receipts = receipts_input(receipts)
    now, day = _now_day(None)
    with transaction.atomic():
        loan = loan_lock(loan)
        if not loan_may_release_collateral(actor, loan):
            raise DomainError(
                _("Only the borrower or the loan's bank may release its collateral"), Code.NOT_YOUR_LOAN, field="id"
            )
        if loan.status not in (LoanStatus.APPROVED, LoanStatus.ACTIVE):
            raise DomainError(
                _("The loan is %(status)s: no collateral can be released") % {"status": loan.get_status_display()},
                Code.INVALID_TRANSITION,
                field="id",
            )
        pledged = {row.receipt_id: row for row in _collateral_rows(loan, [CollateralStatus.PLEDGED])}
        wanted = sorted({receipt.pk for receipt in receipts})
        outside = [receipt.number for receipt in receipts if receipt.pk not in pledged]
        if outside:
            raise DomainError(
                _("Receipt %(number)s is not pledged to this loan") % {"number": outside[0]},
                Code.INVALID,
                field="receipts",
            )
        locked = {receipt.pk: receipt for receipt in lock_rows([pledged[pk].receipt for pk in sorted(pledged)])}
        staying = [locked[pk] for pk in sorted(pledged) if pk not in wanted]
        debt = loan.principal if loan.status == LoanStatus.APPROVED else loan_debt(loan).total
        value = (
            _valuation(staying, loan.haircut_percent, day)
            if staying
            else {"collateral_value": ZERO, "market_value": ZERO}
        )
        ltv = loan_to_value(debt, value["collateral_value"])
        if debt > 0 and (ltv is None or ltv > loan.max_ltv_percent):
            raise DomainError(
                _("After this release the loan-to-value would be %(ltv)s, above the loan's %(limit)s%% limit")
                % {
                    "ltv": f"{ltv}%" if ltv is not None else _("unmeasurable (no collateral left)"),
                    "limit": loan.max_ltv_percent,
                },
                Code.LOAN_TO_VALUE_EXCEEDED,
                field="receipts",
            )
        rows = [pledged[pk] for pk in wanted]
        for row in rows:
            row.receipt = locked[row.receipt_id]
        numbers = _release(loan, rows, actor=actor, now=now)
        loan_event_record(
            loan,
            "collateral_release",
            actor=actor,
            now=now,
            data={
                "receipts": numbers,
                "ltv_after": str(ltv) if ltv is not None else None,
                "collateral_value_after": str(value["collateral_value"]),
                "debt": str(debt),
            },
        )
        audit_record("exchange.loan_collateral_release", actor=actor, target=loan, data={"receipts": numbers})
        loan_webhook(WebhookEventType.PLEDGE_RELEASED, loan, {"receipts": numbers, "reason": "released"})
        margin_call_review(loan, now=now)
    return loan
