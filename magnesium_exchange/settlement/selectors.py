"""Reads of settlements: a member's open exposure, a member's settlements, what is due."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from magnesium_exchange.settlement.models import Settlement, SettlementStatus


def member_open_exposure(member) -> tuple[Decimal, Decimal]:
    """(value, tonnes) of the member's trades, as buyer or seller, still awaiting settlement."""
    totals = (Settlement.objects.filter(status=SettlementStatus.PENDING).filter(Q(buyer=member) | Q(seller=member))
              .aggregate(value=Sum("trade__value"), tonnes=Sum("trade__quantity")))
    return totals["value"] or Decimal("0"), totals["tonnes"] or Decimal("0")


def settlement_list_for_member(member, *, with_contract: bool = False):
    """The member's settlements (as buyer or seller), newest first, with trade, grade and parties joined (and
    the trade's contract, when asked)."""
    qs = (Settlement.objects.filter(Q(buyer=member) | Q(seller=member))
          .select_related("trade", "trade__grade", "buyer", "seller").order_by("-id"))
    return qs.select_related("trade__contract") if with_contract else qs


def settlements_due(now):
    return Settlement.objects.filter(status=SettlementStatus.PENDING, due_at__lte=now).order_by("due_at", "id")
