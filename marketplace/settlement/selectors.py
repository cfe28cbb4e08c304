"""Reads: which commission rule applies, a shop's balances and weekly earnings (from postings
only), payouts, rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from marketplace.catalog.models import Category
from marketplace.orders.models import Order, OrderLine, OrderStatus
from marketplace.settlement.accounts import shop_code
from marketplace.settlement.models import AssistFee, CommissionLine, CommissionRule, EntryKind, Payout, PayoutStatus
from marketplace.shops.models import Shop, ShopEvent, ShopMember, ShopMemberRole, ShopStatus
from meidu.core.ledger.models import LedgerAccount, LedgerPosting
from meidu.core.money import Money, quantize


def category_chain(category_id: int | None) -> list[int]:
    """The category and its ancestors, most specific first."""
    chain: list[int] = []
    while category_id is not None and category_id not in chain:
        chain.append(category_id)
        category_id = Category.objects.filter(pk=category_id).values_list("parent_id", flat=True).first()
    return chain


def commission_rules_effective(at: datetime) -> list[CommissionRule]:
    """The rules in force at ``at``: in effect by then and already created by then. A rule added
    with an ``effective_from`` slightly in the past (commission_rule_create allows a few minutes
    for a form's clock) never reaches an order placed before the rule itself was added."""
    return list(CommissionRule.objects.filter(effective_from__lte=at, created_at__lte=at))


def commission_rule_for(chain: list[int], shop_kind: str, rules: list[CommissionRule]) -> CommissionRule | None:
    """The rule for goods of the category ``chain`` sold by a shop of ``shop_kind``, among ``rules``
    (those in effect at the order's date). The most specific category wins, walking up the tree;
    at the same category a rule for the shop's kind beats one for every kind; rules without a
    category come last; the latest ``effective_from`` wins within the same scope."""

    def rank(rule: CommissionRule):
        if rule.category_id is None:
            category_rank = len(chain)
        elif rule.category_id in chain:
            category_rank = chain.index(rule.category_id)
        else:
            return None
        if rule.shop_kind not in ("", shop_kind):
            return None
        return (category_rank, 0 if rule.shop_kind else 1, -rule.effective_from.timestamp(), -rule.pk)

    ranked = [(key, rule) for rule in rules if (key := rank(rule)) is not None]
    return min(ranked, key=lambda item: item[0])[1] if ranked else None


def commission_rule_list():
    return CommissionRule.objects.select_related("category").order_by("-effective_from", "-id")


def commission_rule_list_for_shop_kind(shop_kind: str):
    """The rules that can price a shop of ``shop_kind``: its kind's and those for every kind."""
    return commission_rule_list().filter(Q(shop_kind="") | Q(shop_kind=shop_kind))


def commission_default_rate() -> Decimal:
    """The rate of goods no rule covers."""
    return Decimal(str(getattr(settings, "SETTLEMENT_DEFAULT_COMMISSION_PERCENT", "0")))


def commission_rates_of_orders(orders) -> dict[int, tuple[list[Decimal], bool]]:
    """Each order's commission rates (distinct, ascending) and whether they are final.

    Final: frozen per line when the order was first settled. Otherwise the rates settling it
    would freeze: the rules in force when it was placed (commission_rules_effective), by
    category and shop kind (commission_rule_for). At most three queries, however many orders."""
    orders = list(orders)
    frozen_rate = CommissionLine.objects.filter(order_line=OuterRef("pk")).values("rate_percent")[:1]
    lines: dict[int, list] = defaultdict(list)
    for order_id, shop_kind, category_id, frozen in (
        OrderLine.objects.filter(order__in=[order.pk for order in orders])
        .annotate(frozen=Subquery(frozen_rate))
        .values_list("order_id", "order__shop__kind", "variant__product__category_id", "frozen")
    ):
        lines[order_id].append((shop_kind, category_id, frozen))
    open_orders = [order for order in orders if any(frozen is None for *_, frozen in lines[order.pk])]
    rules, parents = [], {}
    if open_orders:
        latest = max(order.created_at for order in open_orders)
        rules = list(CommissionRule.objects.filter(effective_from__lte=latest, created_at__lte=latest))
        parents = dict(Category.objects.values_list("id", "parent_id"))
    result = {}
    for order in orders:
        in_force = [
            rule for rule in rules if rule.effective_from <= order.created_at and rule.created_at <= order.created_at
        ]
        rates = set()
        for shop_kind, category_id, frozen in lines[order.pk]:
            if frozen is None:
                rule = commission_rule_for(_chain_in(parents, category_id), shop_kind, in_force)
                frozen = rule.rate_percent if rule else commission_default_rate()
            rates.add(frozen)
        result[order.pk] = (sorted(rates), order not in open_orders)
    return result


def _chain_in(parents: dict[int, int | None], category_id: int | None) -> list[int]:
    """category_chain over an already loaded {id: parent_id} map."""
    chain: list[int] = []
    while category_id is not None and category_id not in chain:
        chain.append(category_id)
        category_id = parents.get(category_id)
    return chain


def _accounts(shop_id: int, currency: str, roles) -> dict[str, LedgerAccount]:
    codes = {shop_code(shop_id, role, currency): role for role in roles}
    return {codes[account.code]: account for account in LedgerAccount.objects.filter(code__in=list(codes))}


def shop_balances(shop_id: int, currency: str = "CNY") -> dict[str, Money]:
    """pending, available and paid_out of a shop: sums of its accounts' postings (two queries)."""
    roles = ("pending", "available", "paid_out")
    accounts = _accounts(shop_id, currency, roles)
    totals = (
        dict(
            LedgerPosting.objects.filter(account__in=list(accounts.values()))
            .values("account_id")
            .annotate(total=Sum("amount"))
            .values_list("account_id", "total")
        )
        if accounts
        else {}
    )
    result = {}
    for role in roles:
        account = accounts.get(role)
        total = totals.get(account.pk, Decimal(0)) if account else Decimal(0)
        result[role] = Money(quantize(total, currency), currency)
    return result


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def shop_weekly_earnings(
    shop_id: int, *, weeks: int = 12, now: datetime | None = None, currency: str = "CNY"
) -> list[tuple[date, Money]]:
    """Net earnings (after commission and claw-backs) posted per week, Monday first, oldest first,
    over the last ``weeks`` weeks including the current one; empty weeks are zero."""
    now = timezone.localtime(now or timezone.now())
    first = week_start(now.date()) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    accounts = _accounts(shop_id, currency, ("pending", "available"))
    totals: dict[date, Decimal] = {}
    if accounts:
        since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
        rows = (
            LedgerPosting.objects.filter(
                account__in=list(accounts.values()),
                created_at__gte=since,
                transaction__settlement_entry__kind__in=[EntryKind.EARNINGS, EntryKind.CLAWBACK],
            )
            .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
            .values("week")
            .annotate(total=Sum("amount"))
            .values_list("week", "total")
        )
        totals = {
            timezone.localtime(week).date() if isinstance(week, datetime) else week: total for week, total in rows
        }
    return [(start, Money(quantize(totals.get(start, Decimal(0)), currency), currency)) for start in starts]


def payout_list_for_shop(shop_id: int):
    return Payout.objects.filter(shop_id=shop_id).select_related("batch")


# --- a seller's milestones (read by the incubator's training funnel, issue 16) ---------------------


def seller_milestones_for_users(user_ids) -> dict[int, dict[str, datetime | None]]:
    """{user id: {"shop_opened", "first_sale", "first_payout"}} for the shops each user owns, in one
    query: when a shop of theirs first became active, its first order that was not cancelled, and its
    first payout the bank paid. Users without a shop are left out. ``user_ids`` may be a subquery."""
    opened = (
        ShopEvent.objects.filter(shop_id=OuterRef("shop_id"), to_status=ShopStatus.ACTIVE)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    sale = (
        Order.objects.filter(shop_id=OuterRef("shop_id"))
        .exclude(status=OrderStatus.CANCELED)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    payout = (
        Payout.objects.filter(shop_id=OuterRef("shop_id"), status=PayoutStatus.PAID)
        .order_by("created_at")
        .values(paid=Coalesce("settled_at", "created_at"))[:1]
    )
    rows = (
        ShopMember.objects.filter(user_id__in=user_ids, role=ShopMemberRole.OWNER)
        .annotate(opened=Subquery(opened), sale=Subquery(sale), payout=Subquery(payout))
        .values_list("user_id", "opened", "sale", "payout")
    )
    found: dict[int, dict[str, datetime | None]] = {}
    for user_id, opened_at, sale_at, payout_at in rows:
        mine = found.setdefault(user_id, {"shop_opened": None, "first_sale": None, "first_payout": None})
        for key, value in (("shop_opened", opened_at), ("first_sale", sale_at), ("first_payout", payout_at)):
            if value is not None and (mine[key] is None or value < mine[key]):
                mine[key] = value
    return found


def shop_weekly_sales_by_kind(kinds, *, weeks: int = 4, today: date | None = None) -> list[dict]:
    """Shops of ``kinds`` (supplier, cooperative, distributor) with their sales (total of orders not
    cancelled, CNY) in each of the last ``weeks`` weeks, newest week first; two queries whatever the
    number of shops. A shop's sales are the orders it fulfils plus the orders resold through it (a
    distributor fulfils none: its sales are the orders whose reseller it is).
    Each row: {"shop": Shop, "weeks": [Decimal, ...], "total": Decimal}."""
    today = today or timezone.localdate()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=n) for n in range(weeks)][::-1]
    shops = list(Shop.objects.filter(kind__in=list(kinds)).order_by("kind", "name"))
    ids = [s.pk for s in shops]
    sums = (
        Order.objects.filter(Q(shop_id__in=ids) | Q(reseller_shop_id__in=ids), created_at__date__gte=first)
        .exclude(status=OrderStatus.CANCELED)
        .annotate(week=TruncWeek("created_at"))
        .values("shop_id", "reseller_shop_id", "week")
        .annotate(total=Sum("total_amount"))
    )
    by_shop: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
    for row in sums:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        by_shop[row["shop_id"]][week] += row["total"]
        if row["reseller_shop_id"]:
            by_shop[row["reseller_shop_id"]][week] += row["total"]
    result = []
    for shop in shops:
        amounts = [by_shop[shop.pk].get(start, Decimal("0.00")) for start in starts]
        result.append({"shop": shop, "weeks": amounts, "total": sum(amounts, Decimal("0.00"))})
    return result


def assist_fees_of_agent(agent, limit: int = 20) -> tuple[Decimal, list]:
    """A station agent's service fees for assisted orders: the total earned now and the latest rows
    (with their order numbers), whichever account they were paid to."""
    fees = AssistFee.objects.filter(agent=agent)
    total = fees.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return total, list(fees.select_related("order").order_by("-updated_at")[:limit])
