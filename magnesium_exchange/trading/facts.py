"""The facts the engine's commands need, read from the other apps: available funds, unencumbered
receipt tonnes, exposure headroom, credit-matching exclusions (both directions), reference price.
Each comes through the selectors of the app that owns its tables (members, settlement, warehouses,
market data); the bid's facts are one statement that trading composes from members' and settlement's
SQL (`member_facts_sql`, `member_open_exposure_sql`) and its own journal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from magnesium_exchange.marketdata.selectors import reference_price_for
from magnesium_exchange.members.models import Member, MemberStatus
from magnesium_exchange.members.selectors import member_balances, member_excluded_counterparties, member_facts_sql
from magnesium_exchange.trading import hooks
from magnesium_exchange.trading.models import Auction, JournalEntry
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus


def available_funds(member: Member) -> Decimal:
    return member_balances(member).available.amount


def excluded_counterparties(member: Member) -> frozenset[str]:
    """Members this one may not deal with (both directions of credit matching), as engine ids."""
    return frozenset(str(pk) for pk in member_excluded_counterparties(member))


@dataclass(frozen=True)
class BidFacts:
    """What a bid reads before its auction's row lock: the bidder's facts, the auction's unchanging kind
    and creation time, and the auction's journal after the version this process already holds."""

    active: bool
    value_room: Decimal  # exposure headroom, CNY
    tonnes_room: Decimal
    excluded: frozenset[str]
    auction_kind: str | None = None
    auction_created_at: object = None
    journal: tuple[str, ...] = ()  # JSON payloads, in seq order


def bid_facts(member: Member, auction_pk: int | None = None, journal_after: int = 0) -> BidFacts | None:
    """In one statement (seven queries before: a bid pays for each one): the bidder's status, exposure
    headroom (open, unsettled contracts against its caps, as `exposure_headroom`) and credit-matching
    exclusions; the auction's kind and creation time; its journal after `journal_after` (committed events
    are final, so this needs no lock). None if the member does not exist."""
    quote = connection.ops.quote_name
    member_sql, member_params = member_facts_sql(member.pk)
    exposure_sql, exposure_params = hooks.open_exposure_sql.first("f.id")
    journal = quote(JournalEntry._meta.db_table)
    sql = (
        f"SELECT f.status, f.exposure_cap - COALESCE(x.value, 0), f.exposure_cap_tonnes - COALESCE(x.tonnes, 0), "
        f"f.excluded, a.kind, a.created_at, ARRAY(SELECT j.payload::text FROM {journal} j "
        f"WHERE j.aggregate_type = %(type)s AND j.aggregate_pk = a.id AND j.seq > %(after)s ORDER BY j.seq) "
        f"FROM ({member_sql}) f LEFT JOIN LATERAL ({exposure_sql}) x ON TRUE "
        f"LEFT JOIN {quote(Auction._meta.db_table)} a ON a.id = %(auction)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {**member_params, **exposure_params, "auction": auction_pk, "type": "auction", "after": journal_after}
        )
        row = cursor.fetchone()
    if row is None:
        return None
    status, value_room, tonnes_room, excluded, kind, created_at, journal = row
    return BidFacts(
        status == MemberStatus.ACTIVE,
        value_room,
        tonnes_room,
        frozenset(str(pk) for pk in excluded),
        kind,
        created_at,
        tuple(journal),
    )


def exposure_headroom(member: Member) -> tuple[Decimal, Decimal]:
    """(CNY, tonnes) the member may still add to its open, unsettled contracts under its caps."""
    value, tonnes = hooks.open_exposure.first(member)
    return member.exposure_cap - value, member.exposure_cap_tonnes - tonnes


def deal_headroom(member: Member, counterparty: Member) -> tuple[Decimal, Decimal]:
    """The room a deal between the two has under both members' caps (picks and accepted quotes, where
    the counterparty is known when the trade forms)."""
    mine, theirs = exposure_headroom(member), exposure_headroom(counterparty)
    return min(mine[0], theirs[0]), min(mine[1], theirs[1])


def reference_price(grade, fallback: Decimal | None) -> Decimal | None:
    """Market data's reference price of the grade today, else the configured one given on open."""
    value = reference_price_for(grade, timezone.localdate())
    return fallback if value is None else value


def receipts_quantity(receipts) -> Decimal:
    return sum((r.quantity for r in receipts), Decimal("0"))


def unencumbered_receipts(member: Member, grade, now) -> list:
    """The member's active receipts of the grade out of their resale lock, oldest first."""
    return list(
        Receipt.objects.filter(holder=member, grade=grade, status=ReceiptStatus.ACTIVE)
        .filter(Q(lock_until__isnull=True) | Q(lock_until__lte=now))
        .order_by("id")
    )
