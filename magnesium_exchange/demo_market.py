"""The demo's live market: what a visitor finds when the demo starts, whatever the day.

Open sell listings of several grades and a wanted listing, a sale auction running for two days and
one ending within the hour (with a bid, so it clears into a trade while the visitor watches), a
request for quote waiting for sellers' quotes, and the demo trader's own history: a trade bought and
settled, one bought and awaiting payment, one sold from its own listing. A second trader of another
member (SECOND_TRADER_PHONE, printed by `meidu demo`) can take the other side of the demo trader's
orders. Every step goes through the trading and settlement services.

"Ensure" semantics: each piece is created only when missing (a running auction, one ending soon, an
open RFQ...), so a second run on a live market writes nothing and a run days later tops it up. It
needs the demo's every-day sessions (trading.sessions): on a market with real hours it does nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.demo_firms import MEMBERS, demo_credit_code
from magnesium_exchange.marketdata.services import daily_bars_build
from magnesium_exchange.members.models import Member
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.settlement.services import settlement_pay
from magnesium_exchange.trading.facts import reference_price, unencumbered_receipts
from magnesium_exchange.trading.models import Auction, AuctionStatus, Listing, ListingStatus, Rfq, Trade
from magnesium_exchange.trading.services import auction_bid, auction_open, listing_open, listing_pick, rfq_open
from magnesium_exchange.trading.sessions import every_day
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.services import user_roles_set

# The second trader: 孙立军's firm (member 2); the demo trader (+8613800000007) trades for member 1.
SECOND_TRADER_PHONE = "+8613800001102"
FALLBACK = {
    "fm-98": Decimal("4300"),
    "fm-97": Decimal("3800"),
    "db-95": Decimal("2300"),
    "db-90": Decimal("1400"),
    "lb-90": Decimal("1150"),
    "lb-85": Decimal("900"),
    "ore-47": Decimal("520"),
}

# (member serial, grade) of the open sell listings other members keep on the board
SELL_LISTINGS = [(2, "fm-97"), (3, "db-95"), (4, "db-90"), (8, "lb-85")]


def _members() -> dict[int, Member]:
    return {serial: Member.objects.get(credit_code=demo_credit_code(serial)) for serial in range(1, len(MEMBERS) + 1)}


def _price(grade: Grade, ticks_below: int = 0) -> Decimal:
    """Today's reference price (the middle of the band; else the demo's base price) on the grade's
    tick, `ticks_below` ticks lower."""
    tick = grade.commodity.price_tick
    return ((reference_price(grade, FALLBACK[grade.code]) / tick).quantize(Decimal(1)) - ticks_below) * tick


def _free_receipt(member: Member, grade: Grade, now):
    receipts = unencumbered_receipts(member, grade, now)
    return receipts[-1] if receipts else None


def _grade(code: str) -> Grade:
    return Grade.objects.select_related("commodity").get(code=code)


def _open_sell(member: Member, grade: Grade, now) -> int:
    if Listing.objects.filter(owner=member, grade=grade, side="sell", status=ListingStatus.OPEN).exists():
        return 0
    receipt = _free_receipt(member, grade, now)
    if receipt is None:
        return 0
    listing_open(
        member=member,
        grade=grade,
        price=_price(grade),
        receipts=[receipt],
        min_pick="10",
        step="10",
        reference_price_fallback=FALLBACK[grade.code],
        now=now,
    )
    return 1


def _history(members: dict[int, Member], now) -> int:
    """The demo trader's trades: bought 100 t three days ago (settled), 50 t yesterday (payment due),
    and sold 200 t of its own listing to the second trader's firm two days ago."""
    me, seller, buyer = members[1], members[3], members[2]
    if Trade.objects.filter(Q(buyer=me) | Q(seller=me)).exists():
        return 0
    fm98, fm97 = _grade("fm-98"), _grade("fm-97")
    opened = now - dt.timedelta(days=4)
    theirs = listing_open(
        member=seller,
        grade=fm98,
        price=_price(fm98),
        receipts=[_free_receipt(seller, fm98, opened)],
        min_pick="10",
        step="10",
        reference_price_fallback=FALLBACK["fm-98"],
        now=opened,
    )
    mine = listing_open(
        member=me,
        grade=fm97,
        price=_price(fm97),
        receipts=[_free_receipt(me, fm97, opened)],
        min_pick="10",
        step="10",
        reference_price_fallback=FALLBACK["fm-97"],
        now=opened,
    )
    settled = listing_pick(theirs, member=me, quantity="100", now=now - dt.timedelta(days=3))
    listing_pick(mine, member=buyer, quantity="200", now=now - dt.timedelta(days=2))
    listing_pick(theirs, member=me, quantity="50", now=now - dt.timedelta(days=1))
    settlement_pay(Settlement.objects.get(trade=settled), member=me, now=now - dt.timedelta(days=2, hours=20))
    for back in (3, 2, 1):  # the past days' bars now include these trades (as the prices step builds them)
        daily_bars_build(timezone.localdate(now) - dt.timedelta(days=back))
    return 3


def _auctions(members: dict[int, Member], now) -> int:
    created = 0
    live = Auction.objects.filter(status=AuctionStatus.OPEN, ends_at__gt=now)
    db90 = _grade("db-90")
    if not live.filter(ends_at__gt=now + dt.timedelta(hours=6)).exists():
        receipt = _free_receipt(members[5], db90, now)
        if receipt is not None:
            auction_open(
                member=members[5],
                grade=db90,
                receipts=[receipt],
                reserve_price=_price(db90, ticks_below=2),
                lot_size="250",
                starts_at=now,
                ends_at=now + dt.timedelta(days=2),
                reference_price_fallback=FALLBACK["db-90"],
                now=now,
            )
            created += 1
    if not live.filter(ends_at__lte=now + dt.timedelta(hours=1)).exists():
        lb85 = _grade("lb-85")
        receipt = _free_receipt(members[6], lb85, now)
        if receipt is not None:
            reserve = _price(lb85, ticks_below=1)
            soon = auction_open(
                member=members[6],
                grade=lb85,
                receipts=[receipt],
                reserve_price=reserve,
                starts_at=now,
                ends_at=now + dt.timedelta(minutes=20),
                reference_price_fallback=FALLBACK["lb-85"],
                now=now,
            )
            auction_bid(soon, member=members[9], price=reserve, quantity=str(receipt.quantity), now=now)
            created += 1
    return created


def _rfq(members: dict[int, Member], now) -> int:
    if Rfq.objects.filter(status=ListingStatus.OPEN, expires_at__gt=now + dt.timedelta(hours=1), quotes=[]).exists():
        return 0
    rfq_open(
        member=members[10],
        grade=_grade("fm-98"),
        side="buy",
        quantity="300",
        expires_at=now + dt.timedelta(days=2),
        reference_price_fallback=FALLBACK["fm-98"],
        now=now,
    )
    return 1


def _wanted(members: dict[int, Member], now) -> int:
    buyer, fm97 = members[7], _grade("fm-97")
    if Listing.objects.filter(owner=buyer, side="buy", status=ListingStatus.OPEN).exists():
        return 0
    listing_open(
        member=buyer,
        grade=fm97,
        side="buy",
        quantity="200",
        price=_price(fm97),
        min_pick="10",
        step="10",
        reference_price_fallback=FALLBACK["fm-97"],
        now=now,
    )
    return 1


def _second_trader() -> int:
    user = User.objects.get(phone=SECOND_TRADER_PHONE)
    wanted = {Role.TRADER.value, Role.BUYER.value}
    if set(user.groups.values_list("name", flat=True)) >= wanted:
        return 0
    user_roles_set(user, sorted(wanted))
    return 1


def seed_exchange_live_market(now=None) -> int:
    """Open listings, a wanted listing, a running auction and one ending soon, an RFQ waiting for
    quotes, the demo trader's past trades; only what is missing. Nothing on a market with real hours."""
    if not every_day():
        return 0
    now = now or timezone.now()
    members = _members()
    written = _second_trader() + _history(members, now)
    for serial, code in SELL_LISTINGS:
        written += _open_sell(members[serial], _grade(code), now)
    return written + _wanted(members, now) + _auctions(members, now) + _rfq(members, now)
