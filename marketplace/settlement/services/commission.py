"""Commission rules (operators add them; none is ever edited) and the rates frozen per order line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.settlement.error_codes import SettlementErrorCode
from marketplace.settlement.models import CommissionLine, CommissionRule, OrderSettlement
from marketplace.settlement.selectors import (
    category_chain,
    commission_default_rate,
    commission_rule_for,
    commission_rules_effective,
)
from marketplace.shops.models import ShopKind
from meidu.accounts.models import User
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.money import quantize

BACKDATE_TOLERANCE = timedelta(minutes=5)


def _rate(value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise DomainError(_("The rate is not a number"), SettlementErrorCode.INVALID, field="ratePercent") from None
    if not rate.is_finite() or rate < 0 or rate > 100 or rate != rate.quantize(Decimal("0.01")):
        raise DomainError(
            _("A rate is a percentage from 0 to 100 with at most two decimals"),
            SettlementErrorCode.INVALID,
            field="ratePercent",
        )
    return rate


def commission_rule_create(
    *, actor, rate_percent, category=None, shop_kind: str = "", effective_from=None, note: str = ""
) -> CommissionRule:
    """Add a rule. It applies to orders placed from ``effective_from`` (now or later; a few minutes
    in the past are accepted for a form's clock, but a rule never reaches back to orders placed
    before it was added: see selectors.commission_rules_effective); to change a rate, add a rule
    with a later date.
    Lock order: none; one insert, a second rule for the same scope and time is refused by the
    unique index (UNIQUE)."""
    rate = _rate(rate_percent)
    shop_kind = shop_kind or ""
    if shop_kind and shop_kind not in ShopKind.values:
        raise DomainError(_("Unknown kind of shop"), SettlementErrorCode.INVALID, field="shopKind")
    now = timezone.now()
    effective_from = effective_from or now
    if effective_from < now - BACKDATE_TOLERANCE:
        raise DomainError(
            _("A rule takes effect now or later, never in the past"), SettlementErrorCode.INVALID, field="effectiveFrom"
        )
    try:
        with transaction.atomic():
            rule = CommissionRule.objects.create(
                category=category,
                shop_kind=shop_kind,
                rate_percent=rate,
                effective_from=effective_from,
                note=(note or "")[:255],
                created_by=actor if isinstance(actor, User) else None,
            )
            audit_record(
                "settlement.commission_rule_create",
                actor=actor,
                target=rule,
                data={
                    "rate": str(rate),
                    "category": getattr(category, "pk", None),
                    "shop_kind": shop_kind,
                    "effective_from": effective_from.isoformat(),
                },
            )
    except IntegrityError:
        raise DomainError(
            _("A rule for this scope already starts at that time"), SettlementErrorCode.UNIQUE, field="effectiveFrom"
        ) from None
    return rule


def commission_lines_freeze(settlement: OrderSettlement, order, lines) -> dict[int, Decimal]:
    """The rate of each order line: frozen on first settlement from the rules in force when the
    order was placed (in effect and already created then: a later rule never changes it). Returns
    {order_line_id: rate_percent}.
    Runs under settlement_order_sync's locks (the Order row, then the OrderSettlement row)."""
    frozen = {line.order_line_id: line.rate_percent for line in settlement.commission_lines.all()}
    missing = [line for line in lines if line.pk not in frozen]
    if missing:
        rules = commission_rules_effective(order.created_at)
        chains: dict = {}
        new = []
        for line in missing:
            category_id = line.variant.product.category_id if line.variant_id else None
            if category_id not in chains:
                chains[category_id] = category_chain(category_id)
            rule = commission_rule_for(chains[category_id], order.shop.kind, rules)
            rate = rule.rate_percent if rule else commission_default_rate()
            new.append(CommissionLine(settlement=settlement, order_line=line, rule=rule, rate_percent=rate))
            frozen[line.pk] = rate
        CommissionLine.objects.bulk_create(new)
    return frozen


def commission_line_forget(order_line) -> None:
    """An order line leaves its order before delivery (a harvest gave it nothing): the rate frozen
    for it prices nothing any more, and would block the line's deletion."""
    CommissionLine.objects.filter(order_line=order_line).delete()


def seller_gross(line) -> Decimal:
    """What a line's goods earn its seller before commission: the buyer's price, or for a line sold
    by a reseller (supply_unit_price set) the supply price times the quantity (the contract of the
    incubator's distribution: the supplier is paid the supply price, the rest is the margin)."""
    if line.supply_unit_price is None:
        return line.total_price_amount
    if line.sold_by_weight and line.actual_weight is not None:  # weighed: priced per weight unit, like the buyer
        return quantize(line.supply_unit_price * line.actual_weight)
    return line.supply_unit_price * line.quantity


def resale_margin_of(lines) -> Decimal:
    """The distribution margin of an order's resold lines: (retail − supply price) × quantity."""
    return sum((line.total_price_amount - seller_gross(line) for line in lines), Decimal("0.00"))


def commission_of(lines, rates: dict[int, Decimal], currency: str) -> Decimal:
    """Commission on the goods (shipping carries none): each line's seller gross times its rate, half-up."""
    return sum((quantize(seller_gross(line) * rates[line.pk] / 100, currency) for line in lines), Decimal("0.00"))
