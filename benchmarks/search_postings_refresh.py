"""What rewriting a product's postings costs (meidu.core.search.postings.postings_refresh), before and
after the terms' lexeme probes, side by side in one run: per product, per 500-product batch, and a big
shop's holiday and reopening (search_documents_visibility_refresh_for_shop, the seller's request).

    BENCH_DATABASE_URL=postgresql://.../meidu_x_bench .venv/bin/python benchmarks/search_postings_refresh.py

Runs on the database benchmarks/search_query.py seeded (100,000 products). "before" is the statement
postings_refresh ran until the probes (a ``@@`` and ``ts_rank`` of every term against every product,
kept here verbatim); "after" is postings_refresh itself. Every write is rolled back. The rows each way
writes for the same products are compared first (the benchmark exits non-zero if they differ). CPU is
the PostgreSQL backend's (user + system of its process), the figure to trust on a shared machine.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

# postings_refresh's insert before the probes (commit ca1199d8), for the side-by-side comparison.
_BEFORE = (
    "INSERT INTO product_search_productsearchposting (product_id, term_id, channel, rank, visible_from)"
    " SELECT d.product_id, t.id, public.channel, (ts_rank(d.vector, t.query) * %s)::bigint, public.visible_from"
    " FROM product_search_productsearchdocument d JOIN product_search_productsearchterm t ON d.vector @@ t.query"
    " {channels} WHERE d.product_id = ANY(%s)"
)


class _Rollback(Exception):
    pass


def _backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    setup("meidu_search_bench")
    from django.db import connection, transaction

    import marketplace.search.services as services
    from marketplace.search.spec import PRODUCTS
    from meidu.core.search import postings
    from meidu.core.search.spec import RANK_SCALE

    def before(spec, ids):
        ids = sorted({int(pk) for pk in ids})
        if not ids:
            return 0
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM product_search_productsearchposting WHERE product_id = ANY(%s)", [ids])
            cursor.execute(_BEFORE.format(channels=postings._CHANNELS), [RANK_SCALE, ids])
            return cursor.rowcount

    after = postings.postings_refresh
    ways = {"before": before, "after": after}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.execute("SELECT shop_id, count(*) FROM catalog_product GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        shop_id, shop_products = cursor.fetchone()
        cursor.execute(
            "SELECT product_id FROM product_search_productsearchdocument WHERE cardinality(channels) > 0 ORDER BY 1"
        )
        public = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM product_search_productsearchterm")
        terms = cursor.fetchone()[0]
    rng = random.Random(17)
    singles = rng.sample(public, args.singles)
    batches = [rng.sample(public, 500) for _ in range(args.batches)]
    print(f"{len(public):,} public products, {terms} terms; biggest shop {shop_id}: {shop_products:,} products")

    def rows(way, ids):
        try:
            with transaction.atomic():
                ways[way](PRODUCTS, ids)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT product_id, term_id, channel, rank, visible_from"
                        " FROM product_search_productsearchposting WHERE product_id = ANY(%s)",
                        [ids],
                    )
                    found = sorted(cursor.fetchall(), key=repr)
                raise _Rollback
        except _Rollback:
            return found

    sample = batches[0] + singles
    same = rows("before", sample) == rows("after", sample)
    print(f"same rows both ways for {len(sample)} products: {same}")
    if not same:
        return 1

    def timed(way, work):
        """(wall ms, backend CPU ms) of work() with this way's postings_refresh, rolled back."""
        services.postings_refresh = ways[way]
        try:
            with transaction.atomic():
                cpu, started = _backend_cpu_seconds(pid), time.perf_counter()
                work(ways[way])
                wall, cpu = time.perf_counter() - started, _backend_cpu_seconds(pid) - cpu
                raise _Rollback
        except _Rollback:
            return wall * 1000, cpu * 1000
        finally:
            services.postings_refresh = after

    def singles_work(refresh):
        for pk in singles:
            refresh(PRODUCTS, [pk])

    def batches_work(refresh):
        for batch in batches:
            refresh(PRODUCTS, batch)

    def holiday_on(_refresh):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE shops_shop SET holiday_mode = true WHERE id = %s", [shop_id])
            services.search_documents_visibility_refresh_for_shop(shop_id)

    def holiday_both(_refresh):  # reopening alone = this minus holiday_on (a rolled-back run starts open)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE shops_shop SET holiday_mode = true WHERE id = %s", [shop_id])
            services.search_documents_visibility_refresh_for_shop(shop_id)
            cursor.execute("UPDATE shops_shop SET holiday_mode = false WHERE id = %s", [shop_id])
            services.search_documents_visibility_refresh_for_shop(shop_id)

    cases = [
        ("postings_refresh, one product", singles_work, len(singles)),
        ("postings_refresh, 500-product batch", batches_work, len(batches)),
        (f"shop holiday on ({shop_products:,} products)", holiday_on, 1),
        (f"shop holiday on then reopen ({shop_products:,} products)", holiday_both, 1),
    ]
    for name, work, per in cases:
        cells = {}
        for _round in range(args.rounds):
            for way in ("before", "after") if _round % 2 == 0 else ("after", "before"):
                wall, cpu = timed(way, work)
                best = cells.get(way)
                if best is None or cpu < best[1]:
                    cells[way] = (wall / per, cpu / per)
        line = "   ".join(f"{way}: {cells[way][0]:8.1f} ms wall {cells[way][1]:8.1f} ms CPU" for way in ways)
        print(f"{name:<50} {line}")
        for way in ways:
            report(f"{name}, {way}", "PostgreSQL backend CPU (best round)", f"{cells[way][1]:.2f} ms")
            report(f"{name}, {way}", "wall (best round)", f"{cells[way][0]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
