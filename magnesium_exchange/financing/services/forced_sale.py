"""Forced sale (平仓): the bank enforces the pledge through an exchange sale auction of the pledged
receipts, and the proceeds repay the loan at the settlement that pays them.

* ``loan_forced_sale_start``: allowed when the loan-to-value now is at or above the liquidation line,
  or its latest margin call's deadline was missed, or it is past its due date owing. The borrower is
  the auction's initiator (the seller of its receipts); one lot of all the tonnes of one grade, whose
  minimum bid is the whole lot, so no receipt is split; the reserve by default 90% of the latest
  reference price (raised into the auction's price band: the exchange's daily limit). The receipts go
  pledged -> listed keeping their encumbrance (custody's FORCED_SALE lock); the collateral rows are
  ``selling``, the loan ``enforcing``.
* At the settlement of the sale (settlement.hooks, the same transaction as ``settlement_pay``): the
  borrower received the value less its fee; from it the loan is repaid, interest first, then principal,
  capped at the debt; the remainder stays the owner's. The loan is repaid, or closed with a shortfall
  (defaulted) when nothing is left to sell; a loan still holding other pledged receipts (another grade)
  stays enforcing for the next sale.
* An auction that ends without a trade, or whose buyer defaults (trading.hooks / settlement.hooks):
  custody already put the receipts back to pledged; the sale is ``unsold``, the collateral ``pledged``
  again, and the loan stays enforcing so the bank can start another.

Lock order: the loan row (SELECT ... FOR UPDATE), its collateral rows, then trading's (auction row
created, receipts ascending id). From the hooks: the settlement or auction row, then the loan row
(taken by the ``locked`` / ``auction_closing`` hook before any ledger account or receipt), then the
ledger accounts and receipts, as settlement and trading document.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.engine import price_band
from magnesium_exchange.engine.values import MAX_PRICE
from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.models import (
    CollateralStatus,
    ForcedSale,
    ForcedSaleStatus,
    LoanCollateral,
    LoanStatus,
    MarginCall,
    MarginCallStatus,
)
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.financing.services.events import loan_event_record, loan_lock, loan_transition, loan_webhook
from magnesium_exchange.financing.services.interest import loan_interest_accrue
from magnesium_exchange.financing.services.ledger import loan_post_repayment
from magnesium_exchange.financing.services.measure import loan_measure
from magnesium_exchange.financing.state import OWING_STATUSES, PLEDGED_STATUSES
from magnesium_exchange.financing.valuation import DEFAULT_TERMS, valuation_prices
from magnesium_exchange.settlement.models import Settlement, SettlementStatus
from magnesium_exchange.trading.config import market_rules
from magnesium_exchange.trading.facts import reference_price
from magnesium_exchange.trading.models import AggregateType
from magnesium_exchange.trading.services import auction_open
from magnesium_exchange.warehouses.services import ReceiptLockPurpose, receipt_unlock
from magnesium_exchange.warehouses.services.tickets import user_of
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType

FORCED_SALE_HOURS = 24  # how long the auction runs unless the bank says otherwise
MAX_FORCED_SALE_DAYS = 30
RESERVE_SHARE = Decimal("0.90")  # of the reference price, by default
ZERO = Decimal("0.00")

_TRADING_TO_FINANCING = {
    "no_reference_price": (Code.NO_REFERENCE_PRICE, "grade"),
    "invalid_price": (Code.INVALID_AMOUNT, "reservePrice"),
    "price_off_tick": (Code.INVALID_AMOUNT, "reservePrice"),
    "price_outside_limit": (Code.INVALID_AMOUNT, "reservePrice"),
    "member_not_active": (Code.MEMBER_NOT_ACTIVE, "id"),
    "invalid_schedule": (Code.INVALID, "endsAt"),
}


def _liquidation_line(loan) -> Decimal:
    return loan.liquidation_percent if loan.liquidation_percent is not None else DEFAULT_TERMS.liquidation_percent


def forced_sale_entitlement(loan, measured, now) -> str | None:
    """Why the bank may sell now: ``liquidation_line``, ``margin_call_missed`` or ``past_due``; None
    when it may not. Used by the service and by the pages that show the button."""
    if measured.complete and measured.ltv_percent >= _liquidation_line(loan):
        return "liquidation_line"
    latest = MarginCall.objects.filter(loan=loan).order_by("-opened_at", "-id").first()
    if latest is not None and (
        latest.status == MarginCallStatus.MISSED or (latest.status == MarginCallStatus.OPEN and latest.deadline <= now)
    ):
        return "margin_call_missed"
    if loan.due_date is not None and loan.due_date < timezone.localdate(now) and measured.debt.total > 0:
        return "past_due"
    return None


def loan_forced_sale_may_start(loan, *, now=None) -> str | None:
    """The reason a forced sale of ``loan`` may start now (see forced_sale_entitlement), or None: the
    pages show the button on this, the service refuses on the same rule."""
    now = now or timezone.now()
    if loan.status not in OWING_STATUSES or ForcedSale.objects.filter(loan=loan, status=ForcedSaleStatus.OPEN).exists():
        return None
    return forced_sale_entitlement(loan, loan_measure(loan, day=timezone.localdate(now)), now)


def _reserve_input(value) -> Decimal | None:
    if value is None:
        return None
    number = None
    if isinstance(value, (Decimal, int, str)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number <= 0 or number > MAX_PRICE:
        raise DomainError(
            _("The reserve price is a positive number of CNY per tonne"), Code.INVALID_AMOUNT, field="reservePrice"
        )
    return number


def _ends_at_input(ends_at, now) -> dt.datetime:
    if ends_at is None:
        return now + dt.timedelta(hours=FORCED_SALE_HOURS)
    if (
        not isinstance(ends_at, dt.datetime)
        or timezone.is_naive(ends_at)
        or ends_at <= now
        or ends_at > now + dt.timedelta(days=MAX_FORCED_SALE_DAYS)
    ):
        raise DomainError(
            _("The auction ends in the future, within %(days)s days") % {"days": MAX_FORCED_SALE_DAYS},
            Code.INVALID,
            field="endsAt",
        )
    return ends_at


def _default_reserve(grade, reference: Decimal, latest: Decimal | None) -> Decimal:
    """90% of the latest reference price (the one the collateral is valued at), raised into the
    auction's price band (around the reference in force for trading today), rounded up to the tick."""
    rules = market_rules(grade)
    reserve = (latest or reference) * RESERVE_SHARE
    band = price_band(reference, rules)
    if band is not None:
        reserve = max(reserve, band[0])
    tick = rules.price_tick
    return ((reserve / tick).to_integral_value(ROUND_CEILING) * tick).quantize(Decimal("0.01"))


def loan_forced_sale_start(loan, *, bank, reserve_price=None, ends_at=None, actor=None, now=None) -> ForcedSale:
    """The loan's bank sells the pledged receipts through a sale auction (see the module). Refusals,
    nothing written: NOT_YOUR_BANK (another bank), INVALID_TRANSITION (the loan is not active or
    enforcing), FORCED_SALE_RUNNING (one is open), LIQUIDATION_NOT_ALLOWED (under the liquidation line,
    no missed margin call, not past due), INVALID_AMOUNT (a bad reserve), INVALID (a bad end),
    NO_REFERENCE_PRICE, and the auction's own refusals."""
    now = now or timezone.now()
    reserve_price = _reserve_input(reserve_price)
    ends_at = _ends_at_input(ends_at, now)
    with transaction.atomic():
        loan = loan_lock(loan)
        if bank is None or loan.bank_id != getattr(bank, "pk", None):
            raise DomainError(_("This loan is another bank's"), Code.NOT_YOUR_BANK, field="id")
        if loan.status not in (LoanStatus.ACTIVE, LoanStatus.ENFORCING):
            raise DomainError(
                _("The loan is %(status)s: this cannot be done now") % {"status": loan.get_status_display()},
                Code.INVALID_TRANSITION,
                field="id",
            )
        if ForcedSale.objects.filter(loan=loan, status=ForcedSaleStatus.OPEN).exists():
            raise DomainError(_("A forced sale of this loan is already running"), Code.FORCED_SALE_RUNNING, field="id")
        measured = loan_measure(loan, day=timezone.localdate(now))
        reason = forced_sale_entitlement(loan, measured, now)
        if reason is None:
            ltv = "-" if measured.ltv_percent is None else f"{measured.ltv_percent}%"
            raise DomainError(
                _(
                    "The loan-to-value is %(ltv)s, under the liquidation line of %(line)s%%, no margin call "
                    "was missed and the loan is not past due: a forced sale is not allowed"
                )
                % {"ltv": ltv, "line": _liquidation_line(loan)},
                Code.LIQUIDATION_NOT_ALLOWED,
                field="id",
            )
        collateral = list(
            LoanCollateral.objects.select_for_update(of=("self",))
            .filter(loan=loan, status=CollateralStatus.PLEDGED)
            .select_related("receipt__grade__commodity")
            .order_by("receipt_id")
        )
        if not collateral:
            raise DomainError(_("No receipt of this loan is pledged"), Code.INVALID, field="id")
        by_grade: dict[int, list[LoanCollateral]] = {}
        for row in collateral:
            by_grade.setdefault(row.receipt.grade_id, []).append(row)
        # One grade per auction: the grade with the most tonnes first (the lowest id on a tie).
        rows = max(by_grade.values(), key=lambda group: (sum(r.quantity for r in group), -group[0].receipt.grade_id))
        grade = rows[0].receipt.grade
        tonnes = sum((r.quantity for r in rows), Decimal("0"))
        latest_price = valuation_prices([grade.pk], timezone.localdate(now)).get(grade.pk)
        reference = reference_price(grade, latest_price)
        if reference is None:
            raise DomainError(
                _("Grade %(grade)s has no reference price") % {"grade": grade.code},
                Code.NO_REFERENCE_PRICE,
                field="grade",
            )
        reserve = reserve_price if reserve_price is not None else _default_reserve(grade, reference, latest_price)
        try:
            auction = auction_open(
                member=loan.borrower,
                grade=grade,
                receipts=[r.receipt for r in rows],
                reserve_price=reserve,
                starts_at=now,
                ends_at=ends_at,
                min_bid_quantity=tonnes,
                reference_price_fallback=latest_price,
                actor=actor,
                now=now,
                lock_purpose=ReceiptLockPurpose.FORCED_SALE,
            )
        except DomainError as exc:
            code, field = _TRADING_TO_FINANCING.get(exc.code, (Code.INVALID, exc.field))
            raise DomainError(exc.message, code, field=field) from None
        LoanCollateral.objects.filter(pk__in=[r.pk for r in rows]).update(status=CollateralStatus.SELLING)
        user = user_of(actor)
        sale = ForcedSale.objects.create(loan=loan, auction=auction, reason=reason, started_by=user, started_at=now)
        data = {
            "forced_sale": sale.pk,
            "auction": auction.pk,
            "reason": reason,
            "grade": grade.code,
            "tonnes": str(tonnes),
            "reserve_price": str(reserve),
            "reference_price": str(reference),
            "ends_at": ends_at.isoformat(),
            "receipts": [r.receipt.number for r in rows],
            "ltv_percent": None if measured.ltv_percent is None else str(measured.ltv_percent),
        }
        loan_transition(loan, "forced_sale_start", actor=actor, now=now, data=data)
        loan_webhook(WebhookEventType.FORCED_SALE_STARTED, loan, data)
    return sale


# hooks: settlement and trading call these in their transactions (registered in apps.FinancingConfig.ready)


def _open_sale_of_auction(auction_id: int, *, lock: bool) -> ForcedSale | None:
    rows = ForcedSale.objects.filter(auction_id=auction_id, status=ForcedSaleStatus.OPEN)
    if lock:
        rows = rows.select_for_update()
    return rows.first()


def _sale_of_settlement(settlement, *, lock: bool) -> ForcedSale | None:
    trade = settlement.trade
    if trade.aggregate_type != AggregateType.AUCTION:
        return None
    return _open_sale_of_auction(trade.aggregate_pk, lock=lock)


def _unsold(sale: ForcedSale, loan, why: str, now, actor=None) -> None:
    if loan.status in PLEDGED_STATUSES:
        LoanCollateral.objects.filter(loan=loan, status=CollateralStatus.SELLING).update(
            status=CollateralStatus.PLEDGED
        )
    else:  # repaid meanwhile by the borrower: the receipts custody put back to pledged are released
        _collateral_release(loan, [CollateralStatus.SELLING], actor=actor, now=now)
    sale.status, sale.settled_at = ForcedSaleStatus.UNSOLD, now
    sale.save(update_fields=["status", "settled_at"])
    loan_event_record(
        loan,
        "forced_sale_unsold",
        actor=actor,
        now=now,
        data={"forced_sale": sale.pk, "auction": sale.auction_id, "why": why},
    )


def forced_sale_settlement_locked(settlement) -> None:
    """settlement.hooks ``locked``: a forced sale's loan row, before settlement's ledger locks."""
    sale = _sale_of_settlement(settlement, lock=False)
    if sale is not None:
        loan_lock(sale.loan_id)


def forced_sale_settlement_completed(settlement, *, actor=None, now=None) -> None:
    """settlement.hooks ``completed``: repay the loan from the proceeds the borrower just received."""
    sale = _sale_of_settlement(settlement, lock=True)
    if sale is None:
        return
    now = now or timezone.now()
    loan = loan_lock(sale.loan_id)
    trade = settlement.trade
    proceeds = (trade.value - trade.seller_fee).quantize(Decimal("0.01"))
    owing = loan.status in OWING_STATUSES  # not when the borrower repaid in full while the sale ran
    if owing:
        loan_interest_accrue(loan, until=timezone.localdate(now))
    repay = min(proceeds, loan_debt(loan).total) if owing else ZERO
    interest_paid = principal_paid = ZERO
    if repay > 0:
        interest_paid, principal_paid = loan_post_repayment(
            loan, repay, idempotency_key=f"forced-sale:{sale.pk}:settlement:{settlement.pk}"
        )
    sale.proceeds = (sale.proceeds or ZERO) + proceeds
    sale.interest_repaid = (sale.interest_repaid or ZERO) + interest_paid
    sale.principal_repaid = (sale.principal_repaid or ZERO) + principal_paid
    sale.remainder_to_owner = (sale.remainder_to_owner or ZERO) + proceeds - repay
    still_pending = (
        Settlement.objects.filter(
            trade__aggregate_type=AggregateType.AUCTION,
            trade__aggregate_pk=sale.auction_id,
            status=SettlementStatus.PENDING,
        )
        .exclude(pk=settlement.pk)
        .exists()
    )
    fields = ["proceeds", "interest_repaid", "principal_repaid", "remainder_to_owner"]
    if still_pending:
        sale.save(update_fields=fields)
        return
    LoanCollateral.objects.filter(loan=loan, status=CollateralStatus.SELLING).update(
        status=CollateralStatus.SOLD, released_at=now
    )
    sale.status, sale.settled_at = ForcedSaleStatus.SOLD, now
    sale.save(update_fields=[*fields, "status", "settled_at"])
    figures = {
        "forced_sale": sale.pk,
        "proceeds": str(sale.proceeds),
        "interest_repaid": str(sale.interest_repaid),
        "principal_repaid": str(sale.principal_repaid),
        "remainder_to_owner": str(sale.remainder_to_owner),
    }
    loan_event_record(loan, "forced_sale_settled", actor=actor, now=now, data=figures)
    if not owing:
        return
    left = loan_debt(loan)
    others = LoanCollateral.objects.filter(loan=loan, status=CollateralStatus.PLEDGED).exists()
    if left.total <= 0:
        if others:
            _collateral_release(loan, [CollateralStatus.PLEDGED], actor=actor, now=now)
        loan.closed_at = now
        loan_transition(loan, "repay_in_full", actor=actor, now=now, data=figures, fields=("closed_at",))
        loan_webhook(WebhookEventType.LOAN_REPAID, loan, figures)
    elif not others:
        loan.closed_at = now
        loan_transition(
            loan,
            "close_with_shortfall",
            actor=actor,
            now=now,
            fields=("closed_at",),
            data={**figures, "shortfall": str(left.total)},
        )
    # else: other receipts stay pledged and the loan enforcing: the bank sells them next


def _collateral_release(loan, statuses, *, actor=None, now=None) -> None:
    """Release the pledge of the loan's receipts in ``statuses`` (the debt is cleared: by the sale of one
    grade while others were pledged, or by the borrower while the sale ran)."""
    numbers = []
    for row in (
        LoanCollateral.objects.select_for_update()
        .filter(loan=loan, status__in=statuses)
        .select_related("receipt")
        .order_by("receipt_id")
    ):
        receipt_unlock(row.receipt, purpose=ReceiptLockPurpose.PLEDGE, reference=f"loan:{loan.pk}", actor=actor)
        row.status, row.released_at = CollateralStatus.RELEASED, now
        row.save(update_fields=["status", "released_at"])
        numbers.append(row.receipt.number)
    if numbers:
        loan_event_record(loan, "collateral_release", actor=actor, now=now, data={"receipts": numbers})
        loan_webhook(WebhookEventType.PLEDGE_RELEASED, loan, {"receipts": numbers, "reason": "repaid"})


def forced_sale_settlement_defaulted(settlement, *, actor=None, now=None) -> None:
    """settlement.hooks ``defaulted``: the buyer did not pay; the receipts are pledged again."""
    sale = _sale_of_settlement(settlement, lock=True)
    if sale is None:
        return
    loan = loan_lock(sale.loan_id)
    _unsold(sale, loan, "settlement_defaulted", now or timezone.now(), actor=actor)


def forced_sale_auction_closing(auction, *, cancel_by_member=None) -> None:
    """trading.hooks ``auction_closing``: a forced sale's loan row, right after the auction row; the
    borrower may not cancel the bank's sale (only an operator may)."""
    sale = _open_sale_of_auction(auction.pk, lock=False)
    if sale is None:
        return
    if cancel_by_member is not None:
        raise DomainError(_("A forced sale is cancelled only by an operator"), Code.FORCED_SALE_RUNNING, field="id")
    loan_lock(sale.loan_id)


def forced_sale_auction_ended(auction, trades, *, actor=None) -> None:
    """trading.hooks ``auction_ended``: with a trade the sale waits for its settlement; without one
    (no bid, or cancelled by an operator) it is unsold and the receipts are pledged again."""
    sale = _open_sale_of_auction(auction.pk, lock=True)
    if sale is None:
        return
    loan = loan_lock(sale.loan_id)
    now = timezone.now()
    if trades:
        loan_event_record(
            loan,
            "forced_sale_auction_closed",
            actor=actor,
            now=now,
            data={
                "forced_sale": sale.pk,
                "trades": [t.engine_trade_id for t in trades],
                "price": str(trades[0].price),
                "quantity": str(sum(t.quantity for t in trades)),
            },
        )
        return
    _unsold(sale, loan, "no_trade", now, actor=actor)
