"""Catalogue load benchmark: the production server under wrk, on loopback.

Two steps, each against one database (``--database``, a ``DATABASE_URL``):

    python benchmarks/catalogue/load.py prepare --database URL
    python benchmarks/catalogue/load.py run --database URL

``prepare`` migrates the database and fills it with 100,000 commons and
20,000 actors (with ``generate.py`` of this folder), then builds the search
index; with ``--maintenance`` it then runs what a settled database has had
(``VACUUM ANALYZE`` on PostgreSQL, ``ANALYZE`` on SQLite); without, the
database is left as the bulk load left it.
``run`` starts ``fabrique serve --workers 2`` (gunicorn) with this folder's
settings, which add a bare Django view, and measures with wrk, in the same
run: search (23 queries, repeated, so mostly from the result cache; then
cold: every request a new one, drawn from the catalogue's own words), the
list page with facets and commons pages,
with the bare view (the ceiling of the stack) measured before and after each
of them: each page's ratio is taken against the mean of the two, which
follows the machine's load as the run goes. It prints p50/p95 latency,
requests/s and the ratios to the bare view, and writes them as JSON with
``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from serving import HERE, SETTINGS, free_port, serve, status, wait_ready, wrk_run

# Search terms a visitor would type: unaccented, accented, stems, acronyms.
SEARCH_TERMS = [
    "velo", "Vélo", "covoiturage", "partage", "recharge", "gtfs", "cargo",
    "autopartage", "trottinette", "accessibilite", "itineraire", "borne",
    "tramway", "logistique", "comptage", "billettique", "navette", "lyon",
    "velo cargo", "donnees ouvertes", "guide", "capteur", "temps reel",
]  # fmt: skip


def setup_django(database: str) -> None:
    """Configure Django with this folder's settings against ``database``."""
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DEBUG"] = "0"  # as in production: no query log, cached templates
    os.environ.setdefault("FABRIQUE_DATA_DIR", tempfile.mkdtemp(prefix="benchcat-"))
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import django

    django.setup()


# --------------------------------------------------------------------- prepare


def prepare(args: argparse.Namespace) -> None:
    setup_django(args.database)
    from django.core.management import call_command

    from fabrique.catalog.models import Commons

    call_command("migrate", interactive=False, verbosity=0)
    existing = Commons.objects.count()
    if existing >= args.commons and not args.force:
        print(f"{existing} commons already there: not generating (--force adds more)")
    else:
        started = time.perf_counter()
        generate(commons=args.commons, actors=args.actors, seed=args.seed)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    reindex()
    print(f"search index built in {time.perf_counter() - started:.0f} s")
    if args.maintenance:
        maintain()
    else:
        print("no maintenance: statistics as the bulk load left them")


def generate(*, commons: int, actors: int, seed: int) -> None:
    """Fill the catalogue with this folder's generator."""
    import generate as catalogue  # this folder is on sys.path

    catalogue.generate(commons=commons, actors=actors, seed=seed)


def reindex() -> None:
    """Build the search index of every type (bulk loads skip the signals)."""
    try:
        from fabrique.core.search.index import rebuild
    except ImportError:
        print("no search index in this version: not built")
        return

    def progress(name: str, done: int, total: int) -> None:
        if done == total or done % 20_000 == 0:
            print(f"  indexed {done}/{total} {name}", flush=True)

    rebuild(progress=progress)


def maintain() -> None:
    """What a settled database has had after a bulk load: the planner's
    statistics and, on PostgreSQL, a visibility map (``VACUUM ANALYZE``)."""
    from django.db import connection

    statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(statement)
    print(f"{statement} in {time.perf_counter() - started:.0f} s")


# ------------------------------------------------------------------------- run


def run(args: argparse.Namespace) -> None:
    setup_django(args.database)
    from django.db import connection

    from fabrique.catalog.models import Commons

    total = Commons.objects.count()
    rng = random.Random(args.seed)
    slugs = _sample_slugs(rng)
    vendor = connection.vendor
    connection.close()

    load_before = os.getloadavg()[0]
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    with _server(args, port) as server_log:
        wait_ready(base + "/bench/bare/", server_log)
        scenarios = _scenarios(lambda path: status(base + path), slugs, rng)
        results: dict[str, dict] = {}
        bare_runs: list[dict] = []
        bare_paths = scenarios.pop(BARE)
        bare_runs.append(_measure(base, BARE, bare_paths, args))
        for name, paths in scenarios.items():
            if args.only and name not in args.only:
                continue
            if name == VISITED:
                # Every commons page once more, as a busy site's pages are:
                # the anonymous page cache then holds them (with Redis, for
                # both workers; with local memory, for the one that served).
                started = time.perf_counter()
                for path in paths:
                    status(base + path)
                print(f"  primed {len(paths)} pages in "
                      f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
            result = _measure(base, name, paths, args)
            # The ceiling again just after: the page's ratio is taken
            # against the mean of the bare view just before and just after.
            bare_runs.append(_measure(base, BARE, bare_paths, args))
            before, after = bare_runs[-2]["rps"], bare_runs[-1]["rps"]
            result["bare_rps_before"] = before
            result["bare_rps_after"] = after
            result["ratio_to_bare"] = (
                result["rps"] / ((before + after) / 2) if before + after else None
            )
            results[name] = result
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database": vendor,
        "commons": total,
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "cache": "redis" if args.redis else "local memory",
        "bare_view": bare_runs,
        "results": results,
    }
    _print(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


# The ceiling of the stack, measured before and after every other page.
BARE = "bare view"
# The commons pages again, each visited once more just before.
VISITED = "commons page, visited before"
# Searches never made before in the run (no warm-up: it would make them).
COLD = "search, cold"


def _sample_slugs(rng: random.Random, count: int = 2000) -> list[str]:
    from fabrique.catalog.models import Commons

    ids = list(Commons.objects.filter(hidden=False).values_list("pk", flat=True))
    sample = rng.sample(ids, min(count, len(ids)))
    return list(Commons.objects.filter(pk__in=sample).values_list("slug", flat=True))


def _scenarios(
    status: Callable[[str], int], slugs: list[str], rng: random.Random
) -> dict[str, list[str]]:
    """The URL lists of each measured page, probed so none measures an error."""
    from django.urls import reverse

    from fabrique.catalog.models import Kind, Maturity, Theme

    list_url = reverse("catalog:commons_list")
    api_url = "/api/1/commons/"
    queries = [urllib.request.quote(term) for term in SEARCH_TERMS]
    search = [f"{api_url}?q={q}" for q in queries]
    if status(search[0]) != 200:
        print(f"{api_url} does not answer yet: search measured on the list page")
        search = [f"{list_url}?q={q}" for q in queries]
    cold = _cold_searches(api_url, rng)
    themes = list(Theme.objects.values_list("slug", flat=True)) or [""]
    facets = []
    for _ in range(200):
        filters = [
            ("kind", rng.choice(Kind.values)),
            ("maturity", rng.choice(Maturity.values)),
            ("theme", rng.choice(themes)),
            ("q", rng.choice(SEARCH_TERMS)),
            ("sort", rng.choice(["relevance", "updated", "title"])),
            ("page", str(rng.randint(1, 5))),
            ("needs", "open"),
        ]
        chosen = rng.sample(filters, rng.randint(1, 3))
        query = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in chosen)
        facets.append(f"{list_url}?{query}")
    commons = [reverse("catalog:commons", args=[slug]) for slug in slugs]
    scenarios = {
        BARE: ["/bench/bare/"],
        "search": search,
        COLD: cold,
        "list with facets": facets,
        "commons page": commons,
        VISITED: commons,
        "home page": ["/"],
    }
    for name, paths in scenarios.items():
        bad = [p for p in paths[:20] if status(p) != 200]
        if bad:
            raise SystemExit(f"{name}: {bad[0]} does not answer 200; fix it first")
    # Not those the probe has just cached: the cold searches, and the first
    # visits of commons pages (the page cache would answer those 20).
    scenarios[COLD] = cold[20:]
    scenarios["commons page"] = commons[20:] or commons
    return scenarios


def _cold_searches(api_url: str, rng: random.Random, count: int = 3000) -> list[str]:
    """Distinct API searches drawn from the catalogue's own words.

    Drawn as ``search_latency.py`` draws its requests (broad, medium and rare
    words of the catalogue, one to three, facets or not, every sort, pages 1
    to 5), commons only, one value per facet as the API takes. Each is
    requested once only: the result cache never answers, as for the first
    visitor to type these words since the index last changed; more than a
    run can request, so that wrk never comes back to one.
    """
    import search_latency  # this folder is on sys.path

    words = search_latency.catalogue_words(rng)
    drawn = search_latency.draw_requests(
        rng, words, search_latency.facet_values(), count
    )
    urls = []
    for query, options, _ in drawn:
        if options.get("types") != ["commons"]:
            continue
        params = {"q": query, "sort": options["sort"], "page": options["page"]}
        for name, values in options.get("filters", {}).items():
            if name == "needs":
                params["has_open_needs"] = "true"
            else:
                params[name] = values[0]
        urls.append(f"{api_url}?{urllib.parse.urlencode(params)}")
    urls = list(dict.fromkeys(urls))
    rng.shuffle(urls)
    return urls


def cost(args: argparse.Namespace) -> None:
    """CPU time and queries per request, in process: what load cannot blur.

    On a busy machine wrk's figures swing with the neighbours' load; the CPU
    time a request costs the web process does not (much), and the ratio of a
    page's CPU time to the bare view's is the throughput ratio a CPU-bound
    server reaches. Database time on PostgreSQL is another process's and is
    shown as the difference between wall and CPU time.
    """
    setup_django(args.database)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rng = random.Random(args.seed)
    scenarios = _scenarios(
        lambda path: client.get(path).status_code, _sample_slugs(rng), rng
    )
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    print("| page | CPU ms p50 | wall ms p50 | wall ms p95 | queries | CPU ÷ bare |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    bare_cpu = None
    # The commons page twice: first visits (rendered), then the same pages
    # again (from the anonymous page cache).
    commons = scenarios["commons page"][: args.requests]
    scenarios["commons page"] = commons
    scenarios = {
        **{k: v for k, v in scenarios.items() if k not in ("home page", VISITED)},
        "commons page, again (cached)": commons,
        "home page": scenarios["home page"],
    }
    for name, paths in scenarios.items():
        cpu, wall, queries = [], [], []
        for i in range(args.requests):
            path = paths[i % len(paths)]
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(path)
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
        cpu.sort()
        wall.sort()
        cpu_p50 = cpu[len(cpu) // 2]
        bare_cpu = bare_cpu or cpu_p50
        print(
            f"| {name} | {cpu_p50:.2f} | {wall[len(wall) // 2]:.2f} | "
            f"{wall[int(len(wall) * 0.95)]:.2f} | {max(queries)} | "
            f"{bare_cpu / cpu_p50:.1%} |",
            flush=True,
        )


def _measure(base: str, name: str, paths: list[str], args) -> dict:
    result = wrk_run(
        base,
        paths,
        connections=args.connections,
        warmup=0 if name == COLD else args.warmup,
        duration=args.duration,
    )
    errors = result["errors"]
    print(
        f"  {name:<18} {result['rps']:7.1f} req/s  p50 {_ms(result['p50_ms'])}"
        f"  p95 {_ms(result['p95_ms'])}  errors {errors}",
        flush=True,
    )
    return result


def _ms(value: float | None) -> str:
    """Milliseconds, or a dash when no request completed in the duration."""
    return "—" if value is None else f"{value:.1f}"


def _print(report: dict) -> None:
    """The run's table. Each page's ratio is taken against the mean of the
    bare view just before and just after it; a report whose bare view was
    measured once, as a page of its own (``results["bare view"]``, as the
    ecosystem benchmark still does), has its ratios taken against that."""
    results = report["results"]
    single = results.get(BARE, {}).get("rps")
    print(
        f"\n{report['date']} · {report['database']} · {report['commons']} commons · "
        f"{report['workers']} workers · wrk {report['connections']} connections, "
        f"{report['duration_s']} s per page · load average "
        f"{report['load_average_before']:.1f} before, "
        f"{report['load_average_after']:.1f} after · cache {report['cache']}"
    )
    print(
        "| page | req/s | p50 ms | p95 ms | p99 ms | errors | bare req/s before "
        "| bare req/s after | req/s ÷ mean bare |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        if "ratio_to_bare" in r:
            ratio = r["ratio_to_bare"]
            before, after = r["bare_rps_before"], r["bare_rps_after"]
            around = f"{before:.1f} | {after:.1f}"
        else:
            ratio = r["rps"] / single if single else None
            around = "— | —"
        print(
            f"| {name} | {r['rps']:.1f} | {_ms(r['p50_ms'])} | {_ms(r['p95_ms'])} | "
            f"{_ms(r['p99_ms'])} | {r['errors']} | {around} | "
            f"{'—' if ratio is None else f'{ratio:.1%}'} |"
        )
    bare = [b["rps"] for b in report.get("bare_view", [])]
    if bare:
        print(
            f"bare view, {len(bare)} times in the run: "
            + ", ".join(f"{rps:.0f}" for rps in bare)
            + " req/s"
        )


@contextlib.contextmanager
def _server(args: argparse.Namespace, port: int) -> Iterator[Path]:
    """Run ``fabrique serve`` on ``args.database``; stop it on exit."""
    data_dir = Path(tempfile.mkdtemp(prefix="benchcat-serve-"))
    env = {
        "DATABASE_URL": args.database,
        # The shared cache of a production set-up, when given.
        "REDIS_URL": args.redis,
        "FABRIQUE_DATA_DIR": str(data_dir),
    }
    try:
        with serve(env, port, args.workers) as log:
            yield log
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("prepare", "run", "cost"):
        sub = commands.add_parser(name)
        sub.add_argument("--database", required=True, help="a DATABASE_URL")
        sub.add_argument("--seed", type=int, default=2026)
    prep = commands.choices["prepare"]
    prep.add_argument("--commons", type=int, default=100_000)
    prep.add_argument("--actors", type=int, default=20_000)
    prep.add_argument(
        "--maintenance",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="after the load, VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite), "
        "as a settled database has had; off by default: a fresh instance's state",
    )
    prep.add_argument(
        "--force",
        action="store_true",
        help="generate even if already filled (adds rows)",
    )
    bench = commands.choices["run"]
    bench.add_argument("--workers", type=int, default=2)
    bench.add_argument("--connections", type=int, default=4)
    bench.add_argument("--duration", type=int, default=15, help="seconds per page")
    bench.add_argument("--warmup", type=int, default=3, help="seconds per page")
    bench.add_argument("--port", type=int, default=0)
    bench.add_argument(
        "--only",
        action="append",
        metavar="PAGE",
        help="measure this page only, with the bare view before and after "
        '(e.g. "search, cold"); may be repeated',
    )
    bench.add_argument("--json", help="write the figures to this file")
    bench.add_argument(
        "--redis",
        default="",
        help="REDIS_URL of the server (shared cache); local memory without",
    )
    commands.choices["cost"].add_argument(
        "--requests", type=int, default=200, help="requests per page"
    )
    args = parser.parse_args()
    {"prepare": prepare, "run": run, "cost": cost}[args.command](args)


if __name__ == "__main__":
    main()
