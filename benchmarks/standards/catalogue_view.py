"""The paged DCAT-AP catalogue as served: ``GET /catalogue.ttl?page=N``
through Django (middleware, queries, graph, Turtle), at ``--commons``
commons in the database.

    DATABASE_URL=postgres://…/bench .venv/bin/python \\
        benchmarks/standards/catalogue_view.py --commons 100000 --runs 50

The database is migrated, then filled by bulk inserts up to ``--commons``
commons (each with a theme and links; one in ten with a transport dataset
and a GTFS resource) if it holds fewer, and vacuumed and analysed. Pages
are drawn at random over the whole catalogue, deterministically for a seed;
the first page is left out (warm-up). Reports p50/p95 wall and CPU time
per page and the queries of one. Use a database of its own: it is filled,
never emptied. Before timing, it loads the WSGI application
(``fabrique.wsgi``: every route loaded, then ``gc.freeze()``), as a served
process does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
os.environ.setdefault("RATELIMIT_ENABLED", "0")
os.environ.setdefault("DEBUG", "0")

BATCH = 2000


def fill(count: int) -> None:
    from django.utils import timezone

    from fabrique.catalog.models import Commons, Theme
    from fabrique.transport.models import Dataset, Resource

    have = Commons.objects.count()
    if have >= count:
        return
    themes = [
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in [("velo", "Vélo"), ("bus", "Bus"), ("marche", "Marche")]
    ]
    through = Commons.themes.through
    kinds = ["data", "software", "hardware", "knowledge", "service"]
    now = timezone.now()
    for start in range(have, count, BATCH):
        rows = [
            Commons(
                title=f"Commun numéro {i}",
                slug=f"commun-{i}",
                summary=f"Le commun numéro {i}, pour mesurer le catalogue.",
                description="Un commun **ouvert** de la mobilité.",
                kind=kinds[i % 5],
                tags=["vélo", "comptage", f"mot-{i % 50}"],
                licence=["ODbL-1.0", "MIT", "CC-BY-4.0", ""][i % 4],
                maturity="beta",
                repository_url=f"https://forge.example/commun-{i}",
                download_url=f"https://data.example/commun-{i}.csv" if i % 2 else "",
                documentation_url=f"https://docs.example/commun-{i}/",
                created=now,
                updated=now,
            )
            for i in range(start, min(start + BATCH, count))
        ]
        made = Commons.objects.bulk_create(rows)
        through.objects.bulk_create(
            [through(commons_id=c.pk, theme_id=themes[c.pk % 3].pk) for c in made]
        )
        datasets = Dataset.objects.bulk_create(
            [
                Dataset(
                    commons=c,
                    coverage="Belvallon",
                    min_lon=4.7,
                    min_lat=45.6,
                    max_lon=5.0,
                    max_lat=45.9,
                    formats=["gtfs"],
                )
                for c in made
                if c.kind == "data" and c.pk % 2 == 0
            ]
        )
        Resource.objects.bulk_create(
            [
                Resource(
                    dataset=d,
                    title="Horaires GTFS",
                    format="gtfs",
                    url=f"https://bus.example/{d.pk}/gtfs.zip",
                    fetch_every_hours=24,
                )
                for d in datasets
            ]
        )
        print(f"{start + len(rows):,} commons", file=sys.stderr)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    fill(args.commons)
    if connection.vendor == "postgresql":
        # What autovacuum does for a live database: statistics for the
        # planner, the visibility map for index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    # What the served process does once loaded: the WSGI module loads every
    # route, then moves the objects made so far out of the garbage
    # collector's sight, so a full collection during a request does not walk
    # them all.
    import fabrique.wsgi  # noqa: F401

    client = Client()
    pages = -(-args.commons // args.page_size)
    rng = random.Random(args.seed)
    numbers = [rng.randint(1, pages) for _ in range(args.runs + 1)]
    wall, cpu = [], []
    for index, number in enumerate(numbers):
        url = f"/catalogue.ttl?page={number}&page_size={args.page_size}"
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        if index:  # the first page warms the process up
            wall.append(elapsed)
            cpu.append(time.process_time() - started_cpu)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/catalogue.ttl?page={numbers[0]}&page_size={args.page_size}")
    out = {
        "commons": args.commons,
        "page_size": args.page_size,
        "load_average": os.getloadavg(),
        "page_ms_p50": statistics.median(wall) * 1000,
        "page_ms_p95": p95(wall) * 1000,
        "page_cpu_ms_p50": statistics.median(cpu) * 1000,
        "page_cpu_ms_p95": p95(cpu) * 1000,
        "queries_per_page": len(queries),
    }
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text)


if __name__ == "__main__":
    main()
