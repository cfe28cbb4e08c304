"""What a one-word search costs by how many products its word matches, documents against postings:
the data SEARCH_POSTINGS_MIN_MATCHES is chosen from.

    .venv/bin/python benchmarks/search_postings_threshold.py [--words 12] [--rounds 3]

Runs on the database benchmarks/search_query.py seeded (BENCH_DATABASE_URL, or `meidu_search_bench` on
the embedded PostgreSQL; run that first). Takes words of the documents (ts_stat) in bands of how many
documents hold them, and times ``products_page`` (the plain search's one statement: page of 21 and exact
count) for each, SEARCH_POSTINGS off then on, with the PostgreSQL backend's CPU per search beside the
wall time. Also prints, per candidate threshold, how many terms and posting rows it would keep (rows ≈
the documents the terms match, one per public channel), which is what a lower threshold costs: rows
rewritten with every product save and disk.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

BANDS = ((200, 700), (700, 1200), (1200, 2000), (2000, 3000), (3000, 5000), (5000, 9000), (9000, 20000))
THRESHOLDS = (500, 1000, 2000, 3000, 5000)


def _backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup("meidu_search_bench")
    from django.db import connection
    from django.test import override_settings

    from marketplace.channels.models import Channel
    from marketplace.search.models import ProductSearchTerm
    from marketplace.search.selectors import products_page
    from meidu.core.search.analysis import parse_query
    from meidu.core.search.postings import term_key

    rural = Channel.objects.get(slug="rural").pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT vector FROM product_search_productsearchdocument"
            " WHERE vector IS NOT NULL') ORDER BY ndoc DESC, word"
        )
        stats = cursor.fetchall()
    documents = max(n for _w, n in stats) if stats else 0
    print(
        f"{len(stats)} lexemes over ~{documents:,} documents; {ProductSearchTerm.objects.count()} terms have postings"
    )
    for threshold in THRESHOLDS:
        kept = [n for _w, n in stats if n >= threshold]
        print(f"threshold {threshold:>5}: {len(kept):>4} lexemes, ~{sum(kept):,} posting rows per channel")
    for low, high in BANDS:
        words = [w for w, n in stats if low <= n < high and term_key(w)][: args.words]
        if not words:
            continue
        cells = []
        for postings in (False, True):
            walls = []
            with override_settings(SEARCH_POSTINGS=postings):
                for word in words:  # warm
                    products_page(parse_query(word), channel_id=rural, size=21)
                cpu = _backend_cpu_seconds(pid)
                for _ in range(args.rounds):
                    for word in words:
                        started = time.perf_counter()
                        products_page(parse_query(word), channel_id=rural, size=21)
                        walls.append((time.perf_counter() - started) * 1000)
                cpu_ms = (_backend_cpu_seconds(pid) - cpu) * 1000 / len(walls)
            cells.append(
                f"{'postings' if postings else 'documents'} {statistics.median(walls):.1f} ms (PG CPU {cpu_ms:.1f})"
            )
            report(
                f"plain one-word search, words in {low}-{high} documents, products_page",
                f"median, {'postings' if postings else 'documents'}",
                f"{statistics.median(walls):.1f} ms (PostgreSQL CPU {cpu_ms:.1f} ms)",
            )
        print(f"words in {low:>5}-{high:<5} documents ({len(words)}, e.g. {', '.join(words[:3])}): " + "; ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
