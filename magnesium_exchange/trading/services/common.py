"""What every trading use case shares: the aggregate row lock, running the engine, journalling its
events and applying their effects in the caller's transaction.

Lock order of every trading write (and settlement follows the same order after its own row). The
facts a command needs about its actor (funds, exposure, credit lists) are plain reads, taken before
the row lock by the bid path; nothing is locked before step 1:
1. the aggregate row (Listing / Auction / Rfq, SELECT ... FOR UPDATE): the one lock per aggregate,
   so each sees one sequence of commands whatever the number of web processes;
   An auction's close or cancellation then runs the `auction_closing` hooks (trading.hooks), whose
   rows (a forced sale's loan, financing) come here, before anything below;
2. receipt rows the command brings (a picker's or quoting seller's receipts, receipt_lock, ascending id);
3. the ledger accounts of every member the events touch, all at once in ascending id
   (members.services.funds.funds_accounts_lock), before any posting, so two transactions never take
   them in opposite orders; a bid on an auction (and a procurement auction's open) locks only the
   bidder's available account, right after the row lock (members.services.holds): its deposit is a
   hold, the outbid members' holds only fall;
4. receipt rows split or unlocked by the effects, or locked behind a procurement offer (ascending id
   within each call);
5. inserts: journal, trades, contracts, settlements, outbox.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.engine import (
    AuctionCancelled,
    AuctionClosed,
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    EngineError,
    EngineErrorCode,
    ListingClosed,
    RfqClosed,
    TradeExecuted,
    decide,
    from_ms,
    replay,
)
from magnesium_exchange.engine.values import MAX_PRICE, MAX_QUANTITY
from magnesium_exchange.marketdata.services import marketdata_trade_record
from magnesium_exchange.members.models import Member, MemberStatus
from magnesium_exchange.members.services import funds_freeze, funds_release
from magnesium_exchange.members.services.funds import funds_accounts_lock, funds_freeze_applied
from magnesium_exchange.members.services.holds import funds_holds_adjust, funds_holds_drop
from magnesium_exchange.trading import hooks
from magnesium_exchange.trading.config import trading_config
from magnesium_exchange.trading.contracts import contract_create
from magnesium_exchange.trading.error_codes import ExchangeTradingErrorCode as Code
from magnesium_exchange.trading.journal import PROJECTIONS, journal_append, state_keep, state_load
from magnesium_exchange.trading.models import AggregateType, LotReceipt, Trade
from magnesium_exchange.trading.refusals import ENGINE_MESSAGES
from magnesium_exchange.warehouses.services import ReceiptLockPurpose, receipt_lock, receipt_split, receipt_unlock
from meidu.core.errors import DomainError
from meidu.core.sql.batch import Batch
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit

_CODES = {code.value for code in Code}
ZERO = Decimal("0")


def _camel(name: str | None) -> str | None:
    return None if name is None else re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def refusal(exc: EngineError) -> DomainError:
    """The engine's refusal with the translated message of its code (the engine's own stays English)."""
    message = ENGINE_MESSAGES.get(exc.code, exc.message)
    return DomainError(str(message), Code(exc.code.value), field=_camel(exc.field))


def translated(exc: DomainError) -> DomainError:
    """Another app's refusal (receipts, ledger) under the trading code of the same value. The ledger's
    overdraft message names an account: the trader reads the engine's translated one instead."""
    code = Code(exc.code) if exc.code in _CODES else Code.INVALID
    message = exc.message
    if code is Code.INSUFFICIENT_FUNDS:
        message = str(ENGINE_MESSAGES[EngineErrorCode.INSUFFICIENT_FUNDS])
    return DomainError(message, code, field=exc.field)


def _number(value, field: str, code: Code, limit: Decimal):
    """A finite positive Decimal up to `limit` from a Decimal, int or str (None stays None): NaN,
    infinities, text, floats and absurd sizes are refusals with a code, never an exception, before any
    comparison or row touches them (a second line behind the API's own checks)."""
    if value is None:
        return None
    number = None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number <= 0:
        message = ENGINE_MESSAGES[EngineErrorCode(code.value)]
        raise DomainError(str(message), code, field=field)
    if number > limit:
        raise DomainError(_("The number is too large: at most %(limit)s") % {"limit": limit}, code, field=field)
    return number


def tonnes_input(value, field: str = "quantity"):
    """Tonnes given by a caller (see `_number`); None stays None."""
    return _number(value, field, Code.INVALID_QUANTITY, MAX_QUANTITY)


def price_input(value, field: str = "price"):
    """A price per tonne given by a caller (see `_number`); None stays None."""
    return _number(value, field, Code.INVALID_PRICE, MAX_PRICE)


def now_or(now):
    return now or timezone.now()


def member_require_active(member: Member) -> Member:
    fresh = Member.objects.filter(pk=member.pk).first()
    if fresh is None or fresh.status != MemberStatus.ACTIVE:
        raise DomainError(_("The member is not active"), Code.MEMBER_NOT_ACTIVE, field="member")
    return fresh


def lock_row(model, pk):
    row = model.objects.select_for_update(of=("self",)).select_related("grade__commodity").filter(pk=pk).first()
    if row is None:
        raise DomainError(_("Not found"), Code.NOT_FOUND, field="id")
    return row


# receipts behind an aggregate ------------------------------------------------------------------------


def receipts_lock(
    aggregate_type: str,
    row,
    member: Member,
    receipts,
    *,
    actor=None,
    purpose: ReceiptLockPurpose = ReceiptLockPurpose.LISTING,
) -> Decimal:
    """Lock `member`'s receipts for the aggregate (refusals: not yours, pledged, frozen, listed, closed,
    resale lock, wrong grade) and record them behind it; their total tonnes. ``purpose`` FORCED_SALE is
    financing's sale of pledged receipts (pledged -> listed, the encumbrance kept; see custody)."""
    total = Decimal("0")
    for receipt in sorted(receipts, key=lambda r: r.pk):
        if receipt.grade_id != row.grade_id:
            raise DomainError(
                _("Receipt %(number)s is not of grade %(grade)s") % {"number": receipt.number, "grade": row.grade.code},
                Code.WRONG_GRADE,
                field="receipts",
            )
        try:
            locked = receipt_lock(
                receipt, holder=member, purpose=purpose, reference=f"{aggregate_type}:{row.pk}", actor=actor
            )
        except DomainError as exc:
            raise translated(exc) from None
        LotReceipt.objects.create(
            aggregate_type=aggregate_type, aggregate_pk=row.pk, receipt=locked, quantity=locked.quantity
        )
        total += locked.quantity
    return total


def _unallocated(aggregate_type: str, pk: int):
    return (
        LotReceipt.objects.filter(
            aggregate_type=aggregate_type, aggregate_pk=pk, trade=None, released=False, superseded=False
        )
        .select_related("receipt")
        .order_by("id")
    )


def receipts_allocate(aggregate_type: str, pk: int, trade: Trade, quantity: Decimal, *, actor=None) -> list[str]:
    """Give the trade exactly `quantity` t of the seller's receipts locked behind the aggregate, splitting
    the last one (its parts stay listed: the sold part until settlement, the rest for the aggregate)."""
    left, numbers = quantity, []
    for row in _unallocated(aggregate_type, pk).filter(receipt__holder_id=trade.seller_id):
        if not left:
            break
        if row.quantity <= left:
            row.trade = trade
            row.save(update_fields=["trade"])
            numbers.append(row.receipt.number)
            left -= row.quantity
            continue
        try:
            sold, rest = receipt_split(row.receipt, [left, row.quantity - left], actor=actor)
        except DomainError as exc:
            raise translated(exc) from None
        row.superseded = True
        row.save(update_fields=["superseded"])
        LotReceipt.objects.create(
            aggregate_type=aggregate_type, aggregate_pk=pk, receipt=sold, quantity=left, trade=trade
        )
        LotReceipt.objects.create(aggregate_type=aggregate_type, aggregate_pk=pk, receipt=rest, quantity=rest.quantity)
        numbers.append(sold.number)
        left = Decimal("0")
    if left:
        raise DomainError(
            _("%(quantity)s t of receipts are missing behind %(aggregate)s %(id)s")
            % {"quantity": left, "aggregate": aggregate_type, "id": pk},
            Code.INSUFFICIENT_QUANTITY,
            field="quantity",
        )
    return numbers


def receipts_locked_by(aggregate_type: str, pk: int) -> dict[int, Decimal]:
    """Tonnes of unsold receipts locked behind the aggregate, per holder."""
    totals: dict[int, Decimal] = {}
    for row in _unallocated(aggregate_type, pk):
        totals[row.receipt.holder_id] = totals.get(row.receipt.holder_id, Decimal("0")) + row.quantity
    return totals


def receipts_release(aggregate_type: str, pk: int, *, holder_id: int | None = None, actor=None) -> None:
    """Unlock the receipts nothing was sold from (a closed aggregate, a picker's leftover part, an
    outbid offer's backing)."""
    rows = _unallocated(aggregate_type, pk)
    if holder_id is not None:
        rows = rows.filter(receipt__holder_id=holder_id)
    for row in rows:
        receipt_unlock(row.receipt, purpose=ReceiptLockPurpose.LISTING, reference=f"{aggregate_type}:{pk}", actor=actor)
        row.released = True
        row.save(update_fields=["released"])


# effects of events -------------------------------------------------------------------------------


def _marketdata_record(trade: Trade) -> None:
    marketdata_trade_record(
        grade=trade.grade,
        price=trade.price,
        quantity=trade.quantity,
        executed_at=trade.executed_at,
        reference=trade.engine_trade_id,
    )


def trade_record(aggregate_type: str, row, event: TradeExecuted, members: dict[str, Member], *, actor=None) -> Trade:
    """A TradeExecuted event: the trade, its receipts, contract, settlement, webhook and market data."""
    config = trading_config()
    executed_at = from_ms(event.at)
    trade = Trade.objects.create(
        engine_trade_id=event.trade_id,
        mode=event.mode.value,
        aggregate_type=aggregate_type,
        aggregate_pk=row.pk,
        grade=row.grade,
        buyer=members[event.buyer],
        seller=members[event.seller],
        price=event.price,
        quantity=event.quantity,
        value=event.value,
        deposit=event.buyer_deposit,
        buyer_fee=config.fee(event.quantity),
        seller_fee=config.fee(event.quantity),
        settlement_due_at=config.settlement_due(executed_at),
        executed_at=executed_at,
    )
    numbers = receipts_allocate(aggregate_type, row.pk, trade, event.quantity, actor=actor)
    contract = contract_create(trade, numbers)
    hooks.trade_recorded.send(trade)  # settlement opens its delivery versus payment
    webhook_event_emit(
        WebhookEventType.TRADE_CREATED,
        {
            "trade": trade.engine_trade_id,
            "contract": contract.number,
            "mode": trade.mode,
            "grade": row.grade.code,
            "buyer": trade.buyer.credit_code,
            "seller": trade.seller.credit_code,
            "price": str(trade.price),
            "quantity": str(trade.quantity),
            "value": str(trade.value),
            "deposit": str(trade.deposit),
            "receipts": numbers,
            "settlement_due_at": trade.settlement_due_at.isoformat(),
        },
    )
    _marketdata_record(trade)
    return trade


_CLOSING = (ListingClosed, AuctionClosed, AuctionCancelled, RfqClosed)


def _auction_funds(reference: str, funds: list, members: dict[str, Member], batch: Batch) -> None:
    """An auction's deposits are holds (members.services.holds): each event moves the member's hold; a
    deposit applied to a trade at the close becomes a ledger freeze (available → frozen, one posting for
    all winners), where the settlement finds it. Every hold increase was checked by the engine against
    funds read under the bidder's account lock (`funds_available_locked`)."""
    deltas: dict[int, Decimal] = {}
    applied: dict[int, Decimal] = {}
    for event in funds:
        member_id = int(event.member)
        if isinstance(event, DepositFrozen):
            deltas[member_id] = deltas.get(member_id, ZERO) + event.amount
        else:
            deltas[member_id] = deltas.get(member_id, ZERO) - event.amount
            if isinstance(event, DepositApplied):
                applied[member_id] = applied.get(member_id, ZERO) + event.amount
    if applied:
        funds_accounts_lock([members[str(member_id)] for member_id in applied])
    funds_holds_adjust(reference, deltas, batch)
    if applied:
        try:
            funds_freeze_applied(
                {members[str(m)]: amount for m, amount in applied.items()},
                reference=reference,
                idempotency_key=f"trading:{reference}:{funds[0].seq}",
            )
        except DomainError as exc:
            raise translated(exc) from None


def _ledger_funds(reference: str, funds: list, members: dict[str, Member]) -> None:
    """Listings' and RFQs' deposits are ledger freezes: one posting per member and command, the net of
    its holds frozen and released (a re-quote releases the old deposit and freezes the new one: only the
    difference moves). A deposit applied to a trade stays frozen for the settlement. Members in ascending id."""
    funds = [e for e in funds if not isinstance(e, DepositApplied)]
    if not funds:
        return
    funds_accounts_lock(list(members.values()))
    net: dict[int, Decimal] = {}
    first_seq: dict[int, int] = {}
    for event in funds:
        member_id = int(event.member)
        amount = event.amount if isinstance(event, DepositFrozen) else -event.amount
        net[member_id] = net.get(member_id, ZERO) + amount
        first_seq.setdefault(member_id, event.seq)
    for member_id in sorted(net):
        amount, member = net[member_id], members[str(member_id)]
        key = f"trading:{reference}:{first_seq[member_id]}:{member_id}"
        try:
            if amount > 0:
                funds_freeze(member, amount, reference=reference, idempotency_key=key)
            elif amount < 0:
                funds_release(member, -amount, reference=reference, idempotency_key=key)
        except DomainError as exc:
            raise translated(exc) from None


def effects_apply(aggregate_type: str, row, events: list, batch: Batch, *, actor=None) -> list[Trade]:
    """Apply the events' effects: deposits (auction holds, as statements of `batch`, or ledger freezes),
    trades, receipts released. Member rows are read only when a trade or a ledger move needs them (not
    for a bid)."""
    auction = aggregate_type == AggregateType.AUCTION
    funds = [e for e in events if isinstance(e, (DepositFrozen, DepositReleased, DepositApplied))]
    traded = [e for e in events if isinstance(e, TradeExecuted)]
    member_ids = set()
    for event in traded:
        member_ids.update((int(event.buyer), int(event.seller)))
    for event in funds:
        if not auction or isinstance(event, DepositApplied):
            member_ids.add(int(event.member))
    members = {str(m.pk): m for m in Member.objects.filter(pk__in=member_ids)} if member_ids else {}
    reference = f"{aggregate_type}:{row.pk}"
    if funds:
        if auction:
            _auction_funds(reference, funds, members, batch)
        else:
            _ledger_funds(reference, funds, members)
    trades = [trade_record(aggregate_type, row, e, members, actor=actor) for e in traded]
    if any(isinstance(e, _CLOSING) for e in events):
        receipts_release(aggregate_type, row.pk, actor=actor)
        if auction:
            funds_holds_drop(reference, batch)
    return trades


def run(aggregate_type: str, row, state, command, *, actor=None, after=None) -> tuple[list, list[Trade]]:
    """Decide under the row lock; journal the events, apply their effects and project the new state
    onto the row, all in the caller's transaction. A refusal writes nothing. The journal insert, the
    auction holds and the row update go to the database together, in one round trip at the end (a bid
    writes nothing else)."""
    assert transaction.get_connection().in_atomic_block
    try:
        events = decide(state, command)
    except EngineError as exc:
        if row.pk and state is not None:
            state_keep(aggregate_type, row, state, now=True)  # unchanged: decide does not touch it
        raise refusal(exc) from None
    state = replay(events, state)
    batch = Batch()
    journal_append(aggregate_type, row.pk, events, batch)
    trades = effects_apply(aggregate_type, row, events, batch, actor=actor)
    if after is not None:
        after(state)  # the use case's own effects of the new state (a procurement offer's receipts)
    changed = []
    for field, value in PROJECTIONS[aggregate_type](state).items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed.append(field)
    row.updated_at = timezone.now()
    batch.update(row, [*changed, "updated_at"])  # a bid changes a few columns, not the whole row
    batch.execute()
    state_keep(aggregate_type, row, state)
    return events, trades


def load(aggregate_type: str, model, pk):
    row = lock_row(model, pk)
    return row, state_load(aggregate_type, row)
