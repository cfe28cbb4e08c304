"""Funds of members on the ledger: deposits and withdrawals (requested by a member, confirmed by
the settlement bank's App), and the freeze / release / transfer moves the trading and settlement
services make. Every move is one balanced ``ledger_post`` with an idempotency key, so a retried
call never moves money twice; overdrafts are refused by the ledger's no-negative accounts. Funds held
by live auction bids (``services.holds``) are not spendable: a move out of a member's available funds
is refused when it would leave them uncovered.

Lock order: the funds request row (SELECT ... FOR UPDATE), then the no-negative account rows of the
move in ascending id (taken here when available funds are spent, so the holds are read under them),
then the ledger's (idempotency record, the same account rows again).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from magnesium_exchange.members.accounts import (
    CURRENCY,
    bank_clearing_account,
    fee_income_account,
    member_accounts_open,
)
from magnesium_exchange.members.error_codes import ExchangeFundsErrorCode as Code
from magnesium_exchange.members.models import FundsRequest, FundsRequestKind, FundsRequestStatus, Member, MemberStatus
from magnesium_exchange.members.selectors import funds_held
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.idempotency.services import idempotent_call
from meidu.core.ledger.models import LedgerAccount, LedgerTransaction
from meidu.core.ledger.selectors import ledger_balance
from meidu.core.ledger.services import ledger_post
from meidu.core.money import Money, is_quantized, to_decimal

# Kinds and statuses of funds requests named in refusals (the stored values are English codes).
_REQUEST_WORDS = {
    FundsRequestKind.DEPOSIT: pgettext_lazy("funds request kind", "deposit"),
    FundsRequestKind.WITHDRAWAL: pgettext_lazy("funds request kind", "withdrawal"),
    FundsRequestStatus.REQUESTED: pgettext_lazy("funds request status", "requested"),
    FundsRequestStatus.CONFIRMED: pgettext_lazy("funds request status", "confirmed"),
    FundsRequestStatus.REJECTED: pgettext_lazy("funds request status", "rejected"),
}


# The largest amount a funds request or move may carry (the columns hold 14 digits of yuan).
MAX_AMOUNT = Decimal("1000000000000.00")


def _amount(value, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A positive CNY amount in fen; Money of another currency, floats, non-finite, sub-fen and absurd
    amounts are refused."""
    if isinstance(value, Money):
        if value.currency != CURRENCY:
            raise DomainError(
                _("Exchange funds are in %(currency)s") % {"currency": CURRENCY}, Code.INVALID_AMOUNT, field=field
            )
        value = value.amount
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise DomainError(_("The amount must be a decimal"), Code.INVALID_AMOUNT, field=field) from None
    if amount < 0 or (amount == 0 and not allow_zero) or not is_quantized(amount, CURRENCY):
        raise DomainError(_("The amount must be positive, in fen at most"), Code.INVALID_AMOUNT, field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(
            _("The amount is too large: at most %(max)s CNY") % {"max": MAX_AMOUNT}, Code.INVALID_AMOUNT, field=field
        )
    return amount


def _accounts(member: Member) -> tuple[LedgerAccount, LedgerAccount]:
    return member_accounts_open(member)


def funds_accounts_lock(members) -> None:
    """Lock the ledger accounts (available, frozen) of every member in `members` at once, in ascending
    account id (opening any that is missing), before a service posts to them: two transactions never
    take them in opposite orders. The trading and settlement services' step "ledger accounts" of their
    lock orders."""
    ids = [account.pk for member in sorted(members, key=lambda m: m.pk) for account in member_accounts_open(member)]
    list(LedgerAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _require_active(member: Member) -> None:
    """Read the status afresh: the caller's object may predate a suspension."""
    if Member.objects.filter(pk=member.pk).values_list("status", flat=True).first() != MemberStatus.ACTIVE:
        raise DomainError(_("The member is not active"), Code.MEMBER_NOT_ACTIVE, field="member")


def _holds_guard(entries, member: Member, available: LedgerAccount, amount: Decimal) -> None:
    """Spending ``amount`` of the member's available funds must leave its auction holds covered: lock the
    move's no-negative accounts (ascending, as the ledger will), then read the holds and the balance."""
    guarded = sorted({account.pk for account, _amount in entries if not account.allow_negative})
    list(LedgerAccount.objects.select_for_update().filter(pk__in=guarded).order_by("pk").values_list("pk", flat=True))
    held = funds_held([member.pk])[member.pk]
    if held and ledger_balance(available).amount - held < amount:
        raise DomainError(
            _("Available funds are short: %(held)s CNY are held by bids in live auctions") % {"held": held},
            Code.INSUFFICIENT_FUNDS,
            field="amount",
        )


def funds_spend_guard(member: Member, amount: Decimal, entries=None) -> None:
    """For another domain's ledger move that takes ``amount`` from ``member``'s available funds (a loan
    repayment): refuse it with INSUFFICIENT_FUNDS when it would leave the member's auction holds
    uncovered. Locks the move's no-negative accounts (``entries``; by default the member's available
    account) in ascending id and reads the holds after the lock, as the members' own moves do; call it
    inside the transaction that then posts, so the locks last until the posting."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("funds_spend_guard must run inside the transaction that posts the move")
    available, _frozen = _accounts(member)
    _holds_guard(entries or [(available, -amount)], member, available, amount)


def _short(available: LedgerAccount, amount: Decimal) -> DomainError:
    """The ledger refused to take ``amount`` from a member's available funds: say how much there is."""
    return DomainError(
        _("Available funds are short: %(available)s CNY are available, %(amount)s CNY are needed")
        % {"available": max(ledger_balance(available).amount, Decimal("0.00")), "amount": amount},
        Code.INSUFFICIENT_FUNDS,
        field="amount",
    )


def _ledger_refusal(exc: DomainError) -> DomainError:
    """The ledger's refusals name its accounts in English: the member reads the exchange's own words
    (a short available balance is answered by `_short`; this answers the rest, e.g. a release larger
    than what is frozen)."""
    if exc.code == "insufficient_funds":
        return DomainError(_("The funds do not cover this move"), Code.INSUFFICIENT_FUNDS, field="amount")
    if exc.code == "invalid_amount":
        return DomainError(_("The amount must be positive, in fen at most"), Code.INVALID_AMOUNT, field="amount")
    if exc.code == "idempotency_key_reused":
        return _key_reused()
    return DomainError(_("The funds could not be moved: the request is not valid"), Code.INVALID, field="amount")


def _key_reused() -> DomainError:
    return DomainError(
        _("This request was already sent with other values"), Code.IDEMPOTENCY_KEY_REUSED, field="idempotencyKey"
    )


def _post(
    entries,
    *,
    description: str,
    reference: str,
    idempotency_key: str,
    actor=None,
    spends: tuple[Member, LedgerAccount, Decimal] | None = None,
) -> LedgerTransaction:
    """One ledger move; ``spends`` = (member, its available account, amount) when it debits available funds."""
    if spends is not None:
        if not transaction.get_connection().in_atomic_block:  # the guard's locks must last until the posting
            with transaction.atomic():
                return _post(
                    entries,
                    description=description,
                    reference=reference,
                    idempotency_key=idempotency_key,
                    actor=actor,
                    spends=spends,
                )
        _holds_guard(entries, *spends)
    user = actor if getattr(actor, "_meta", None) and actor._meta.label_lower == "accounts.user" else None
    try:
        return ledger_post(
            entries,
            description=description,
            reference=reference,
            actor=user,
            idempotency_key=f"exchange:{idempotency_key}",
        )
    except DomainError as exc:
        if exc.code == "insufficient_funds" and spends is not None:
            raise _short(spends[1], spends[2]) from None
        raise _ledger_refusal(exc) from None


# --- moves called by trading and settlement -------------------------------------------------


def funds_freeze(member: Member, amount, *, reference: str, idempotency_key: str, actor=None) -> LedgerTransaction:
    """Move ``amount`` from the member's available to frozen funds (a bid or buy deposit).
    Refused with INSUFFICIENT_FUNDS when available funds are short."""
    amount = _amount(amount)
    _require_active(member)
    available, frozen = _accounts(member)
    return _post(
        [(available, -amount), (frozen, amount)],
        description="冻结保证金",
        reference=reference,
        idempotency_key=f"freeze:{idempotency_key}",
        actor=actor,
        spends=(member, available, amount),
    )


def funds_freeze_applied(amounts: dict, *, reference: str, idempotency_key: str) -> LedgerTransaction:
    """An auction's close: the deposits its trades applied (members → amounts) move from available to
    frozen in one ledger transaction. No active check (the promise was made by a live bid) and no holds
    check: the caller locked the accounts and lowered the members' holds by the same amounts, so their
    spendable funds do not change (services.holds)."""
    entries = []
    for member in sorted(amounts, key=lambda m: m.pk):
        amount = _amount(amounts[member])
        available, frozen = _accounts(member)
        entries += [(available, -amount), (frozen, amount)]
    return _post(
        entries, description="成交保证金冻结", reference=reference, idempotency_key=f"freeze-applied:{idempotency_key}"
    )


def funds_release(member: Member, amount, *, reference: str, idempotency_key: str, actor=None) -> LedgerTransaction:
    """Move ``amount`` back from frozen to available (a lost bid, a withdrawn listing, a cancelled trade)."""
    amount = _amount(amount)
    available, frozen = _accounts(member)
    return _post(
        [(frozen, -amount), (available, amount)],
        description="解冻保证金",
        reference=reference,
        idempotency_key=f"release:{idempotency_key}",
        actor=actor,
    )


def funds_transfer(
    *,
    payer: Member,
    payee: Member,
    amount,
    reference: str,
    idempotency_key: str,
    source: str = "frozen",
    payer_fee=Decimal("0"),
    payee_fee=Decimal("0"),
    actor=None,
) -> LedgerTransaction:
    """Pay ``amount`` from the payer's ``source`` funds ("frozen" or "available") to the payee's available
    funds, in one transaction with the exchange's fees: the payer pays ``amount + payer_fee``, the payee
    receives ``amount - payee_fee``, the fee income account receives both fees."""
    amount = _amount(amount)
    payer_fee = _amount(payer_fee, "payerFee", allow_zero=True)
    payee_fee = _amount(payee_fee, "payeeFee", allow_zero=True)
    if source not in ("frozen", "available"):
        raise DomainError(_("source is 'frozen' or 'available'"), Code.INVALID, field="source")
    if payer.pk == payee.pk:
        raise DomainError(_("A member cannot pay itself"), Code.INVALID, field="payee")
    if payee_fee > amount:
        raise DomainError(_("The payee's fee exceeds the amount"), Code.INVALID_AMOUNT, field="payeeFee")
    payer_available, payer_frozen = _accounts(payer)
    payee_available, _payee_frozen = _accounts(payee)
    entries = [(payer_frozen if source == "frozen" else payer_available, -(amount + payer_fee))]
    spends = (payer, payer_available, amount + payer_fee) if source == "available" else None
    if amount - payee_fee:
        entries.append((payee_available, amount - payee_fee))
    if payer_fee + payee_fee:
        entries.append((fee_income_account(), payer_fee + payee_fee))
    return _post(
        entries,
        description="交收划款",
        reference=reference,
        idempotency_key=f"transfer:{idempotency_key}",
        actor=actor,
        spends=spends,
    )


# --- deposits and withdrawals ---------------------------------------------------------------


def _request_create(
    kind: str, member: Member, amount, *, actor, idempotency_key: str | None, note: str
) -> FundsRequest:
    amount = _amount(amount)
    _require_active(member)

    def perform():
        funds_request = FundsRequest.objects.create(
            member=member, kind=kind, amount=amount, requested_by=actor, note=note[:255]
        )
        if kind == FundsRequestKind.WITHDRAWAL:
            # The money is held (frozen) until the bank pays it out or rejects the request.
            available, frozen = _accounts(member)
            funds_request.ledger_transaction = _post(
                [(available, -amount), (frozen, amount)],
                description="出金冻结",
                reference=f"funds-request:{funds_request.pk}",
                idempotency_key=f"withdraw-hold:{funds_request.pk}",
                actor=actor,
                spends=(member, available, amount),
            )
            funds_request.save(update_fields=["ledger_transaction"])
        audit_record(
            f"exchange.funds_{kind}_requested", actor=actor, target=funds_request, data={"amount": str(amount)}
        )
        return {"request": funds_request.pk}

    with transaction.atomic():
        if idempotency_key is None:
            result = perform()
        else:
            try:
                result = idempotent_call(
                    scope=f"exchange.funds.{kind}",
                    actor_key=f"member:{member.pk}",
                    key=idempotency_key,
                    request={"amount": str(amount), "note": note},
                    perform=perform,
                )
            except DomainError as exc:
                if exc.code == "idempotency_key_reused":
                    raise _key_reused() from None
                if exc.code == "invalid" and exc.field == "idempotencyKey":
                    raise DomainError(
                        _("The idempotency key must be 1 to 255 characters"), Code.INVALID, field="idempotencyKey"
                    ) from None
                raise
        return FundsRequest.objects.get(pk=result["request"])


def funds_deposit_request(
    member: Member, amount, *, actor=None, idempotency_key: str | None = None, note: str = ""
) -> FundsRequest:
    """A member announces a transfer into the exchange's settlement account; nothing is credited until
    the bank confirms."""
    return _request_create(
        FundsRequestKind.DEPOSIT, member, amount, actor=actor, idempotency_key=idempotency_key, note=note
    )


def funds_withdraw_request(
    member: Member, amount, *, actor=None, idempotency_key: str | None = None, note: str = ""
) -> FundsRequest:
    """A member asks to be paid out to its KYC bank account; the amount is frozen at once
    (INSUFFICIENT_FUNDS if short)."""
    return _request_create(
        FundsRequestKind.WITHDRAWAL, member, amount, actor=actor, idempotency_key=idempotency_key, note=note
    )


def _decide(
    funds_request: FundsRequest, kind: str, *, app, bank_reference: str, confirm: bool, reason: str = ""
) -> FundsRequest:
    with transaction.atomic():
        funds_request = FundsRequest.objects.select_for_update().select_related("member").get(pk=funds_request.pk)
        if kind and funds_request.kind != kind:
            raise DomainError(
                _("This is a %(kind)s request") % {"kind": _REQUEST_WORDS.get(funds_request.kind, funds_request.kind)},
                Code.INVALID,
                field="id",
            )
        wanted = FundsRequestStatus.CONFIRMED if confirm else FundsRequestStatus.REJECTED
        if funds_request.status == wanted:
            return funds_request  # a retried bank callback: already done, nothing moves again
        if funds_request.status != FundsRequestStatus.REQUESTED:
            raise DomainError(
                _("The request is already %(status)s")
                % {"status": _REQUEST_WORDS.get(funds_request.status, funds_request.status)},
                Code.INVALID_TRANSITION,
                field="id",
            )
        member, amount = funds_request.member, funds_request.amount
        available, frozen = _accounts(member)
        clearing = bank_clearing_account()
        if funds_request.kind == FundsRequestKind.DEPOSIT:
            entries = [(clearing, -amount), (available, amount)] if confirm else None
        else:
            entries = [(frozen, -amount), (clearing, amount)] if confirm else [(frozen, -amount), (available, amount)]
        if entries:
            funds_request.ledger_transaction = _post(
                entries,
                description=("入金" if funds_request.kind == FundsRequestKind.DEPOSIT else "出金")
                + ("确认" if confirm else "退回"),
                reference=f"funds-request:{funds_request.pk}",
                idempotency_key=f"{funds_request.kind}-{'confirm' if confirm else 'reject'}:{funds_request.pk}",
            )
        funds_request.status = wanted
        funds_request.decided_by_app = app
        funds_request.bank_reference = (bank_reference or "")[:64]
        funds_request.decided_at = timezone.now()
        if reason:
            funds_request.note = reason[:255]
        funds_request.save(
            update_fields=["status", "decided_by_app", "bank_reference", "decided_at", "note", "ledger_transaction"]
        )
        audit_record(
            f"exchange.funds_{funds_request.kind}_{wanted}",
            actor=app,
            target=funds_request,
            data={"amount": str(amount), "bank_reference": funds_request.bank_reference},
        )
    return funds_request


def funds_deposit_confirm(funds_request: FundsRequest, *, app, bank_reference: str) -> FundsRequest:
    """The settlement bank saw the money arrive: credit the member's available funds (idempotent)."""
    return _decide(funds_request, FundsRequestKind.DEPOSIT, app=app, bank_reference=bank_reference, confirm=True)


def funds_withdraw_confirm(funds_request: FundsRequest, *, app, bank_reference: str) -> FundsRequest:
    """The settlement bank paid the member out: the frozen amount leaves the exchange (idempotent)."""
    return _decide(funds_request, FundsRequestKind.WITHDRAWAL, app=app, bank_reference=bank_reference, confirm=True)


def funds_request_reject(funds_request: FundsRequest, *, app, reason: str, bank_reference: str = "") -> FundsRequest:
    """The bank refuses: a deposit is not credited; a withdrawal's frozen amount returns to available."""
    if not (reason or "").strip():
        raise DomainError(_("A rejection needs a reason"), Code.REQUIRED, field="reason")
    return _decide(funds_request, "", app=app, bank_reference=bank_reference, confirm=False, reason=reason.strip())
