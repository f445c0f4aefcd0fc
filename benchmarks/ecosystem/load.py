"""Ecosystem load benchmark: the graph API and the dashboards under wrk.

    python benchmarks/ecosystem/load.py run --database URL [--json out.json]
    python benchmarks/ecosystem/load.py cost --database URL [--requests 100]

The database is prepared once by ``generate.py`` of this folder. ``run``
starts ``fabrique serve --workers 2`` (gunicorn, production settings plus
the bare view of ``benchmarks/catalogue``) on loopback and measures, in the
same run and with the same wrk settings as the catalogue benchmark:

- the bare view (the ceiling of the stack);
- the graph API around each domain of interest (its neighbourhood, the
  default depth 2, up to 1,000 nodes);
- the graph API centred on 500 random commons (depth 1);
- the dashboard page (five SVG charts with their tables);
- the dashboard API (the same figures as JSON).

It prints p50/p95/p99 and requests/s per page, the throughput as a fraction
of the bare view's, and the mean size of the graph answers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parent / "catalogue"


def _catalogue_load():
    """benchmarks/catalogue/load.py: its server and wrk helpers."""
    # It imports its neighbour ``serving`` by name, as when run as a script.
    if str(CATALOGUE) not in sys.path:
        sys.path.insert(0, str(CATALOGUE))
    spec = importlib.util.spec_from_file_location(
        "catalogue_load", CATALOGUE / "load.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {spec}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scenarios(rng: random.Random) -> dict[str, list[str]]:
    from fabrique.catalog.models import Commons
    from fabrique.community.models import Domain

    domains = list(Domain.objects.filter(hidden=False).values_list("slug", flat=True))
    top = list(Commons.objects.order_by("?").values_list("pk", flat=True)[:500])
    del rng
    return {
        "bare view": ["/bench/bare/"],
        "graph: a domain": [f"/api/1/ecosystem/graph/?domain={d}" for d in domains],
        "graph: a commons": [
            f"/api/1/ecosystem/graph/?center=commons:{c}" for c in top
        ],
        "dashboard page": ["/tableau-de-bord/"],
        "dashboard API": ["/api/1/ecosystem/dashboard/"],
    }


def _graph_sizes(base: str, paths: list[str]) -> dict[str, float]:
    nodes = edges = size = 0
    sample = paths[:10]
    for path in sample:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            body = response.read()
        data = json.loads(body)
        nodes += len(data["nodes"])
        edges += len(data["edges"])
        size += len(body)
    count = max(len(sample), 1)
    return {"nodes": nodes / count, "edges": edges / count, "kb": size / count / 1024}


def run(args: argparse.Namespace) -> None:
    load = _catalogue_load()
    load.setup_django(args.database)
    from django.db import connection

    from fabrique.catalog.models import Commons
    from fabrique.community.models import Challenge
    from fabrique.projects.models import Contribution, GraphEdge

    counts = {
        "commons": Commons.objects.count(),
        "challenges": Challenge.objects.count(),
        "contributions": Contribution.objects.count(),
        "edges": GraphEdge.objects.count(),
    }
    scenarios = _scenarios(random.Random(args.seed))
    vendor = connection.vendor
    connection.close()
    load_before = os.getloadavg()[0]
    import serving  # the catalogue folder is on sys.path (_catalogue_load)

    port = args.port or serving.free_port()
    base = f"http://127.0.0.1:{port}"
    with load._server(args, port) as server_log:
        serving.wait_ready(base + "/bench/bare/", server_log)
        for name, paths in scenarios.items():
            bad = [p for p in paths[:50] if serving.status(base + p) != 200]
            if bad:
                raise SystemExit(f"{name}: {bad[0]} does not answer 200")
        sizes = {
            name: _graph_sizes(base, paths)
            for name, paths in scenarios.items()
            if name.startswith("graph")
        }
        results = {
            name: load._measure(base, name, paths, args)
            for name, paths in scenarios.items()
        }
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database": vendor,
        "commons": counts["commons"],
        "counts": counts,
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "cache": "redis" if args.redis else "local memory",
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "results": results,
        "graph_sizes": sizes,
    }
    load._print(report)
    for name, size in sizes.items():
        print(
            f"  {name}: {size['nodes']:.0f} nodes, {size['edges']:.0f} edges, "
            f"{size['kb']:.0f} KB per answer"
        )
    print(f"  {counts}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


def cost(args: argparse.Namespace) -> None:
    """CPU time, wall time and queries per request, in process.

    On a busy machine wrk's figures swing with the neighbours' load; the CPU
    a request costs the web process does not (much). Database time is the
    difference between wall and CPU time.
    """
    import time

    load = _catalogue_load()
    load.setup_django(args.database)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    scenarios = _scenarios(random.Random(args.seed))
    # The same domains with an empty cache each time: the cost of a miss.
    scenarios["graph: a domain, uncached"] = scenarios["graph: a domain"]
    scenarios["dashboard page, uncached"] = scenarios["dashboard page"]
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    print("| page | CPU ms p50 | wall ms p50 | wall ms p95 | queries | CPU ÷ bare |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    bare_cpu = None
    for name, paths in scenarios.items():
        cpu, wall, queries = [], [], []
        for i in range(args.requests):
            path = paths[i % len(paths)]
            if name.endswith("uncached"):
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                status = client.get(path).status_code
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}")
            queries.append(len(captured.captured_queries))
        cpu.sort()
        wall.sort()
        cpu_p50 = cpu[len(cpu) // 2]
        bare_cpu = bare_cpu or cpu_p50
        print(
            f"| {name} | {cpu_p50:.1f} | {wall[len(wall) // 2]:.1f} | "
            f"{wall[int(len(wall) * 0.95) - 1]:.1f} | {max(queries)} | "
            f"{bare_cpu / cpu_p50:.1%} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("run", help="measure under wrk")
    command.add_argument("--database", required=True, help="a DATABASE_URL")
    command.add_argument("--workers", type=int, default=2)
    command.add_argument("--connections", type=int, default=4)
    command.add_argument("--duration", type=int, default=15)
    command.add_argument("--warmup", type=int, default=3)
    command.add_argument("--port", type=int, default=0)
    command.add_argument("--seed", type=int, default=1)
    command.add_argument("--json", help="write the report as JSON here")
    command.add_argument(
        "--redis", default="", help="REDIS_URL of the server (shared cache)"
    )
    command = commands.add_parser("cost", help="CPU and queries per request")
    command.add_argument("--database", required=True, help="a DATABASE_URL")
    command.add_argument("--requests", type=int, default=100)
    command.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    {"run": run, "cost": cost}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
