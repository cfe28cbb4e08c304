"""Reads of trading: listings board, auctions, RFQs, a member's trades, a trade's receipts."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.commodities.search import GRADES
from magnesium_exchange.trading.models import (
    AggregateType,
    Auction,
    AuctionStatus,
    Contract,
    JournalEntry,
    Listing,
    ListingStatus,
    LotReceipt,
    Rfq,
    Side,
    Trade,
)
from meidu.core.search.analysis import parse_query
from meidu.core.search.backend import search_backend
from meidu.core.search.spec import FILL, RANK


def trade_receipts(trade: Trade) -> list:
    """The receipts sold by a trade (already split to its tonnes)."""
    return [row.receipt for row in LotReceipt.objects.filter(trade=trade, superseded=False).select_related("receipt")]


def listing_list(*, grade=None, status: str | None = None, side: str | None = None):
    qs = Listing.objects.select_related("grade", "owner")
    if grade is not None:
        qs = qs.filter(grade=grade)
    if status:
        qs = qs.filter(status=status)
    if side:
        qs = qs.filter(side=side)
    return qs.order_by("-id")


def auction_status_now(auction: Auction, now=None) -> str:
    """What an auction is at ``now``: open only before its (possibly extended) end. Past it, it reads
    closed to everyone at once, whether or not the close task has cleared it yet (bids are refused by
    the engine by the same clock)."""
    if auction.status == AuctionStatus.OPEN and auction.ends_at <= (now or timezone.now()):
        return AuctionStatus.CLOSED.value
    return auction.status


def auction_is_due(auction: Auction, now=None) -> bool:
    """Past its end but not cleared yet: the close task (or a reader) should clear it."""
    return auction.status == AuctionStatus.OPEN and auction.ends_at <= (now or timezone.now())


def auction_list(*, status: str | None = None, now=None):
    """Auctions by their status at ``now`` (see `auction_status_now`): "open" leaves out those past
    their end, "closed" includes them."""
    qs = Auction.objects.select_related("grade", "initiator")
    now = now or timezone.now()
    if status == AuctionStatus.OPEN:
        return qs.filter(status=AuctionStatus.OPEN, ends_at__gt=now)
    if status == AuctionStatus.CLOSED:
        return qs.filter(Q(status=AuctionStatus.CLOSED) | Q(status=AuctionStatus.OPEN, ends_at__lte=now))
    return qs.filter(status=status) if status else qs


def rfq_list(*, status: str | None = None):
    qs = Rfq.objects.select_related("grade", "requester")
    return qs.filter(status=status) if status else qs


def trade_list_for_member(member):
    return (
        Trade.objects.filter(Q(buyer=member) | Q(seller=member))
        .select_related("grade", "buyer", "seller", "contract")
        .order_by("-id")
    )


def auction_bid_list_for_member(auction: Auction, member, now=None) -> list[dict]:
    """The member's current bid per lot, read from trading's journal (the pages never parse it):
    {lot_id, price, quantity, standing} sorted by lot, standing one of leading (live, inside the
    lot), outbid, and once closed won, lost or cancelled. Two indexed reads of this auction's
    entries, and one of its trades once closed."""
    status = auction_status_now(auction, now)
    entries = JournalEntry.objects.filter(aggregate_type=AggregateType.AUCTION, aggregate_pk=auction.pk)
    latest: dict[str, dict] = {}
    for payload in (
        entries.filter(event_type="BidPlaced", payload__bidder=str(member.pk))
        .order_by("seq")
        .values_list("payload", flat=True)
    ):
        latest[str(payload["lot_id"])] = payload
    if not latest:
        return []
    outbid = set(
        entries.filter(event_type="BidOutbid", payload__bid_no__in=[p["bid_no"] for p in latest.values()]).values_list(
            "payload__bid_no", flat=True
        )
    )
    side = {"buyer": member} if auction.kind == "sale" else {"seller": member}  # a procurement's bidders sell
    won = (
        status == AuctionStatus.CLOSED
        and Trade.objects.filter(aggregate_type=AggregateType.AUCTION, aggregate_pk=auction.pk, **side).exists()
    )
    rows = []
    for lot_id, bid in sorted(latest.items()):
        if bid["bid_no"] in outbid:
            standing = "outbid"
        elif status == AuctionStatus.OPEN:
            standing = "leading"
        elif status == AuctionStatus.CLOSED:
            standing = "won" if won else "lost"
        else:
            standing = "cancelled"
        rows.append(
            {
                "lot_id": lot_id,
                "price": str(Decimal(str(bid["price"]))),
                "quantity": str(Decimal(str(bid["quantity"]))),
                "standing": standing,
            }
        )
    return rows


def contract_get_by_number(number: str) -> Contract | None:
    """A trade's contract with its trade joined (whose parties may download it)."""
    return Contract.objects.select_related("trade").filter(number=number).first()


def listing_search(
    text: str = "",
    *,
    side: str = Side.SELL,
    mgo_min=None,
    sio2_max=None,
    warehouse_code: str = "",
    price_max=None,
):
    """Open listings a trader looks for: words matched on the grade's index (commodity, grade,
    standard; 电熔镁砂, 97, fused magnesia), the grade's guaranteed spec (MgO ≥ ``mgo_min`` %, SiO2 ≤
    ``sio2_max`` %), receipts locked in warehouse ``warehouse_code``, a price cap. Best matching grade
    first, then the higher grade, then the cheaper price."""
    qs = Listing.objects.select_related("grade__commodity", "owner").filter(status=ListingStatus.OPEN, side=side)
    if mgo_min is not None:
        qs = qs.filter(grade__mgo_min__gte=mgo_min)
    if sio2_max is not None:
        qs = qs.filter(grade__sio2_max__isnull=False, grade__sio2_max__lte=sio2_max)
    if price_max is not None:
        qs = qs.filter(price__lte=price_max)
    if warehouse_code:
        in_warehouse = LotReceipt.objects.filter(
            aggregate_type=AggregateType.LISTING,
            aggregate_pk=OuterRef("pk"),
            released=False,
            superseded=False,
            receipt__warehouse__code=warehouse_code.upper(),
        )
        qs = qs.filter(Exists(in_warehouse))
    query = parse_query(text)
    if query.empty:
        return qs.order_by("grade__commodity_id", "-grade__rank", "price", "id")
    grades = search_backend().narrow(GRADES, Grade.objects.all(), query)
    if not grades.exists():
        grades = search_backend().narrow(GRADES, Grade.objects.all(), query, level=FILL)
    ranks = grades.values(RANK)
    qs = qs.filter(grade__in=grades.values("pk")).annotate(
        grade_match=Subquery(ranks.filter(pk=OuterRef("grade_id"))[:1])
    )
    return qs.order_by("-grade_match", "-grade__rank", "price", "id")
