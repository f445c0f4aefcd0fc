"""Departures benchmark: latency of "next departures at a stop on a date".

    .venv/bin/python benchmarks/gtfs/departures.py FEED.zip --work DIR [--pairs 1000]
    .venv/bin/python benchmarks/gtfs/departures.py --store DIR/store ...

Ingests FEED with ``fabrique gtfs ingest`` into ``DIR/store`` (unless
``--store`` names one already ingested), runs :func:`fabrique.gtfs.query.prepare`
and measures, for ``--pairs`` random (stop, date) pairs drawn with a fixed seed
(a random stop time's stop, and a random day its trip runs):

1. **in process**: :func:`fabrique.gtfs.query.departures` (limit 20), each
   pair once per round, ``--rounds`` rounds, p50/p95/p99 of each round and
   their median;
2. **over HTTP**: ``GET /api/1/transport/versions/{id}/stops/{stop}/departures/
   ?date=…`` on the production server (``fabrique serve``, gunicorn with
   ``--workers`` workers) under wrk, against a throw-away SQLite database
   holding one dataset whose version points at the store; measured in the
   same run as the bare view of ``benchmarks/catalogue`` (the ceiling of the
   stack), with the ratio of the two;
3. **peer**: the same query on the store *not* prepared (the engine reading
   the Parquet files directly), on a few pairs, to show what ``prepare`` buys.

Prints a Markdown table with the load average; ``--json FILE`` keeps the
figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CATALOGUE = HERE.parent / "catalogue"  # its bare view and wrk helpers
sys.path.insert(0, str(CATALOGUE))

from serving import free_port, serve, status, wait_ready, wrk_run  # noqa: E402


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99)}


def ingest(feed: Path, store: Path) -> float:
    fabrique = Path(sys.executable).with_name("fabrique")
    started = time.perf_counter()
    subprocess.run(
        [str(fabrique), "gtfs", "ingest", "--no-geojson", str(feed), str(store)],
        check=True,
    )
    return time.perf_counter() - started


def sample_pairs(store: Path, count: int, seed: int) -> list[tuple[str, dt.date]]:
    """Random stop times, each with a random day its trip runs (so most pairs
    have departures: a random date in a multi-year window rarely does)."""
    from fabrique.gtfs import query

    opened = query.store(store)
    with opened.cursor() as cur:
        rows = cur.execute(
            "SELECT stop_id, service_id FROM q_departures "
            f"USING SAMPLE reservoir({int(count)} ROWS) REPEATABLE ({int(seed)})"
        ).fetchall()
        days: dict[str, list[dt.date]] = {}
        for _stop, service in rows:
            if service not in days:
                days[service] = [
                    d
                    for (d,) in cur.execute(
                        "SELECT day FROM q_service_days WHERE service_id = ?",
                        [service],
                    ).fetchall()
                ]
    rng = random.Random(seed)
    pairs = [
        (stop, rng.choice(days[service]))
        for stop, service in sorted(rows)
        if days.get(service)
    ]
    rng.shuffle(pairs)
    return pairs


def in_process(
    store: Path, pairs: list[tuple[str, dt.date]], rounds: int
) -> dict[str, object]:
    from fabrique.gtfs import query

    query.departures(store, pairs[0][0], pairs[0][1])  # open the store once
    runs, answered = [], 0
    for _ in range(rounds):
        times = []
        for stop_id, day in pairs:
            started = time.perf_counter()
            rows = query.departures(store, stop_id, day, limit=20)
            times.append((time.perf_counter() - started) * 1000)
            answered += bool(rows)
        runs.append(percentiles(times))
    return {
        "runs": runs,
        "median": {k: statistics.median(r[k] for r in runs) for k in runs[0]},
        "with_departures": answered / (rounds * len(pairs)),
    }


def unprepared(store: Path, pairs: list[tuple[str, dt.date]]) -> dict[str, float]:
    """The same query on the Parquet files alone (no query database)."""
    from fabrique.gtfs import query

    raw = Path(tempfile.mkdtemp(prefix="departures-raw-"))
    try:
        for path in store.iterdir():
            if path.suffix in (".parquet", ".json"):
                (raw / path.name).symlink_to(path.resolve())
        query.departures(raw, pairs[0][0], pairs[0][1])
        times = []
        for stop_id, day in pairs:
            started = time.perf_counter()
            query.departures(raw, stop_id, day, limit=20)
            times.append((time.perf_counter() - started) * 1000)
        query.forget(raw)
        return percentiles(times)
    finally:
        shutil.rmtree(raw, ignore_errors=True)


# HTTP ---------------------------------------------------------------------


def make_site(store: Path, site: Path) -> tuple[str, dict[str, str], int]:
    """A SQLite site with one dataset whose version 1 is the store."""
    database = f"sqlite:///{site / 'db.sqlite3'}"
    env = {
        "DATABASE_URL": database,
        "FABRIQUE_DATA_DIR": str(site),
        "FABRIQUE_TRANSPORT_STORE": str(site / "transport"),
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "DEBUG": "0",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils.timezone import now

    from fabrique.accounts.models import User
    from fabrique.transport import services
    from fabrique.transport.models import Version, VersionStatus

    call_command("migrate", interactive=False, verbosity=0)
    user = User.objects.create_user(
        username="bench", password=secrets.token_urlsafe(), charter_accepted_at=now()
    )
    dataset = services.create_dataset(
        user=user,
        data={"title": "Benchmark feed", "summary": "Departures benchmark."},
    )
    resource = services.add_resource(dataset, user=user, title="GTFS", format="gtfs")
    version = Version.objects.create(
        resource=resource,
        number=1,
        sha256="0" * 64,
        filename="feed.zip",
        status=VersionStatus.READY,
        progress=100,
    )
    version.directory.mkdir(parents=True)
    (version.directory / "store").symlink_to(store.resolve())
    return database, env, version.pk


def wrk(base: str, paths: list[str], args: argparse.Namespace) -> dict:
    return wrk_run(
        base,
        paths,
        connections=args.connections,
        warmup=args.warmup,
        duration=args.duration,
    )


def over_http(
    store: Path, pairs: list[tuple[str, dt.date]], args: argparse.Namespace
) -> dict[str, object]:
    site = Path(tempfile.mkdtemp(prefix="departures-site-"))
    try:
        _database, env, version_id = make_site(store, site)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        paths = [
            f"/api/1/transport/versions/{version_id}/stops/"
            f"{urllib.parse.quote(stop_id, safe='')}/departures/"
            f"?date={day.isoformat()}&limit=20"
            for stop_id, day in pairs
        ]
        with serve(env, port, args.workers) as log:
            wait_ready(base + "/bench/bare/", log)
            bad = [p for p in paths[:20] if status(base + p) != 200]
            if bad:
                raise SystemExit(f"{bad[0]} does not answer 200")
            runs: dict[str, list[dict[str, float]]] = {
                "bare view": [],
                "departures": [],
            }
            for _ in range(args.rounds):
                runs["bare view"].append(wrk(base, ["/bench/bare/"], args))
                runs["departures"].append(wrk(base, paths, args))
        return {
            name: {
                "runs": values,
                "median": {
                    k: statistics.median(v[k] for v in values)
                    for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors")
                },
            }
            for name, values in runs.items()
        }
    finally:
        shutil.rmtree(site, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("feed", nargs="?", type=Path, help="a GTFS zip to ingest")
    parser.add_argument("--work", type=Path, help="folder for the ingested store")
    parser.add_argument("--store", type=Path, help="an already ingested store")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--prepared", action="store_true", help="the store is prepared already"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from fabrique.gtfs import query

    report: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_before": os.getloadavg(),
    }
    if args.store:
        store = args.store
    else:
        if not args.feed or not args.work:
            parser.error("give FEED and --work, or --store")
        store = args.work / "store"
        shutil.rmtree(store, ignore_errors=True)
        report["ingest_s"] = ingest(args.feed, store)
    started = time.perf_counter()
    if not (args.prepared and query.is_prepared(store)):
        query.prepare(store)
        report["prepare_s"] = time.perf_counter() - started
    report["query_db_mb"] = (store / query.DATABASE).stat().st_size / 1024**2
    pairs = sample_pairs(store, args.pairs, args.seed)
    report["pairs"] = len(pairs)
    report["in_process"] = in_process(store, pairs, args.rounds)
    report["unprepared"] = unprepared(store, pairs[: max(20, args.pairs // 50)])
    if not args.no_http:
        report["http"] = over_http(store, pairs, args)
    report["load_average_after"] = os.getloadavg()
    show(report, args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")


def show(report: dict, args: argparse.Namespace) -> None:
    load_before = report["load_average_before"][0]
    load_after = report["load_average_after"][0]
    print(
        f"\n{report['date']} · {report['pairs']} (stop, date) pairs · "
        f"{args.rounds} rounds, medians · load average {load_before:.1f} before, "
        f"{load_after:.1f} after · prepare {report.get('prepare_s', 0):.1f} s, "
        f"query database {report['query_db_mb']:.0f} MB"
    )
    print("| measure | p50 ms | p95 ms | p99 ms | req/s | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    inside = report["in_process"]["median"]
    raw = report["unprepared"]
    print(
        f"| departures in process | {inside['p50']:.2f} | {inside['p95']:.2f} | "
        f"{inside['p99']:.2f} | | p95 ÷ unprepared p95: "
        f"{inside['p95'] / raw['p95']:.1%} |"
    )
    print(
        f"| same, store not prepared (peer) | {raw['p50']:.1f} | {raw['p95']:.1f} | "
        f"{raw['p99']:.1f} | | |"
    )
    if "http" in report:
        bare = report["http"]["bare view"]["median"]
        http = report["http"]["departures"]["median"]
        print(
            f"| departures over HTTP ({args.workers} workers, {args.connections} "
            f"connections) | {http['p50_ms']:.1f} | {http['p95_ms']:.1f} | "
            f"{http['p99_ms']:.1f} | {http['rps']:.0f} | req/s ÷ bare: "
            f"{http['rps'] / bare['rps']:.1%} |"
        )
        print(
            f"| bare Django view, same server | {bare['p50_ms']:.1f} | "
            f"{bare['p95_ms']:.1f} | {bare['p99_ms']:.1f} | {bare['rps']:.0f} | |"
        )


if __name__ == "__main__":
    main()
