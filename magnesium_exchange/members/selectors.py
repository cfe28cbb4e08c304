"""Reads: who trades for whom, whether two members may deal, funds balances from postings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from magnesium_exchange.members.accounts import CURRENCY, available_code, frozen_code
from magnesium_exchange.members.models import (
    CounterpartyRule,
    CounterpartyRuleKind,
    CreditMatchingMode,
    FundsHold,
    FundsRequest,
    Member,
    MemberStatus,
    Trader,
)
from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.selectors import ledger_balances
from meidu.core.money import Money
from meidu.core.queries import one_or_none


@dataclass(frozen=True)
class FundsBalances:
    """What a member may spend (`available`: the ledger's available less the auction holds) and what it may
    not (`frozen`: the ledger's frozen funds plus the holds); `held` is the part of `frozen` that live
    auction bids hold (services.holds), not yet a ledger freeze."""

    available: Money
    frozen: Money
    held: Money = Money.zero(CURRENCY)

    @property
    def total(self) -> Money:
        return self.available + self.frozen


def trader_for_user(user) -> Trader | None:
    """The active trader record of ``user`` (of an active member or not), or None."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return None
    return one_or_none(Trader.objects.select_related("member").filter(user=user, is_active=True))  # one per user


def member_balances(member: Member) -> FundsBalances:
    """Available and frozen funds, summed from ledger postings and auction holds (three queries)."""
    return members_balances([member])[member.pk]


def members_balances(members: list[Member]) -> dict[int, FundsBalances]:
    codes = {}
    for member in members:
        codes[available_code(member.pk)] = (member.pk, "available")
        codes[frozen_code(member.pk)] = (member.pk, "frozen")
    accounts = list(LedgerAccount.objects.filter(code__in=codes))
    totals = ledger_balances(accounts) if accounts else {}
    result = {member.pk: {"available": Money.zero(CURRENCY), "frozen": Money.zero(CURRENCY)} for member in members}
    for account in accounts:
        member_id, kind = codes[account.code]
        result[member_id][kind] = totals[account.pk]
    for member_id, amount in funds_held(result).items():
        held = Money(amount, CURRENCY)
        values = result[member_id]
        values.update(available=values["available"] - held, frozen=values["frozen"] + held, held=held)
    return {member_id: FundsBalances(**values) for member_id, values in result.items()}


def funds_held(member_ids) -> dict[int, Decimal]:
    """Each member's funds held by live auction bids (zero when none): one query."""
    totals = {member_id: Decimal("0.00") for member_id in member_ids}
    if totals:
        rows = (
            FundsHold.objects.filter(member_id__in=list(totals))
            .values("member_id")
            .annotate(total=Sum("amount"))
            .values_list("member_id", "total")
        )
        totals.update(rows)
    return totals


def _accepts(member: Member, other: Member, rules: dict[tuple[int, int], str]) -> bool:
    rule = rules.get((member.pk, other.pk))
    if rule == CounterpartyRuleKind.DENY:
        return False
    if member.credit_matching_mode == CreditMatchingMode.ALLOW_LIST:
        return rule == CounterpartyRuleKind.ALLOW
    return True


def members_can_deal(first: Member, second: Member) -> bool:
    """Credit matching: a deal forms only when each member accepts the other (and they differ)."""
    if first.pk == second.pk:
        return False
    rules = {
        (rule.member_id, rule.counterparty_id): rule.kind
        for rule in CounterpartyRule.objects.filter(member__in=[first, second], counterparty__in=[first, second])
    }
    return _accepts(first, second, rules) and _accepts(second, first, rules)


# Credit matching in SQL, for the trading facts that read it with other facts in one statement. The
# members `m` may not deal with: those it denies or (allow-list mode) has not allowed, and those that
# deny it or run an allow list without it (the rule of `members_can_deal`, for every counterparty).
_EXCLUDED = """ARRAY(
    SELECT r.counterparty_id FROM {rule} r WHERE r.member_id = m.id AND r.kind = %(deny)s
    UNION SELECT r.member_id FROM {rule} r WHERE r.counterparty_id = m.id AND r.kind = %(deny)s
    UNION SELECT o.id FROM {member} o WHERE m.credit_matching_mode = %(allow_list)s AND o.id <> m.id
        AND NOT EXISTS (SELECT 1 FROM {rule} r
                        WHERE r.member_id = m.id AND r.counterparty_id = o.id AND r.kind = %(allow)s)
    UNION SELECT o.id FROM {member} o WHERE o.credit_matching_mode = %(allow_list)s AND o.id <> m.id
        AND NOT EXISTS (SELECT 1 FROM {rule} r
                        WHERE r.member_id = o.id AND r.counterparty_id = m.id AND r.kind = %(allow)s))"""


def member_facts_sql(member_id: int) -> tuple[str, dict]:
    """A query of one row (or none: no such member) with the member's `id`, `status`, `exposure_cap`,
    `exposure_cap_tonnes` and `excluded` (the ids of the members it may not deal with, both directions
    of credit matching), and its named parameters (`member`, `deny`, `allow`, `allow_list`), for a
    statement that reads them with other facts (trading.facts.bid_facts)."""
    quote = connection.ops.quote_name
    tables = {"member": quote(Member._meta.db_table), "rule": quote(CounterpartyRule._meta.db_table)}
    sql = (
        f"SELECT m.id, m.status, m.exposure_cap, m.exposure_cap_tonnes, {_EXCLUDED.format(**tables)} AS excluded "
        f"FROM {tables['member']} m WHERE m.id = %(member)s"
    )
    return sql, {
        "deny": CounterpartyRuleKind.DENY.value,
        "allow": CounterpartyRuleKind.ALLOW.value,
        "allow_list": CreditMatchingMode.ALLOW_LIST.value,
        "member": member_id,
    }


def member_excluded_counterparties(member: Member) -> frozenset[int]:
    """The ids of the members this one may not deal with (both directions of credit matching)."""
    sql, params = member_facts_sql(member.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT f.excluded FROM ({sql}) f", params)
        row = cursor.fetchone()
    return frozenset(row[0] if row else ())


def member_list_active():
    """Active members by name (the warehouse desk's depositor choice)."""
    return Member.objects.filter(status=MemberStatus.ACTIVE).order_by("name")


def member_name_list(member_ids) -> dict[int, str]:
    """{member id: name} of these members, in one query."""
    return dict(Member.objects.filter(pk__in=list(member_ids)).values_list("pk", "name"))


def funds_request_list_for_member(member: Member):
    """The member's deposit and withdrawal requests, newest first."""
    return FundsRequest.objects.filter(member=member).order_by("-id")
