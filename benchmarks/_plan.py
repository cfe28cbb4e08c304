"""How `make bench` runs each script: its arguments sized for this machine, the quick mode's smallest
sizes, the dataset it shares with other scripts, and how long it may take.

Sizes follow each script's docstring and the goal's own size (a 50,000-line bill, 10,000 pledged
receipts, 100,000 products...), on a 2-core machine. Placeholders: `{redis}` (BENCH_REDIS_URL), `{port}`
(a free port picked just before the run, so a run beside another engineer's does not collide).

A script missing here still runs (with no arguments, in the `main` dataset, the default timeout). A new
script may instead say how it wants to be run in its own file, with a module-level literal:

    BENCH_RUN = {"full": ["--requests", "200"], "quick": ["--requests", "5"], "dataset": "catalogue",
                 "timeout": 900, "quick_timeout": 300, "after": ["products_query"]}

Datasets: each is one database (`<base>_<dataset>`, e.g. meidu_bench_catalogue), shared by the scripts
that seed compatible data. `fresh` datasets are recreated from the migrated template before the run,
because their figures drift as runs pile rows up (the checkout race, the first valuation of a day);
the others keep their seeded data (100,000 products take minutes) and are VACUUM ANALYZEd before each
script, as this machine's PostgreSQL runs with autovacuum off. `None`: the script needs no database.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TIMEOUT = 900
QUICK_TIMEOUT = 300


@dataclass(frozen=True)
class Plan:
    full: list[str] = field(default_factory=list)
    quick: list[str] = field(default_factory=list)
    dataset: str | None = "main"
    timeout: int = DEFAULT_TIMEOUT
    after: tuple[str, ...] = ()  # scripts whose data this one reads (run first when both are selected)
    quick_timeout: int = QUICK_TIMEOUT  # quick sizes, but a first run still seeds its dataset


FRESH_DATASETS = {"checkout", "exchange", "alipay", "notify", "valuation"}

PLANS: dict[str, Plan] = {
    "alipay_bill_reconcile": Plan(["--lines", "50000"], ["--lines", "2000"], "alipay", 900),
    "alipay_notify": Plan(
        ["--notifications", "2000", "--clients", "8", "--workers", "2", "--redis", "{redis}"],
        ["--notifications", "60", "--clients", "4", "--workers", "1", "--redis", "{redis}"],
        "alipay",
        1200,
    ),
    "bill_reconcile": Plan(["--lines", "50000"], ["--lines", "2000", "--differences", "5"], "bill", 900),
    "checkout_complete_cost": Plan(
        ["--completions", "200", "--rounds", "5", "--broker", "{redis}"],
        ["--completions", "20", "--rounds", "2"],
        "checkout",
        900,
    ),
    "checkout_race": Plan(
        ["--workers", "4", "--broker", "{redis}"],
        ["--buyers", "20", "--units", "5", "--workers", "2"],
        "checkout",
        1200,
    ),
    "exchange_engine": Plan([], ["--bids", "2000", "--auctions", "10", "--clear-bids", "1000", "--repeat", "1"], None),
    "exchange_service": Plan(
        ["--service-bids", "1000", "--seconds", "30", "--workers", "2"],
        ["--service-bids", "50", "--bidders", "10", "--rate", "10", "--seconds", "3", "--workers", "1"],
        "exchange",
        900,
    ),
    # a dataset of its own: its markets would collide with the demo data `meidu seed` puts in `main`
    "farm_board": Plan(["--requests", "200"], ["--items", "5", "--years", "1", "--requests", "20"], "farm"),
    "farm_matching": Plan(["--open", "10000", "--runs", "200"], ["--open", "500", "--runs", "20"]),
    "financing_valuation": Plan([], ["--receipts", "200", "--runs", "1"], "valuation"),
    "hooks_profile": Plan(
        ["--requests", "600", "--profile", "none", "--redis", "{redis}"],
        ["--requests", "30", "--profile", "none", "--redis", "{redis}"],
        "hooks",
    ),
    "incubator_weekly_settlement": Plan([], ["--distributors", "3", "--orders", "30"], "incubator", 1200),
    "ledger_post": Plan(["--transactions", "2000"], ["--transactions", "50"]),
    "phone_codes": Plan(["--users", "300"], ["--users", "30"], "phone"),
    "products_query": Plan(
        ["--products", "100000", "--requests", "200"],
        ["--products", "1000", "--requests", "20", "--warmup", "2", "--deep-pages", "2"],
        "catalogue",
        1800,
        quick_timeout=900,  # the demo marketplace through the services on a fresh dataset: minutes
    ),
    "receipt_verify": Plan(
        ["--receipts", "200", "--clients", "20", "--seconds", "20", "--workers", "2", "--port", "{port}"]
        + ["--redis", "{redis}"],
        ["--receipts", "20", "--clients", "4", "--seconds", "3", "--warmup", "1", "--workers", "1"]
        + ["--port", "{port}", "--redis", "{redis}"],
        "stmt",
    ),
    "receipt_verify_profile": Plan(
        ["--requests", "2000", "--profile", "none", "--redis", "{redis}"],
        ["--requests", "50", "--profile", "none", "--redis", "{redis}"],
        "stmt",
        after=("receipt_verify",),
    ),
    "route_quality": Plan([], ["--quick"], None, 1500),  # two 120 s references and 41 s of budgets: 12 min at load 17
    "search_quality": Plan([], [], "search_quality"),
    "search_query": Plan(
        ["--products", "100000", "--requests", "600"],
        ["--products", "1000", "--requests", "30"],
        "catalogue",
        1800,
        after=("products_query",),  # the same catalogue: seeded once, by whichever runs first
        quick_timeout=900,
    ),
    "statement_offline_verify": Plan(["--rounds", "20000"], ["--rounds", "200"], "stmt", after=("receipt_verify",)),
    "tracking_push": Plan(
        ["--waybills", "500", "--clients", "8", "--seconds", "20", "--workers", "2", "--port", "{port}"]
        + ["--redis", "{redis}"],
        ["--waybills", "30", "--clients", "2", "--seconds", "3", "--warmup", "1", "--workers", "1"]
        + ["--port", "{port}", "--redis", "{redis}"],
        "tracking",
    ),
    "training_funnel": Plan(["--trainees", "10000"], ["--trainees", "300", "--runs", "1"], "training"),
    "wechatpay_notify": Plan(
        ["--notifications", "3000", "--clients", "8", "--workers", "2", "--port", "{port}"],
        ["--notifications", "200", "--clients", "4", "--workers", "1", "--port", "{port}"],
        "notify",
    ),
}


def plan_for(name: str, path: Path) -> Plan:
    """This script's plan: PLANS, else its own BENCH_RUN literal, else no arguments in `main`."""
    if name in PLANS:
        return PLANS[name]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "BENCH_RUN" for t in node.targets):
            declared = ast.literal_eval(node.value)
            return Plan(
                list(declared.get("full", [])),
                list(declared.get("quick", declared.get("full", []))),
                declared.get("dataset", "main"),
                int(declared.get("timeout", DEFAULT_TIMEOUT)),
                tuple(declared.get("after", ())),
                int(declared.get("quick_timeout", QUICK_TIMEOUT)),
            )
    return Plan()
