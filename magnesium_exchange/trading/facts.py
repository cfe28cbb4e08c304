"""The facts the engine's commands need, read from the other apps: available funds, unencumbered
receipt tonnes, exposure headroom, credit-matching exclusions (both directions), reference price."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from magnesium_exchange.members.models import CounterpartyRule, CounterpartyRuleKind, CreditMatchingMode, Member
from magnesium_exchange.members.selectors import member_balances


def available_funds(member: Member) -> Decimal:
    return member_balances(member).available.amount


def excluded_counterparties(member: Member) -> frozenset[str]:
    """Members this one may not deal with: those it denies or (allow-list mode) has not allowed, and
    those that deny it or run an allow list without it."""
    excluded, allowed_by_me, allowed_me = set(), set(), set()
    for owner, counterparty, kind in CounterpartyRule.objects.filter(
            Q(member=member) | Q(counterparty=member)).values_list("member_id", "counterparty_id", "kind"):
        if owner == member.pk:
            (excluded if kind == CounterpartyRuleKind.DENY else allowed_by_me).add(counterparty)
        else:
            (excluded if kind == CounterpartyRuleKind.DENY else allowed_me).add(owner)
    others = Member.objects.exclude(pk=member.pk)
    if member.credit_matching_mode == CreditMatchingMode.ALLOW_LIST:
        excluded |= set(others.exclude(pk__in=allowed_by_me).values_list("pk", flat=True))
    excluded |= set(others.filter(credit_matching_mode=CreditMatchingMode.ALLOW_LIST)
                    .exclude(pk__in=allowed_me).values_list("pk", flat=True))
    return frozenset(str(pk) for pk in excluded)


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
    try:
        from magnesium_exchange.marketdata.services import reference_price_for
    except ImportError:  # market data is built beside this app; until then the configured reference rules
        reference_price_for = None
    if reference_price_for is not None:
        value = reference_price_for(grade, timezone.localdate())
        if value is not None:
            return value
    return fallback


def receipts_quantity(receipts) -> Decimal:
    return sum((r.quantity for r in receipts), Decimal("0"))




def unencumbered_receipts(member: Member, grade, now) -> list:
    """The member's active receipts of the grade out of their resale lock, oldest first."""
    from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus

    return list(Receipt.objects.filter(holder=member, grade=grade, status=ReceiptStatus.ACTIVE)
                .filter(Q(lock_until__isnull=True) | Q(lock_until__lte=now)).order_by("id"))
