"""Search quality on the labelled set (tests/support/search_labelled.py): recall@10 and precision@3.

    .venv/bin/python benchmarks/search_quality.py [--backend postgres|elasticsearch] [--verbose]

Seeds the labelled catalogue through the services into a scratch database (BENCH_DATABASE_URL, or
`meidu_search_quality` on the embedded PostgreSQL), builds the documents, then runs every query
through `products(search:, first: 10)` on /graphql/ (django.test.Client) and reports the means, per
query kind too. Elasticsearch runs only when ELASTICSEARCH_URL is set. Goal: recall@10 ≥ 0.95,
precision@3 ≥ 0.9.
"""

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

QUERY = 'query($s: String) { products(channel: "rural", first: 10, search: $s) { edges { node { id name } } } }'


def _seed():
    from marketplace.catalog.models import Product
    from meidu.accounts.services import account_register, user_roles_set
    from tests.marketplace.factories import catalogue_basics, channels, open_shop
    from tests.support.search_catalogue import seed_search_catalogue
    from tests.support.search_labelled import CATALOGUE

    if Product.objects.filter(variants__sku__startswith="LAB-").count() >= len(CATALOGUE):
        return {p.variants.first().sku: p.pk for p in Product.objects.filter(variants__sku__startswith="LAB-")}
    channels()
    owner = account_register(phone="13900099001", email=None, password="x-bench-1234-long", roles=())
    user_roles_set(owner, ["buyer"])
    shop = open_shop(owner)
    from marketplace.channels.models import Channel

    return seed_search_catalogue(shop, owner, Channel.objects.get(slug="rural"), catalogue_basics()["produce"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="postgres")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    setup("meidu_search_quality")
    from django.conf import settings
    from django.test import Client

    from marketplace.catalog.models import Product
    from marketplace.catalog.services_search import product_search_reindex
    from meidu.core.graphql.ids import from_global_id_or_error
    from tests.support.search_labelled import CATALOGUE, QUERIES, precision_at, recall_at, relevant_keys

    settings.ALLOWED_HOSTS = ["*"]
    settings.SEARCH_BACKEND = args.backend
    _seed()
    product_search_reindex(args.backend)
    key_of = {}
    for key, name, _d, _t in CATALOGUE:
        for pk in Product.objects.filter(name=name).values_list("pk", flat=True):
            key_of[pk] = key
    client = Client()
    per_kind = defaultdict(list)
    recalls, precisions = [], []
    for text, tags, kind in QUERIES:
        response = client.post("/graphql/", {"query": QUERY, "variables": {"s": text}}, content_type="application/json")
        edges = response.json()["data"]["products"]["edges"]
        ranked = [key_of.get(int(from_global_id_or_error(e["node"]["id"], "Product")), "?") for e in edges]
        relevant = relevant_keys(tags)
        r, p = recall_at(ranked, relevant), precision_at(ranked, relevant)
        recalls.append(r)
        precisions.append(p)
        per_kind[kind].append((r, p))
        if args.verbose and (r < 1 or p < 1):
            print(f"  {text!r}: recall {r:.2f} precision {p:.2f} got {ranked} want {sorted(relevant)}")
    print(f"backend {args.backend}: {len(QUERIES)} queries over {len(CATALOGUE)} products")
    print(f"recall@10 {sum(recalls) / len(recalls):.3f}  precision@3 {sum(precisions) / len(precisions):.3f}")
    recall, precision = sum(recalls) / len(recalls), sum(precisions) / len(precisions)
    path = f"search quality, labelled set ({len(QUERIES)} queries), {args.backend}"
    report(path, "recall@10", f"{recall:.3f}", "≥ 0.95", recall >= 0.95)
    report(path, "precision@3", f"{precision:.3f}", "≥ 0.9", precision >= 0.9)
    for kind, values in sorted(per_kind.items()):
        rs, ps = zip(*values, strict=True)
        print(f"  {kind:12} n={len(values):3}  recall@10 {sum(rs) / len(rs):.3f}  precision@3 {sum(ps) / len(ps):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
