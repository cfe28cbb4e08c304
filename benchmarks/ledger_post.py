"""Throughput of ledger_post: balanced 3-posting transactions per second, one connection,
with a no-negative account locked on every post (the marketplace payout pattern).

    .venv/bin/python benchmarks/ledger_post.py [--transactions 2000]
Uses BENCH_DATABASE_URL, or a `meidu_bench` database on the embedded PostgreSQL.
"""

import argparse
import time
import uuid
from decimal import Decimal

from _report import report
from _setup import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transactions", type=int, default=2000)
    args = parser.parse_args()
    setup()
    from meidu.core.ledger.selectors import ledger_balance
    from meidu.core.ledger.services import ledger_account_open, ledger_post

    run = uuid.uuid4().hex[:8]
    clearing = ledger_account_open(f"bench:{run}:clearing", "clearing")
    seller = ledger_account_open(f"bench:{run}:seller", "seller", allow_negative=False)
    fees = ledger_account_open(f"bench:{run}:fees", "fees")
    started = time.perf_counter()
    for i in range(args.transactions):
        ledger_post(
            [(clearing, Decimal("-100.00")), (seller, Decimal("97.00")), (fees, Decimal("3.00"))],
            description="bench",
            reference=f"order:{i}",
        )
    elapsed = time.perf_counter() - started
    assert ledger_balance(seller).amount == Decimal("97.00") * args.transactions
    print(
        f"{args.transactions} transactions in {elapsed:.2f} s: {args.transactions / elapsed:.0f} tx/s, "
        f"{elapsed / args.transactions * 1000:.2f} ms per ledger_post"
    )
    report(
        f"`ledger_post`, 3 postings, guarded account locked, {args.transactions:,} posts",
        "throughput",
        f"{args.transactions / elapsed:.0f} tx/s, {elapsed / args.transactions * 1000:.2f} ms per post",
    )


if __name__ == "__main__":
    main()
