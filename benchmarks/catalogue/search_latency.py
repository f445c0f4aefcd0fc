"""Search latency through the service, in process, on one database.

    python benchmarks/catalogue/search_latency.py --database URL \
        [--rounds 5] [--json out.json]

Calls :func:`fabrique.core.search.search` as pages and the API do (count,
one page of hits, facet counts with labels) for a fixed set of requests by
category, after one warm-up round, and prints p50/p95/max per category and
overall. Run ``generate.py`` first on the same database.

Each request is timed twice: **cold**, the result cache emptied just before
(the first visitor to type these words since the index last changed: what
the goal is measured on), then **warm**, the same request again (served by
the result cache).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime

# category -> (query, options)
REQUESTS: dict[str, list[tuple[str, dict]]] = {
    "one word": [
        (q, {})
        for q in ("velo", "covoiturage", "recharge", "tramway", "gtfs", "logistique",
                  "accessibilite", "lyon", "données", "bornes")
    ],
    "accents and case": [(q, {}) for q in ("Vélo", "VÉLO", "Données", "électriques")],
    "stemmed forms": [
        (q, {}) for q in ("partage ", "partager ", "publiées ", "documenté ")
    ],
    "as one types": [
        (q, {"types": ["commons"]})
        for q in ("ve", "vel", "velo", "velo c", "velo ca", "velo car", "covoit",
                  "rech", "bornes de rec", "preuve de co")
    ],
    "several words": [
        (q, {"types": ["commons"]})
        for q in ("velo cargo ", "preuve de covoiturage ", "bornes de recharge lyon ",
                  "transport à la demande ", "guide accessibilité gares ")
    ],
    "words and facets": [
        ("velo", {"types": ["commons"], "filters": {"kind": ["data"]}}),
        ("covoiturage", {"types": ["commons"], "filters": {"theme": ["ruralite"]}}),
        ("recharge", {"types": ["commons"],
                      "filters": {"maturity": ["beta", "production"]}}),
        ("données", {"types": ["commons"],
                     "filters": {"needs": ["open"], "licence": ["ODbL-1.0"]}}),
    ],
    "list page, no words": [
        ("", {"types": ["commons"]}),
        ("", {"types": ["commons"], "sort": "title"}),
        ("", {"types": ["commons"], "filters": {"kind": ["software"]}}),
        ("", {"types": ["commons"],
              "filters": {"kind": ["software"], "maturity": ["beta"]}}),
        ("", {"types": ["commons"], "page": 50}),
    ],
    "hits only (API)": [
        (q, {"types": ["commons"], "count_facets": False})
        for q in ("velo", "covoiturage", "recharge", "tramway", "gtfs", "logistique",
                  "données", "velo cargo ", "covoit", "bornes de rec")
    ],
    "actors": [
        ("lyon", {"types": ["actor"]}),
        ("association", {"types": ["actor"]}),
        ("", {"types": ["actor"], "filters": {"actor_type": ["lab"]}}),
    ],
}  # fmt: skip


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a DATABASE_URL")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    os.environ.setdefault("FABRIQUE_DATA_DIR", tempfile.mkdtemp(prefix="latency-"))
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from fabrique.core.search import search
    from fabrique.core.search.models import SearchDocument

    documents = SearchDocument.objects.count()
    timings: dict[str, dict[str, list[float]]] = {
        mode: {name: [] for name in REQUESTS} for mode in ("cold", "warm")
    }
    totals: dict[str, str] = {}
    for round_number in range(args.rounds + 1):
        for category, requests in REQUESTS.items():
            for query, options in requests:
                cache.clear()  # the result cache: each request starts cold
                for mode in ("cold", "warm"):
                    started = time.perf_counter()
                    result = search(query, **options)
                    elapsed = (time.perf_counter() - started) * 1000
                    if round_number:  # round 0 warms the database's pages up
                        timings[mode][category].append(elapsed)
                exact = "" if getattr(result, "total_exact", True) else "+"
                totals[f"{query!r} {options}"] = f"{result.total}{exact}"
    report: dict[str, dict] = {}
    print(f"{connection.vendor}: {documents} documents, {args.rounds} rounds")
    for mode in ("cold", "warm"):
        everything = [t for values in timings[mode].values() for t in values]
        rows = {
            name: {
                "n": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "max_ms": round(max(values), 1),
            }
            for name, values in [*timings[mode].items(), ("all", everything)]
        }
        report[mode] = rows
        print(f"\n{mode} ({'result cache emptied' if mode == 'cold' else 'cached'})")
        print(f"{'requests':<22} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, row in rows.items():
            print(f"{name:<22} {row['n']:>4} {row['p50_ms']:>8} {row['p95_ms']:>8} "
                  f"{row['max_ms']:>8}")  # fmt: skip
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "load_average": os.getloadavg(),
                    "vendor": connection.vendor,
                    "documents": documents,
                    "rows": report,
                    "totals": totals,
                },
                out,
                indent=1,
                ensure_ascii=False,
            )


if __name__ == "__main__":
    sys.exit(main())
