"""Listing (挂牌) and picking (摘牌): sell listings backed by locked receipts, wanted listings backed
by the buyer's frozen deposit; re-price, withdraw, expire. Lock order: see services.common."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from magnesium_exchange.engine import (
    ExpireListing,
    OpenListing,
    PickListing,
    RepriceListing,
    Side,
    WithdrawListing,
    to_ms,
)
from magnesium_exchange.trading.config import market_rules
from magnesium_exchange.trading.error_codes import ExchangeTradingErrorCode as Code
from magnesium_exchange.trading.facts import available_funds, deal_headroom, excluded_counterparties, reference_price
from magnesium_exchange.trading.models import AggregateType, Listing, Trade
from magnesium_exchange.trading.services.common import (
    load,
    member_require_active,
    now_or,
    price_input,
    receipts_lock,
    receipts_release,
    run,
    tonnes_input,
)
from magnesium_exchange.trading.sessions import LISTING, session_require
from meidu.core.errors import DomainError

T = AggregateType.LISTING


def _ms(value):
    return None if value is None else to_ms(value)


def listing_open(
    *,
    member,
    grade,
    price,
    side: str = "sell",
    receipts=(),
    quantity=None,
    min_pick=None,
    step=None,
    expires_at=None,
    reference_price_fallback=None,
    actor=None,
    now=None,
) -> Listing:
    """Post a listing. Sell: `receipts` (the member's, unencumbered, out of their resale lock, of the
    grade) are locked and listed whole. Buy (wanted): `quantity` t, its deposit frozen from available funds.
    The price must be on the tick and within the limit around the reference price (market data's, else
    `reference_price_fallback`, the configured one)."""
    now = now_or(now)
    price, quantity = price_input(price), tonnes_input(quantity)
    min_pick, step = tonnes_input(min_pick, "minPick"), tonnes_input(step, "step")
    session_require(LISTING, now)
    member = member_require_active(member)
    if side not in {s.value for s in Side}:
        raise DomainError(_("side is sell or buy"), Code.INVALID, field="side")
    engine_side = Side(side)
    with transaction.atomic():
        reference = reference_price(grade, reference_price_fallback)
        row = Listing.objects.create(
            side=side,
            owner=member,
            grade=grade,
            quantity=0,
            remaining=0,
            price=Decimal("0"),
            min_pick=0,
            step=0,
            reference_price=reference,
        )
        held = funds = None
        if engine_side is Side.SELL:
            if not receipts:
                raise DomainError(_("A sell listing needs receipts"), Code.REQUIRED, field="receipts")
            held = receipts_lock(T, row, member, receipts, actor=actor)
            quantity = held
        else:
            if quantity is None:
                raise DomainError(_("A wanted listing needs a quantity"), Code.REQUIRED, field="quantity")
            funds = available_funds(member)
        command = OpenListing(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            side=engine_side,
            grade=grade.code,
            quantity=quantity,
            price=price,
            reference_price=reference,
            min_pick=min_pick,
            step=step,
            expires_at=_ms(expires_at),
            rules=market_rules(grade),
            receipt_ids=tuple(r.number for r in receipts),
            available_quantity=held,
            available_funds=funds,
            excluded_counterparties=excluded_counterparties(member),
        )
        run(T, row, None, command, actor=actor)
    return row


def listing_pick(listing: Listing, *, member, quantity, receipts=(), actor=None, now=None) -> Trade:
    """Take `quantity` t of a listing: a buyer picks a sell listing (its deposit frozen), a holder picks
    a wanted listing with its `receipts` (locked; the part not sold is unlocked again). Refusals: below
    the minimum pick, off step, beyond what remains, funds, exposure caps, excluded counterparty."""
    now = now_or(now)
    quantity = tonnes_input(quantity)
    session_require(LISTING, now)
    member = member_require_active(member)
    with transaction.atomic():
        row, state = load(T, Listing, listing.pk)
        value_room, tonnes_room = deal_headroom(member, row.owner)  # both sides' caps
        if quantity > tonnes_room:
            raise DomainError(
                _("A member's tonnage cap would be exceeded"), Code.EXPOSURE_CAP_EXCEEDED, field="quantity"
            )
        funds = held = None
        if row.side == Side.SELL.value:
            funds = available_funds(member)
        else:
            if not receipts:
                raise DomainError(_("Picking a wanted listing needs receipts"), Code.REQUIRED, field="receipts")
            held = receipts_lock(T, row, member, receipts, actor=actor)
        command = PickListing(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            quantity=quantity,
            available_funds=funds,
            available_quantity=held,
            reference_price=reference_price(row.grade, row.reference_price),
            excluded_counterparties=excluded_counterparties(member),
            exposure_headroom=value_room,
        )
        _events, trades = run(T, row, state, command, actor=actor)
        if row.side == Side.BUY.value:
            receipts_release(T, row.pk, actor=actor)  # the picker's tonnes beyond the pick
    return trades[0]


def listing_reprice(listing: Listing, *, member, price, actor=None, now=None) -> Listing:
    """改价: a new price within today's limit; a wanted listing's deposit follows the price."""
    now = now_or(now)
    price = price_input(price)
    session_require(LISTING, now)
    with transaction.atomic():
        row, state = load(T, Listing, listing.pk)
        command = RepriceListing(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            price=price,
            reference_price=reference_price(row.grade, row.reference_price),
            available_funds=available_funds(member) if row.side == Side.BUY.value else None,
        )
        run(T, row, state, command, actor=actor)
    return row


def listing_withdraw(listing: Listing, *, member, actor=None, now=None) -> Listing:
    """撤牌: close the listing; its receipts are unlocked, a wanted listing's deposit released."""
    now = now_or(now)
    with transaction.atomic():
        row, state = load(T, Listing, listing.pk)
        run(T, row, state, WithdrawListing(aggregate_id=row.aggregate_id, actor=str(member.pk), now=now), actor=actor)
    return row


def listing_expire(listing: Listing, *, now=None) -> Listing:
    """The scheduler closes a listing at its expiry."""
    now = now_or(now)
    with transaction.atomic():
        row, state = load(T, Listing, listing.pk)
        run(T, row, state, ExpireListing(aggregate_id=row.aggregate_id, actor="system", now=now))
    return row


def listings_expire_due(now=None) -> int:
    """Beat: close every open listing past its expiry (receipts unlocked, deposits released)."""
    now = now_or(now)
    expired = 0
    for pk in Listing.objects.filter(status="open", expires_at__lte=now).values_list("pk", flat=True):
        try:
            listing_expire(Listing(pk=pk), now=now)
            expired += 1
        except DomainError as exc:
            if exc.code not in (Code.NOT_OPEN.value, Code.NOT_ENDED.value):
                raise
    return expired
