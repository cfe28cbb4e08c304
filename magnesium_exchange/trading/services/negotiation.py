"""Negotiated deals (协议交易): a request for quote, quotes (a member re-quotes to counter), the
requester accepts one. A selling requester's receipts are locked at open and buyers quote with a frozen
deposit; a buying requester freezes its deposit on acceptance and the quoting seller's unencumbered
receipts of the grade are locked then (oldest first, the tonnes beyond the deal unlocked again).
Lock order: see services.common (the RFQ row first)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from magnesium_exchange.engine import AcceptQuote, CancelRfq, ExpireRfq, OpenRfq, Side, SubmitQuote, to_ms
from magnesium_exchange.members.models import Member
from magnesium_exchange.trading.config import market_rules
from magnesium_exchange.trading.error_codes import ExchangeTradingErrorCode as Code
from magnesium_exchange.trading.facts import (
    available_funds,
    deal_headroom,
    excluded_counterparties,
    exposure_headroom,
    receipts_quantity,
    reference_price,
    unencumbered_receipts,
)
from magnesium_exchange.trading.models import AggregateType, Rfq, Trade
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
from magnesium_exchange.trading.sessions import RFQ, session_require
from meidu.core.errors import DomainError

T = AggregateType.RFQ


def rfq_open(
    *,
    member,
    grade,
    side: str,
    expires_at,
    quantity=None,
    receipts=(),
    invited=(),
    reference_price_fallback=None,
    actor=None,
    now=None,
) -> Rfq:
    now = now_or(now)
    quantity = tonnes_input(quantity)
    session_require(RFQ, now)
    member = member_require_active(member)
    if side not in {s.value for s in Side}:
        raise DomainError(_("side is sell or buy"), Code.INVALID, field="side")
    engine_side = Side(side)
    with transaction.atomic():
        reference = reference_price(grade, reference_price_fallback)
        row = Rfq.objects.create(
            side=side,
            requester=member,
            grade=grade,
            quantity=0,
            remaining=0,
            reference_price=reference,
            expires_at=expires_at,
        )
        held = None
        if engine_side is Side.SELL:
            if not receipts:
                raise DomainError(_("A selling request needs receipts"), Code.REQUIRED, field="receipts")
            held = receipts_lock(T, row, member, receipts, actor=actor)
            quantity = held
        elif quantity is None:
            raise DomainError(_("A buying request needs a quantity"), Code.REQUIRED, field="quantity")
        command = OpenRfq(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            side=engine_side,
            grade=grade.code,
            quantity=quantity,
            expires_at=to_ms(expires_at),
            reference_price=reference,
            rules=market_rules(grade),
            invited=frozenset(str(m.pk) for m in invited),
            receipt_ids=tuple(r.number for r in receipts),
            available_quantity=held,
            excluded_counterparties=excluded_counterparties(member),
        )
        run(T, row, None, command, actor=actor)
    return row


def quote_submit(rfq: Rfq, *, member, price, quantity, actor=None, now=None) -> Rfq:
    """Quote (or re-quote) on a request: a buyer's quote freezes its deposit, a seller's is backed by
    its unencumbered receipts of the grade."""
    now = now_or(now)
    price, quantity = price_input(price), tonnes_input(quantity)
    session_require(RFQ, now)
    member = member_require_active(member)
    with transaction.atomic():
        row, state = load(T, Rfq, rfq.pk)
        value_room, _tonnes = exposure_headroom(member)
        selling_request = row.side == Side.SELL.value
        command = SubmitQuote(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            price=price,
            quantity=quantity,
            reference_price=reference_price(row.grade, row.reference_price),
            available_funds=available_funds(member) if selling_request else None,
            available_quantity=None
            if selling_request
            else receipts_quantity(unencumbered_receipts(member, row.grade, now)),
            excluded_counterparties=excluded_counterparties(member),
            exposure_headroom=value_room,
        )
        run(T, row, state, command, actor=actor)
    return row


def quote_accept(rfq: Rfq, *, member, quote_id: int, quantity=None, actor=None, now=None) -> Trade:
    now = now_or(now)
    quantity = tonnes_input(quantity)
    session_require(RFQ, now)
    member = member_require_active(member)
    with transaction.atomic():
        row, state = load(T, Rfq, rfq.pk)
        if state is None or int(quote_id) not in state.quotes:
            raise DomainError(_("No such quote"), Code.NOT_FOUND, field="quoteId")
        quoter = Member.objects.get(pk=int(state.quotes[int(quote_id)].quoter))
        value_room, _tonnes = deal_headroom(member, quoter)  # both sides' caps
        funds = seller_held = None
        if row.side == Side.BUY.value:
            funds = available_funds(member)
            receipts = unencumbered_receipts(quoter, row.grade, now)
            seller_held = receipts_quantity(receipts)
            if receipts and quoter.pk != member.pk:
                receipts_lock(T, row, quoter, receipts, actor=actor)
        command = AcceptQuote(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            quote_id=int(quote_id),
            quantity=quantity,
            reference_price=reference_price(row.grade, row.reference_price),
            available_funds=funds,
            seller_available_quantity=seller_held,
            excluded_counterparties=excluded_counterparties(member),
            exposure_headroom=value_room,
        )
        _events, trades = run(T, row, state, command, actor=actor)
        if row.side == Side.BUY.value:
            receipts_release(T, row.pk, actor=actor)
    return trades[0]


def rfq_cancel(rfq: Rfq, *, member, actor=None, now=None) -> Rfq:
    now = now_or(now)
    with transaction.atomic():
        row, state = load(T, Rfq, rfq.pk)
        run(T, row, state, CancelRfq(aggregate_id=row.aggregate_id, actor=str(member.pk), now=now), actor=actor)
    return row


def rfqs_expire_due(now=None) -> int:
    """Beat: close every open request for quote past its expiry (quotes' deposits released)."""
    now = now_or(now)
    expired = 0
    for pk in Rfq.objects.filter(status="open", expires_at__lte=now).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                row, state = load(T, Rfq, pk)
                run(T, row, state, ExpireRfq(aggregate_id=row.aggregate_id, actor="system", now=now))
            expired += 1
        except DomainError as exc:
            if exc.code not in (Code.NOT_OPEN.value, Code.NOT_ENDED.value):
                raise
    return expired
