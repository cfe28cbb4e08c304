"""Reads of settlements: a member's open exposure, a member's settlements, what is due."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum

from magnesium_exchange.settlement.models import Settlement, SettlementStatus
from magnesium_exchange.trading.models import Trade


def member_open_exposure(member) -> tuple[Decimal, Decimal]:
    """(value, tonnes) of the member's trades, as buyer or seller, still awaiting settlement."""
    totals = (
        Settlement.objects.filter(status=SettlementStatus.PENDING)
        .filter(Q(buyer=member) | Q(seller=member))
        .aggregate(value=Sum("trade__value"), tonnes=Sum("trade__quantity"))
    )
    return totals["value"] or Decimal("0"), totals["tonnes"] or Decimal("0")


def settlement_list_for_member(member, *, with_contract: bool = False):
    """The member's settlements (as buyer or seller), newest first, with trade, grade and parties joined (and
    the trade's contract, when asked)."""
    qs = (
        Settlement.objects.filter(Q(buyer=member) | Q(seller=member))
        .select_related("trade", "trade__grade", "buyer", "seller")
        .order_by("-id")
    )
    return qs.select_related("trade__contract") if with_contract else qs


def settlements_due(now):
    return Settlement.objects.filter(status=SettlementStatus.PENDING, due_at__lte=now).order_by("due_at", "id")


def member_open_exposure_sql(member_id_sql: str) -> tuple[str, dict]:
    """`member_open_exposure` as a query of one row (`value`, `tonnes`: NULL without any) for the
    member whose id is the SQL expression `member_id_sql` (a column of the caller's statement, e.g. a
    LATERAL join's), with its named parameters (`pending`): for trading.facts.bid_facts, which reads
    it with the bidder's other facts in one statement."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT SUM(t.value) AS value, SUM(t.quantity) AS tonnes FROM {quote(Settlement._meta.db_table)} s "
        f"JOIN {quote(Trade._meta.db_table)} t ON t.id = s.trade_id WHERE s.status = %(pending)s "
        f"AND (s.buyer_id = {member_id_sql} OR s.seller_id = {member_id_sql})"
    )
    return sql, {"pending": SettlementStatus.PENDING.value}
