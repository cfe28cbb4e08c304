"""Reading the money of resold orders for the commission tests: who holds what of a buyer's payment
(supplier, distributor, platform), and the ledger checks every commission test makes."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from incubator.commission.accounts import distributor_code
from incubator.commission.models import CommissionLine
from marketplace.orders.services.lifecycle import order_deliver, order_fulfill
from marketplace.settlement.accounts import platform_code
from meidu.core.ledger.models import LedgerPosting, LedgerTransaction

ZERO = Decimal("0.00")


def fresh(order):
    order.refresh_from_db()
    return order


def delivered(order, supplier_owner, buyer):
    """Shipped by county delivery by the supplier, then received by the buyer."""
    order_fulfill(
        fresh(order),
        actor=supplier_owner,
        lines=[
            (line, line.quantity, str(line.quantity) if line.sold_by_weight else None) for line in order.lines.all()
        ],
        local_delivery=True,
    )
    return order_deliver(fresh(order), actor=buyer, by_buyer=True)


def after_window(order):
    return fresh(order).after_sales_until + timezone.timedelta(seconds=1)


def balance(code: str) -> Decimal:
    return LedgerPosting.objects.filter(account__code=code).aggregate(total=Sum("amount"))["total"] or ZERO


def order_split(order) -> dict[str, Decimal]:
    """What each party holds of ``order``'s money: the supplier (its earnings, pending, available or
    kept as cash), the platform (commission plus the margin it keeps), the distributor (its commission)."""
    rows = dict(
        LedgerPosting.objects.filter(transaction__settlement_entry__settlement__order=order)
        .values("account__code")
        .annotate(total=Sum("amount"))
        .values_list("account__code", "total")
    )
    supplier = sum(
        (amount for code, amount in rows.items() if code.startswith(f"settlement:shop:{order.shop_id}:")), ZERO
    )
    margin = rows.get(platform_code("distribution_margin", order.currency), ZERO)
    commission = rows.get(platform_code("commission", order.currency), ZERO)
    lines = CommissionLine.objects.filter(order=order).aggregate(p=Sum("pending_amount"), e=Sum("earned_amount"))
    distributor = (lines["p"] or ZERO) + (lines["e"] or ZERO)
    return {"supplier": supplier, "platform": commission + margin - distributor, "distributor": distributor}


def assert_every_transaction_balances():
    assert not LedgerTransaction.objects.annotate(total=Sum("postings__amount")).exclude(total=0).exists()
    assert (LedgerPosting.objects.aggregate(total=Sum("amount"))["total"] or 0) == 0


def assert_distributor_balances_match_lines(shop_id, currency="CNY"):
    """The distributor's ledger accounts hold exactly what its commission lines say."""
    lines = CommissionLine.objects.filter(distributor_id=shop_id, currency=currency).aggregate(
        p=Sum("pending_amount"), e=Sum("earned_amount"), paid=Sum("paid_amount")
    )
    pending, earned, paid = (lines[key] or ZERO for key in ("p", "e", "paid"))
    assert balance(distributor_code(shop_id, "pending", currency)) == pending
    assert balance(distributor_code(shop_id, "earned", currency)) == earned - paid
    assert balance(distributor_code(shop_id, "paid_out", currency)) == paid
