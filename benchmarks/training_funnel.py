"""The staff's training funnel at county scale: N trainees over three courses and twelve months, a
tenth of them owners of a shop that opened, some with sales: time and SQL statements of
``training_funnel()`` (the console and the trainingFunnel query both call it).

    BENCH_DATABASE_URL=postgresql://... python benchmarks/training_funnel.py --trainees 10000

Rows are bulk-inserted straight into the tables (a benchmark's fixture, not a use case)."""

from __future__ import annotations

import argparse
import statistics
import time

from _report import report
from _setup import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup("meidu_bench_training")

    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from incubator.training.models import Course, Enrolment, Lesson
    from incubator.training.selectors import training_funnel
    from marketplace.shops.models import Shop, ShopEvent, ShopMember
    from meidu.accounts.models import User

    now = timezone.now()
    with transaction.atomic():
        Enrolment.objects.all().delete()
        ShopEvent.objects.filter(shop__slug__startswith="bench-train-").delete()
        ShopMember.objects.filter(shop__slug__startswith="bench-train-").delete()
        Shop.objects.filter(slug__startswith="bench-train-").delete()
        User.objects.filter(phone__startswith="+86136").delete()
        Course.objects.filter(slug__startswith="bench-").delete()
        courses = Course.objects.bulk_create([Course(slug=f"bench-{n}", title=f"课程{n}") for n in range(3)])
        Lesson.objects.bulk_create([Lesson(course=c, position=p, title=f"第{p}课") for c in courses for p in (1, 2)])
        unusable = make_password(None)
        users = User.objects.bulk_create(
            [User(phone=f"+86136{n:08d}", password=unusable) for n in range(args.trainees)]
        )
        enrolled = [now - timedelta(days=(n * 37) % 365) for n in range(args.trainees)]
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    user=user,
                    course=courses[n % 3],
                    enrolled_at=enrolled[n],
                    completed_at=enrolled[n] + timedelta(days=3) if n % 3 else None,
                )
                for n, user in enumerate(users)
            ]
        )
        owners = [user for n, user in enumerate(users) if n % 10 == 1]
        shops = Shop.objects.bulk_create(
            [
                Shop(
                    name=f"店{n}",
                    slug=f"bench-train-{n}",
                    kind="microshop",
                    track="farmer_light",
                    status="active",
                    real_name="李",
                    id_number_hash="x",
                    payout_account_name="李",
                    payout_account_number="6222",
                )
                for n in range(len(owners))
            ]
        )
        ShopMember.objects.bulk_create(
            [ShopMember(shop=shop, user=user, role="owner") for shop, user in zip(shops, owners, strict=True)]
        )
        events = ShopEvent.objects.bulk_create(
            [ShopEvent(shop=shop, action="approve", to_status="active") for shop in shops]
        )
        ShopEvent.objects.filter(pk__in=[e.pk for e in events]).update(created_at=now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    timings, statements = [], 0
    for _run in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            by_month, totals = training_funnel()
            timings.append(time.perf_counter() - started)
        statements = len(queries.captured_queries)
    counts = {stage: sum(row.counts[stage] for row in totals) for stage in totals[0].counts}
    print(
        f"trainees={args.trainees} shops={len(shops)} rows(course x month)={len(by_month)} "
        f"statements={statements} median={statistics.median(timings) * 1000:.0f} ms "
        f"min={min(timings) * 1000:.0f} ms max={max(timings) * 1000:.0f} ms counts={counts}"
    )
    report(
        f"`training_funnel()`, {args.trainees:,} trainees",
        "median time",
        f"{statistics.median(timings) * 1000:.0f} ms, {statements} SQL",
    )


if __name__ == "__main__":
    main()
