"""The weekly settlement of distributor commission: one payout batch (settlement's weekly batch, with
the distributors' commission payouts added through the payout_batch_filling hook) over D distributors
and N resold orders, each delivered, its after-sales window closed, the supplier's earnings released
and the commission earned. Prints the batch's time, its SQL statements, and checks the money.

    .venv/bin/python benchmarks/incubator_weekly_settlement.py [--distributors 100] [--orders 10000]

Setup: D orders placed through the real services (checkout through each distributor's shop, paid,
delivered, earned), then each cloned in bulk (orders, lines, distributed lines, settlements with their
ledger transactions and postings, commission lines) up to N orders: the batch reads what real orders
leave. Uses BENCH_DATABASE_URL, or a `meidu_bench` database on the embedded PostgreSQL.
"""

import argparse
import itertools
import time
import uuid

from _report import report
from _setup import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--distributors", type=int, default=100)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print the batch's top functions (cProfile)")
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from incubator.commission.models import CommissionLine
    from incubator.commission.services.lines import commission_earn_due
    from incubator.distribution.services import distribution_pick
    from incubator.supply.services import supply_offer_create, supply_offer_open
    from marketplace.inventory.services import stock_receive
    from marketplace.settlement.models import PayoutPurpose
    from marketplace.settlement.services.payouts import payout_batch_create
    from marketplace.shipping.services import shipping_method_enable
    from meidu.accounts.services import account_register, user_roles_set
    from meidu.core.ledger.models import LedgerTransaction
    from tests.marketplace.checkout.factories import county_and_zones
    from tests.marketplace.factories import channels, listed_product, open_shop
    from tests.support.commission import after_window, delivered
    from tests.support.distribution import OFFER_TERMS, resale_orders

    run = uuid.uuid4().hex[:6]
    phones = itertools.count(int(uuid.uuid4().int % 10**7) * 10)

    def user():
        made = account_register(phone=f"137{next(phones) % 10**8:08d}", password="bench-pass-123", roles=())
        user_roles_set(made, ["buyer"])
        return made

    started = time.perf_counter()
    rural = channels()[1]
    county_and_zones()
    owner = user()
    coop = open_shop(
        owner, name=f"合作社{run}", kind="cooperative", track="business", business_licence_number="93210882MA0XY0001A"
    )
    product = listed_product(coop, owner, rural, name="南果梨", price="12.00", quantity=20)
    variant = product.variants.get()
    stock_receive(coop.warehouses.first(), variant, actor=owner, quantity=10 * args.distributors, note="bench")
    shipping_method_enable(coop, actor=owner, kind="county")
    offer = supply_offer_open(
        supply_offer_create(actor=owner, shop=coop, variant=variant, data=dict(OFFER_TERMS)), actor=owner
    )
    buyer = user()
    templates = []
    for index in range(args.distributors):
        dist_owner = user()
        shop = open_shop(dist_owner, name=f"分销小店{run}-{index}", kind="distributor")
        distribution_pick(actor=dist_owner, shop=shop, offer=offer, retail_price="13.80")
        [order] = resale_orders(buyer, rural, shop, [(variant, 1 + index % 3)], key=f"bench-{run}-{index}")
        templates.append(delivered(order, owner, buyer))
    commission_earn_due(max(after_window(order) for order in templates), limit=len(templates))
    real = time.perf_counter() - started
    print(f"setup: {len(templates)} real orders through the services in {real:.1f} s")

    started = time.perf_counter()
    copies = max(0, args.orders // len(templates) - 1)
    numbers = itertools.count(9_000_000_000 + int(time.time()) % 10**6 * 1000)
    with transaction.atomic():
        for template in templates:
            _clone(template, copies, numbers)
    print(f"setup: cloned to {len(templates) * (copies + 1)} orders in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:  # autovacuum is off here: plans for 10,000 orders, not the empty tables
        cursor.execute("ANALYZE")

    week_end = timezone.localdate() + timezone.timedelta(days=7 * 52)
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if args.profile:
            profiler.enable()
        batch = payout_batch_create(week_end)
        profiler.disable()
        elapsed = time.perf_counter() - started
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]
        for query in slowest:
            print(query["time"], query["sql"][:300])
    commission = batch.payouts.filter(purpose=PayoutPurpose.COMMISSION)
    total = commission.aggregate(total=Sum("amount"))["total"]
    lines = CommissionLine.objects.filter(order__shop=coop)
    assert commission.count() == len(templates)
    assert total == lines.aggregate(total=Sum("earned_amount"))["total"]
    assert not lines.exclude(status="paid").exists()
    assert not LedgerTransaction.objects.annotate(t=Sum("postings__amount")).exclude(t=0).exists()
    print(
        f"weekly settlement: {len(templates)} distributors, {lines.count()} orders: {elapsed:.2f} s, "
        f"{len(queries.captured_queries)} SQL statements; {batch.payouts.count()} payouts "
        f"(commission {total}), every transaction balanced"
    )
    orders = lines.count()
    met = elapsed <= 30 if len(templates) >= 100 and orders >= 10_000 else None  # the goal's size
    report(
        f"weekly commission settlement, {len(templates)} distributors, {orders:,} orders",
        "time",
        f"{elapsed:.2f} s, {len(queries.captured_queries)} SQL",
        "100 distributors, 10,000 orders in <= 30 s",
        met,
    )


def _clone(template, copies: int, numbers) -> None:
    """Bulk copies of a settled, earned resold order with everything settlement and commission keep."""
    from incubator.commission.models import CommissionLine
    from incubator.distribution.models import DistributedLine
    from marketplace.orders.models import Order, OrderLine
    from marketplace.settlement.models import OrderSettlement, SettlementEntry
    from meidu.core.ledger.models import LedgerPosting, LedgerTransaction

    if copies <= 0:
        return
    order = Order.objects.get(pk=template.pk)
    [line] = OrderLine.objects.filter(order=order)
    distributed = DistributedLine.objects.get(order_line=line)
    settlement = OrderSettlement.objects.get(order=order)
    entries = list(SettlementEntry.objects.filter(settlement=settlement).select_related("ledger_transaction"))
    postings = {}
    for posting in LedgerPosting.objects.filter(transaction__settlement_entry__settlement=settlement):
        postings.setdefault(posting.transaction_id, []).append(posting)
    commission = CommissionLine.objects.get(order=order)
    commission_txns = list(
        LedgerTransaction.objects.filter(reference=f"order:{order.number}", settlement_entry__isnull=True)
    )
    commission_postings = list(LedgerPosting.objects.filter(transaction__in=commission_txns))

    def copy(instance, **changes):
        clone = type(instance)(**{f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields})
        clone.pk = None
        for key, value in changes.items():
            setattr(clone, key, value)
        return clone

    orders = Order.objects.bulk_create(
        [copy(order, number=next(numbers), token=uuid.uuid4(), checkout_token=uuid.uuid4()) for _ in range(copies)]
    )
    lines = OrderLine.objects.bulk_create([copy(line, order_id=o.pk) for o in orders])
    DistributedLine.objects.bulk_create(
        [copy(distributed, order_id=o.pk, order_line_id=ln.pk) for o, ln in zip(orders, lines, strict=True)]
    )
    new_distributed = dict(
        DistributedLine.objects.filter(order_id__in=[o.pk for o in orders]).values_list("order_id", "pk")
    )
    settlements = OrderSettlement.objects.bulk_create([copy(settlement, order_id=o.pk) for o in orders])
    txns = LedgerTransaction.objects.bulk_create(
        [copy(entry.ledger_transaction) for _ in orders for entry in entries]
        + [copy(txn) for _ in orders for txn in commission_txns]
    )
    per_order = len(entries)
    settlement_txns, commission_new = txns[: per_order * len(orders)], txns[per_order * len(orders) :]
    new_entries, new_postings = [], []
    for i, new_settlement in enumerate(settlements):
        for j, entry in enumerate(entries):
            txn = settlement_txns[i * per_order + j]
            new_entries.append(copy(entry, settlement_id=new_settlement.pk, ledger_transaction_id=txn.pk))
            new_postings += [copy(p, transaction_id=txn.pk) for p in postings[entry.ledger_transaction_id]]
        for k, txn in enumerate(commission_txns):
            new_txn = commission_new[i * len(commission_txns) + k]
            new_postings += [
                copy(p, transaction_id=new_txn.pk) for p in commission_postings if p.transaction_id == txn.pk
            ]
    SettlementEntry.objects.bulk_create(new_entries, batch_size=5000)
    LedgerPosting.objects.bulk_create(new_postings, batch_size=5000)
    CommissionLine.objects.bulk_create(
        [copy(commission, order_id=o.pk, distributed_line_id=new_distributed[o.pk]) for o in orders]
    )


if __name__ == "__main__":
    main()
