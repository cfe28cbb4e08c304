"""Matching a new supply or demand post against 10,000 open posts of the other side: server time.

    .venv/bin/python benchmarks/farm_matching.py [--open 10000] [--runs 200]

Seeds (bulk, once) ``--open`` open demand posts across the county's villages, all for the same item
(the worst case: every one is a candidate; windows and quantities vary), then times, for ``--runs``
new supply posts at random villages:
* the ranked candidate query alone (incubator.posts.selectors.match_candidates), and
* the whole use case post_create (validation, insert, ranking, matches, notices, outbox), each run
  rolled back so the open set stays the same.
Goal: p95 <= 20 ms for matching. Uses BENCH_DATABASE_URL, or a `meidu_bench` database.
"""

import argparse
import datetime as dt
import json
import random
import statistics
import time
from decimal import Decimal

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

GOAL_P95_MS = 20.0


class Rollback(Exception):
    pass


def _seed(count: int):
    from django.db import connection
    from django.utils import timezone

    from incubator.posts.models import SupplyDemandPost
    from incubator.prices.models import ProduceItem
    from logistics.geography.models import Village
    from logistics.geography.services import geography_load_county
    from meidu.accounts.models import User
    from meidu.accounts.services import account_register

    geography_load_county()
    item, _ = ProduceItem.objects.get_or_create(code="bench-corn", defaults={"name": "基准玉米", "unit": "jin"})
    buyer = User.objects.filter(phone="+8613700000001").first() or account_register(
        phone="+8613700000001", password="bench-password-2026", roles=()
    )
    seller = User.objects.filter(phone="+8613700000002").first() or account_register(
        phone="+8613700000002", password="bench-password-2026", roles=()
    )
    villages = list(Village.objects.select_related("town"))
    existing = SupplyDemandPost.objects.filter(item=item, side="demand", status="open").count()
    if existing < count:
        rng = random.Random(11)
        today = timezone.localdate()
        rows = []
        for _ in range(count - existing):
            village = rng.choice(villages)
            quantity = Decimal(rng.choice([200, 500, 1000, 3000, 8000]))
            rows.append(
                SupplyDemandPost(
                    side="demand",
                    item=item,
                    quantity=quantity,
                    quantity_unit="jin",
                    quantity_base=quantity,
                    price_wish=Decimal(str(round(rng.uniform(0.9, 1.5), 2))),
                    town=village.town,
                    village=village,
                    latitude=float(village.latitude),
                    longitude=float(village.longitude),
                    window_start=today - dt.timedelta(days=rng.randint(0, 20)),
                    window_end=today + dt.timedelta(days=rng.randint(1, 90)),
                    contact_name="买家",
                    contact_phone="+8613700000001",
                    poster=buyer,
                )
            )
        SupplyDemandPost.objects.bulk_create(rows, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE farm_posts_supplydemandpost")
    return item, seller, villages


def _p(times):
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    setup()
    from django.db import transaction
    from django.utils import timezone

    from incubator.posts.models import SupplyDemandPost
    from incubator.posts.selectors import match_candidates
    from incubator.posts.services import post_create

    item, seller, villages = _seed(args.open)
    rng = random.Random(5)
    today = timezone.localdate()
    query_times, create_times = [], []
    for run in range(args.runs + 10):
        village = rng.choice(villages)
        probe = SupplyDemandPost(
            side="supply",
            item=item,
            quantity_base=Decimal(1000),
            price_wish=Decimal("1.10"),
            poster=seller,
            latitude=float(village.latitude),
            longitude=float(village.longitude),
            window_start=today,
            window_end=today + dt.timedelta(days=30),
        )
        started = time.perf_counter()
        found = match_candidates(probe)
        elapsed = (time.perf_counter() - started) * 1000
        assert len(found) == 10
        started = time.perf_counter()
        try:
            with transaction.atomic():
                post_create(
                    seller,
                    side="supply",
                    item=item,
                    quantity="1000",
                    quantity_unit="jin",
                    price_wish="1.10",
                    window_start=today,
                    window_end=today + dt.timedelta(days=30),
                    village=village,
                )
                create_elapsed = (time.perf_counter() - started) * 1000
                raise Rollback
        except Rollback:
            pass
        if run >= 10:  # warm-up
            query_times.append(elapsed)
            create_times.append(create_elapsed)
    open_count = SupplyDemandPost.objects.filter(item=item, status="open").count()
    print(
        json.dumps(
            {
                "open_posts": open_count,
                "candidates_query": _p(query_times),
                "post_create_with_matching": _p(create_times),
                "goal_p95_ms": GOAL_P95_MS,
            },
            indent=1,
        )
    )
    path = f"matching a new supply post against {open_count:,} open demand posts"
    p95 = _p(query_times)["p95_ms"]
    report(path, "candidates query p95", f"{p95} ms", f"<= {GOAL_P95_MS:g} ms", p95 <= GOAL_P95_MS)
    report(path, "post_create with matching p95", f"{_p(create_times)['p95_ms']} ms")


if __name__ == "__main__":
    main()
