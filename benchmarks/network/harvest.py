"""Harvesting a whole instance, then only what changed.

A source instance (``fabrique serve`` on its own SQLite file) holds
``--count`` commons; a second instance (another SQLite file) harvests it
through its change feed, in its own process: wall time, peak memory (the
harvesting process's maximum resident size), requests and bytes. Then
``--percent`` of the source's commons are edited and the second instance
harvests again: that incremental cycle should move at most 2 % of the full
harvest's bytes and requests for a 1 % change.

    .venv/bin/python benchmarks/network/harvest.py --count 100000 --json out.json

With ``--database postgres://…`` the harvesting instance writes to a new
database on that PostgreSQL server (dropped at the end) instead of SQLite.

The commons of the source are written by bulk inserts (with their feed
entries), so filling it costs little next to the harvest itself.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
#: The harvesting instance's database (``--database``); SQLite when empty.
TARGET_DATABASE = os.environ.get("BENCH_TARGET_DATABASE", "")


def _django(folder: Path, port: int) -> None:
    os.environ.update(_env(folder, port))
    sys.path.insert(0, str(SRC))
    import django

    django.setup()


def _env(folder: Path, port: int) -> dict[str, str]:
    # The harvesting instance has an address of its own (never served here).
    own = port if folder.name == "source" else port + 1
    database = f"sqlite:///{folder / 'fabrique.sqlite3'}"
    if folder.name != "source" and TARGET_DATABASE:
        database = TARGET_DATABASE
    return {
        "DJANGO_SETTINGS_MODULE": "fabrique.settings",
        "DATABASE_URL": database,
        "BENCH_TARGET_DATABASE": TARGET_DATABASE,
        "FABRIQUE_DATA_DIR": str(folder),
        "SITE_URL": f"http://127.0.0.1:{own}",
        "TASKS_BACKEND": "immediate",
        "FABRIQUE_TRANSPORT_FETCH_ALLOW_PRIVATE": "1",
        "WEB_CONCURRENCY": "1",
        # One run harvests everything, however long it takes here (the
        # product stops a run after FEDERATION_HARVEST_SECONDS, 30 minutes).
        "FEDERATION_HARVEST_SECONDS": os.environ.get(
            "FEDERATION_HARVEST_SECONDS", "86400"
        ),
        "PYTHONPATH": str(SRC),
    }


def fill(count: int) -> None:
    """Bulk-insert ``count`` commons and their feed entries."""
    from django.db import transaction

    from fabrique.catalog.models import Commons
    from fabrique.federation.instance import commons_uri
    from fabrique.federation.models import ChangeEntry

    batch = 5000
    for start in range(0, count, batch):
        with transaction.atomic():
            rows = Commons.objects.bulk_create(
                Commons(
                    title=f"Commun numéro {n}",
                    slug=f"commun-{n}",
                    summary=f"Un commun de mobilité, le {n}e du banc d'essai.",
                    description="Des **données** ouvertes, mises à jour chaque mois.",
                    kind="data",
                    licence="ODbL-1.0",
                    tags=["banc", "essai"],
                    revision=1,
                )
                for n in range(start, min(count, start + batch))
            )
            ChangeEntry.objects.bulk_create(
                ChangeEntry(
                    uri=commons_uri(c.slug),
                    commons_id=c.pk,
                    action="create",
                    origin_instance=os.environ["SITE_URL"],
                )
                for c in rows
            )


def change(percent: float) -> int:
    """Edit ``percent`` % of the commons (saved one by one: feed entries)."""
    from fabrique.catalog.models import Commons

    ids = list(Commons.objects.order_by("pk").values_list("pk", flat=True))
    step = max(1, round(100 / percent))
    changed = 0
    for commons in Commons.objects.filter(pk__in=ids[::step]):
        commons.title += " (modifié)"
        commons.save()
        changed += 1
    return changed


def harvest(url: str) -> dict:
    from fabrique.federation import harvest as run
    from fabrique.federation.models import HarvestSource

    source, _ = HarvestSource.objects.get_or_create(
        url=url, defaults={"name": "source", "kind": "fabrique"}
    )
    started = time.perf_counter()
    report = run.run_source(source)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "failed": len(report.failed),
        "stopped": report.stopped,
        "requests": report.requests,
        "bytes": report.bytes,
    }


def _child(args: argparse.Namespace) -> None:
    _django(Path(args.folder), args.port)
    if args.child == "fill":
        fill(args.count)
    elif args.child == "change":
        print(json.dumps({"changed": change(args.percent)}))
    elif os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            found = harvest(f"http://127.0.0.1:{args.port}")
        stats = pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        print(json.dumps(found))
    else:
        print(json.dumps(harvest(f"http://127.0.0.1:{args.port}")))


def _run(folder: Path, port: int, *extra: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *extra, "--folder", str(folder),
         "--port", str(port)],
        env={**os.environ, **_env(folder, port)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    if os.environ.get("BENCH_PROFILE"):
        print(done.stderr[-24000:], file=sys.stderr)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _fabrique(folder: Path, port: int, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "fabrique", *args],
        env={**os.environ, **_env(folder, port)},
        check=True, capture_output=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--percent", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=18991)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--database",
        default="",
        help="a PostgreSQL server's URL: the harvesting instance gets a new "
        "database on it (dropped after); SQLite when not given",
    )
    parser.add_argument("--child", choices=["fill", "change", "harvest"])
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    with contextlib.ExitStack() as stack:
        if args.database:
            sys.path.insert(0, str(ROOT))
            from tests.production.topology import fresh_database

            global TARGET_DATABASE
            TARGET_DATABASE = stack.enter_context(fresh_database(args.database))
        result = _measure(args)
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


def _measure(args: argparse.Namespace) -> dict:
    import httpx

    load = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="fabrique-network-") as tmp:
        source, target = Path(tmp) / "source", Path(tmp) / "target"
        source.mkdir()
        target.mkdir()
        for folder in (source, target):
            _fabrique(folder, args.port, "manage", "migrate", "-v0")
        started = time.perf_counter()
        _run(source, args.port, "fill", "--count", str(args.count))
        filled = round(time.perf_counter() - started, 1)
        server = subprocess.Popen(
            [sys.executable, "-m", "fabrique", "serve", "--bind",
             f"127.0.0.1:{args.port}", "--no-migrate"],
            env={**os.environ, **_env(source, args.port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(120):
                try:
                    if httpx.get(f"http://127.0.0.1:{args.port}/").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            full = json.loads(_run(target, args.port, "harvest"))
            changed = json.loads(
                _run(source, args.port, "change", "--percent", str(args.percent))
            )
            again = json.loads(_run(target, args.port, "harvest"))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "count": args.count,
        "target_database": "postgresql" if TARGET_DATABASE else "sqlite",
        "load_average_before": load,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "fill_seconds": filled,
        "full": full,
        "changed": changed["changed"],
        "incremental": again,
        "bytes_ratio": round(again["bytes"] / max(1, full["bytes"]), 4),
        "requests_ratio": round(again["requests"] / max(1, full["requests"]), 4),
    }


if __name__ == "__main__":
    main()
