"""Offline verification of one signed receipt statement: `statement_verify` (what `meidu verify-statement`
runs) and the README's ten-line recipe, against a real statement and the JWKS as served.

    .venv/bin/python benchmarks/statement_offline_verify.py [--rounds 20000]

Signs a statement of a receipt (seeded on the scratch benchmark database, see receipt_verify.py), then times
``--rounds`` verifications of each kind in one process: median and p99 of single calls (perf_counter), and
CPU time per verification. Goal (issue 15): <= 1 ms.
"""

import argparse
import json
import re
import statistics
import time
from pathlib import Path

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, call, rounds: int) -> None:
    for _ in range(200):
        call()
    samples = []
    cpu = time.process_time()
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu
    samples.sort()
    print(
        f"{label}: median {statistics.median(samples) * 1e6:.0f} µs, "
        f"p99 {samples[int(0.99 * len(samples))] * 1e6:.0f} µs, "
        f"CPU {cpu / rounds * 1e6:.0f} µs per verification ({rounds} rounds)"
    )
    median = statistics.median(samples)
    report(
        f"offline verification of a receipt statement: {label}",
        "median",
        f"{median * 1e6:.0f} µs",
        "<= 1 ms",
        median <= 0.001,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    setup("meidu_bench_stmt")
    from django.test import Client

    from magnesium_exchange.financing.statements import receipt_statement
    from magnesium_exchange.warehouses.models import Receipt
    from meidu.core.statements import statement_verify

    receipt = Receipt.objects.select_related("warehouse", "commodity", "grade", "holder").first()
    if receipt is None:
        raise SystemExit("no receipt: run benchmarks/receipt_verify.py first (it seeds them)")
    token = receipt_statement(receipt, viewer=None)
    jwks = Client().get("/.well-known/jwks.json").json()
    print(f"statement {len(token)} characters; JWKS {len(jwks['keys'])} keys")
    timed("statement_verify (meidu verify-statement)", lambda: statement_verify(token, jwks), args.rounds)
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Checking a receipt statement offline", 1)[1]
    namespace: dict = {}
    exec(re.search(r"```python\n(.*?)```", readme, re.S).group(1), namespace)
    assert namespace["check_statement"](token, jwks) is not None
    timed("README recipe (check_statement)", lambda: namespace["check_statement"](token, jwks), args.rounds)
    print(json.dumps(statement_verify(token, jwks)["chain"]))


if __name__ == "__main__":
    main()
