"""`requestPhoneCode` and `tokenCreateByPhoneCode` in process: CPU and wall time per request, SQL per request.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_phone \\
      .venv/bin/python benchmarks/phone_codes.py [--users 300]

Seeds ``--users`` buyers (once), then for each: requestPhoneCode (SIGN_IN; console SMS backend, so no
provider round trip is counted) and tokenCreateByPhoneCode with the code read from the demo outbox, through
the Django test client (the whole GraphQL stack: parsing, cost limits, the service, JWT signing with RS256),
each from its own client address so the per-address limits do not refuse. Reports per mutation the mean and
p50/p99 of process CPU (Python side, time.process_time) and of wall time (which also holds PostgreSQL's),
and SQL statements per request. The throttle counters are in the database here (test settings: no Redis, so
each counter is one upsert; they and the codes are cleared first). The first 20 pairs warm up and are not
counted.
"""

import argparse
import json
import re
import statistics
import time

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

REQUEST = """mutation($phone: String!) { requestPhoneCode(phone: $phone, purpose: SIGN_IN) { errors { code } } }"""
TOKEN = """mutation($phone: String!, $code: String!) {
  tokenCreateByPhoneCode(phone: $phone, code: $code) { token errors { code } } }"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=300)
    args = parser.parse_args()
    setup("meidu_bench_phone")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from meidu.accounts.models import SmsOutboxMessage, User
    from meidu.accounts.services import account_register

    phones = [f"+86137{n:08d}" for n in range(args.users)]
    existing = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    for phone in phones:
        if phone not in existing:
            account_register(phone=phone, password="Bench-Pear-2026", roles=())
    samples = {"requestPhoneCode": [], "tokenCreateByPhoneCode": []}
    statements = {}
    client = Client()

    def call(name, query, variables, address):
        started_cpu, started = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/graphql/",
                json.dumps({"query": query, "variables": variables}),
                content_type="application/json",
                REMOTE_ADDR=address,
            )
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
        data = response.json()["data"][name]
        assert not data["errors"], data
        statements[name] = len(queries)
        return cpu, wall

    from django.core.cache import cache

    from meidu.accounts.models import PhoneCode, ThrottleCounter

    cache.clear()
    ThrottleCounter.objects.all().delete()
    PhoneCode.objects.all().delete()
    for n, phone in enumerate(phones):
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        first = call("requestPhoneCode", REQUEST, {"phone": phone}, address)
        body = SmsOutboxMessage.objects.filter(phone=phone).order_by("-id").values_list("body", flat=True).first()
        code = re.search(r"\d{6}", body).group()
        second = call("tokenCreateByPhoneCode", TOKEN, {"phone": phone, "code": code}, address)
        if n >= 20:
            samples["requestPhoneCode"].append(first)
            samples["tokenCreateByPhoneCode"].append(second)
    for name, rows in samples.items():
        cpu = sorted(r[0] * 1000 for r in rows)
        wall = sorted(r[1] * 1000 for r in rows)
        p = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))]  # noqa: E731
        print(
            f"{name}: n={len(rows)} "
            f"CPU mean {statistics.mean(cpu):.2f} ms p50 {p(cpu, 0.5):.2f} p99 {p(cpu, 0.99):.2f}; "
            f"wall mean {statistics.mean(wall):.2f} ms p50 {p(wall, 0.5):.2f} p99 {p(wall, 0.99):.2f}; "
            f"SQL statements {statements[name]}"
        )
        report(
            f"`{name}` in process",
            "CPU p50, wall p99",
            f"CPU {p(cpu, 0.5):.2f} ms, wall p99 {p(wall, 0.99):.2f} ms, {statements[name]} SQL",
        )


if __name__ == "__main__":
    main()
