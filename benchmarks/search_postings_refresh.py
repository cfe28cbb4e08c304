"""What rewriting a product's postings costs (meidu.core.search.postings.postings_refresh), and what a
big shop's holiday and reopening cost (search_documents_visibility_refresh_for_shop, the seller's
request), before and after the postings stopped holding the shop's state, side by side in one run.

    BENCH_DATABASE_URL=postgresql://.../meidu_x_bench .venv/bin/python benchmarks/search_postings_refresh.py

Runs on the database benchmarks/search_query.py seeded (100,000 products). "before" is the write path
of commit ad77f12 kept here verbatim (postings rewritten from the documents' channels, so a shop going
on holiday deleted its products' rows and a reopening inserted them again), with the shop column the
table has now; "after" is the code as it is (postings from the listings, the shop's state read by each
query: a shop-wide change writes no posting). Every write is rolled back. The rows each way writes for
the same products of open shops are compared first (the benchmark exits non-zero if they differ). CPU
is the PostgreSQL backend's (user + system of its process), the figure to trust on a shared machine;
rows are the tuples the transaction inserted, updated and deleted (pg_stat_get_xact_tuples_*).
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

# postings_refresh of commit ad77f12 (from the documents' channels), the shop column added.
_BEFORE_CHANNELS = """
CROSS JOIN LATERAL (
  SELECT v.channel, CASE WHEN bool_or(v.at IS NULL) THEN NULL ELSE min(v.at) END AS visible_from
  FROM (SELECT c, NULL::timestamptz FROM unnest(d.channels) AS c
        UNION ALL SELECT c, a FROM unnest(d.scheduled_channels, d.scheduled_at) AS s(c, a)) AS v(channel, at)
  GROUP BY v.channel
) AS public
"""
_BEFORE_WANT = """
WITH want AS MATERIALIZED (
  SELECT d.product_id AS obj, t.id AS term_id, public.channel, (ts_rank(d.vector, t.query) * %s)::bigint AS rank,
         public.visible_from, (SELECT shop_id FROM catalog_product WHERE id = d.product_id) AS owner
  FROM product_search_productsearchdocument d JOIN product_search_productsearchterm t ON d.vector @@ t.query
  {channels}
  WHERE d.product_id = ANY(%s) AND (cardinality(d.channels) > 0 OR cardinality(d.scheduled_channels) > 0){only}
)
"""
_BEFORE_DELETE = """
DELETE FROM product_search_productsearchposting p WHERE p.product_id = ANY(%s) AND NOT EXISTS (
  SELECT 1 FROM want w WHERE w.obj = p.product_id AND w.term_id = p.term_id AND w.channel = p.channel
   AND w.rank = p.rank AND w.visible_from IS NOT DISTINCT FROM p.visible_from)
"""
_BEFORE_INSERT = """
INSERT INTO product_search_productsearchposting (product_id, term_id, channel, rank, visible_from, shop_id)
SELECT w.obj, w.term_id, w.channel, w.rank, w.visible_from, w.owner FROM want w WHERE NOT EXISTS (
  SELECT 1 FROM product_search_productsearchposting p
  WHERE p.product_id = w.obj AND p.term_id = w.term_id AND p.channel = w.channel)
"""
_BEFORE_HAVING = " AND EXISTS (SELECT 1 FROM product_search_productsearchposting p WHERE p.product_id = d.product_id)"


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
            want = _BEFORE_WANT.format(channels=_BEFORE_CHANNELS, only=_BEFORE_HAVING)
            cursor.execute(want + _BEFORE_DELETE, [RANK_SCALE, ids, ids])
            cursor.execute(_BEFORE_WANT.format(channels=_BEFORE_CHANNELS, only="") + _BEFORE_INSERT, [RANK_SCALE, ids])
            return cursor.rowcount

    def before_for_shop(shop):
        """search_documents_visibility_refresh_for_shop of commit ad77f12: documents, then the postings of
        every product whose channels changed."""
        table = "product_search_productsearchdocument"
        with connection.cursor() as cursor:
            cursor.execute(services._VISIBILITY_SQL.format(table=table, where="p.shop_id = %s"), [shop])
            before(PRODUCTS, [row[0] for row in cursor.fetchall()])

    after = postings.postings_refresh
    ways = {"before": before, "after": after}
    for_shop = {"before": before_for_shop, "after": services.search_documents_visibility_refresh_for_shop}
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
                        "SELECT product_id, term_id, channel, rank, visible_from, shop_id"
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

    def written():
        """Tuples this transaction inserted + updated + deleted in the postings and the documents."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid)"
                " + pg_stat_get_xact_tuples_deleted(c.oid)) FILTER (WHERE c.relname LIKE '%%posting'),"
                " sum(pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid)"
                " + pg_stat_get_xact_tuples_deleted(c.oid)) FILTER (WHERE c.relname LIKE '%%document')"
                " FROM pg_class c WHERE c.relname IN"
                " ('product_search_productsearchposting', 'product_search_productsearchdocument')"
            )
            return tuple(int(v or 0) for v in cursor.fetchone())

    def timed(way, work):
        """(wall ms, backend CPU ms, (posting rows, document rows) written) of work() done this way,
        rolled back."""
        services.postings_refresh = ways[way]
        try:
            with transaction.atomic():
                cpu, started = _backend_cpu_seconds(pid), time.perf_counter()
                work(way)
                wall, cpu = time.perf_counter() - started, _backend_cpu_seconds(pid) - cpu
                rows_written = written()
                raise _Rollback
        except _Rollback:
            return wall * 1000, cpu * 1000, rows_written
        finally:
            services.postings_refresh = after

    def singles_work(way):
        for pk in singles:
            ways[way](PRODUCTS, [pk])

    def batches_work(way):
        for batch in batches:
            ways[way](PRODUCTS, batch)

    def holiday_on(way):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE shops_shop SET holiday_mode = true WHERE id = %s", [shop_id])
            for_shop[way](shop_id)

    def holiday_both(way):  # reopening alone = this minus holiday_on (a rolled-back run starts open)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE shops_shop SET holiday_mode = true WHERE id = %s", [shop_id])
            for_shop[way](shop_id)
            cursor.execute("UPDATE shops_shop SET holiday_mode = false WHERE id = %s", [shop_id])
            for_shop[way](shop_id)

    cases = [
        ("postings_refresh, one product", singles_work, len(singles)),
        ("postings_refresh, 500-product batch", batches_work, len(batches)),
        (f"shop holiday on ({shop_products:,} products)", holiday_on, 1),
        (f"shop holiday on then reopen ({shop_products:,} products)", holiday_both, 1),
    ]
    load = os.getloadavg()[0]
    for name, work, per in cases:
        cells = {}
        for _round in range(args.rounds):
            for way in ("before", "after") if _round % 2 == 0 else ("after", "before"):
                wall, cpu, rows_written = timed(way, work)
                best = cells.get(way)
                if best is None or cpu / per < best[1]:
                    cells[way] = (wall / per, cpu / per, rows_written)
        line = "   ".join(
            f"{way}: {cells[way][0]:8.1f} ms wall {cells[way][1]:8.1f} ms CPU"
            f" {cells[way][2][0]:>7,} postings {cells[way][2][1]:>6,} documents written"
            for way in ways
        )
        print(f"{name:<50} {line}")
        for way in ways:
            report(f"{name}, {way}", "PostgreSQL backend CPU (best round)", f"{cells[way][1]:.2f} ms")
            report(f"{name}, {way}", "wall (best round)", f"{cells[way][0]:.2f} ms")
            report(f"{name}, {way}", "posting rows written", f"{cells[way][2][0]}")
    print(f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
