"""The facts the engine's commands need, read from the other apps: available funds, unencumbered
receipt tonnes, exposure headroom, credit-matching exclusions (both directions), reference price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from magnesium_exchange.members.models import (
    CounterpartyRule,
    CounterpartyRuleKind,
    CreditMatchingMode,
    Member,
    MemberStatus,
)
from magnesium_exchange.marketdata.selectors import reference_price_for
from magnesium_exchange.members.selectors import member_balances


def available_funds(member: Member) -> Decimal:
    return member_balances(member).available.amount


def _tables() -> dict[str, str]:
    from magnesium_exchange.settlement.models import Settlement
    from magnesium_exchange.trading.models import Trade

    quote = connection.ops.quote_name
    return {"member": quote(Member._meta.db_table), "rule": quote(CounterpartyRule._meta.db_table),
            "settlement": quote(Settlement._meta.db_table), "trade": quote(Trade._meta.db_table)}


# The members `m` may not deal with: those it denies or (allow-list mode) has not allowed, and those that
# deny it or run an allow list without it. One rule, used by excluded_counterparties and bidder_facts.
_EXCLUDED = """ARRAY(
    SELECT r.counterparty_id FROM {rule} r WHERE r.member_id = m.id AND r.kind = %(deny)s
    UNION SELECT r.member_id FROM {rule} r WHERE r.counterparty_id = m.id AND r.kind = %(deny)s
    UNION SELECT o.id FROM {member} o WHERE m.credit_matching_mode = %(allow_list)s AND o.id <> m.id
        AND NOT EXISTS (SELECT 1 FROM {rule} r WHERE r.member_id = m.id AND r.counterparty_id = o.id AND r.kind = %(allow)s)
    UNION SELECT o.id FROM {member} o WHERE o.credit_matching_mode = %(allow_list)s AND o.id <> m.id
        AND NOT EXISTS (SELECT 1 FROM {rule} r WHERE r.member_id = o.id AND r.counterparty_id = m.id AND r.kind = %(allow)s))"""

_KINDS = {"deny": CounterpartyRuleKind.DENY.value, "allow": CounterpartyRuleKind.ALLOW.value,
          "allow_list": CreditMatchingMode.ALLOW_LIST.value}


def excluded_counterparties(member: Member) -> frozenset[str]:
    """Members this one may not deal with (both directions of credit matching), as engine ids."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_EXCLUDED} FROM {{member}} m WHERE m.id = %(member)s".format(**_tables()),
                       {**_KINDS, "member": member.pk})
        row = cursor.fetchone()
    return frozenset(str(pk) for pk in (row[0] if row else ()))


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
    from magnesium_exchange.trading.models import Auction, JournalEntry

    quote = connection.ops.quote_name
    sql = ("SELECT m.status, m.exposure_cap - COALESCE(x.value, 0), m.exposure_cap_tonnes - COALESCE(x.tonnes, 0), "
           f"{_EXCLUDED}, a.kind, a.created_at, ARRAY(SELECT j.payload::text FROM {{journal}} j WHERE "
           "j.aggregate_type = %(type)s AND j.aggregate_pk = a.id AND j.seq > %(after)s ORDER BY j.seq) "
           "FROM {member} m LEFT JOIN LATERAL (SELECT SUM(t.value) AS value, SUM(t.quantity) AS tonnes "
           "FROM {settlement} s JOIN {trade} t ON t.id = s.trade_id WHERE s.status = %(pending)s "
           "AND (s.buyer_id = m.id OR s.seller_id = m.id)) x ON TRUE LEFT JOIN {auction} a ON a.id = %(auction)s "
           "WHERE m.id = %(member)s").format(auction=quote(Auction._meta.db_table),
                                             journal=quote(JournalEntry._meta.db_table), **_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, {**_KINDS, "pending": _pending(), "member": member.pk, "auction": auction_pk,
                             "type": "auction", "after": journal_after})
        row = cursor.fetchone()
    if row is None:
        return None
    status, value_room, tonnes_room, excluded, kind, created_at, journal = row
    return BidFacts(status == MemberStatus.ACTIVE, value_room, tonnes_room, frozenset(str(pk) for pk in excluded),
                    kind, created_at, tuple(journal))


def _pending() -> str:
    from magnesium_exchange.settlement.models import SettlementStatus

    return SettlementStatus.PENDING.value


def exposure_headroom(member: Member) -> tuple[Decimal, Decimal]:
    """(CNY, tonnes) the member may still add to its open, unsettled contracts under its caps."""
    from magnesium_exchange.settlement.selectors import member_open_exposure

    value, tonnes = member_open_exposure(member)
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
    from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus

    return list(Receipt.objects.filter(holder=member, grade=grade, status=ReceiptStatus.ACTIVE)
                .filter(Q(lock_until__isnull=True) | Q(lock_until__lte=now)).order_by("id"))
