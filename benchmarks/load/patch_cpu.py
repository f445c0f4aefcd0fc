"""CPU time of one commons PATCH through the API, in process, on PostgreSQL.

    python benchmarks/load/patch_cpu.py --database postgres://…/base \
        [--redis redis://…] [--commons 3000] [--requests 200] [--profile 60]

A fresh database is created on the server of ``--database`` (and dropped at
the end), filled as the load benchmark fills it (``seed.py``: the demo
content and ``--commons`` generated commons, search index built), with the
production settings (``FABRIQUE_ENV=production``, ``DEBUG`` off, the Redis
cache when ``--redis`` is given). Then one user edits one commons through
Django's test client, ``--requests`` times, each PATCH changing the summary
and a tag from the revision the previous answer gave: the CPU time of this
process (``time.process_time``) for each, its median and p95, the wall time
and the number of SQL queries. ``--profile N`` then runs N more under
cProfile and prints the functions where the time goes (cumulative and own);
``--queries`` prints the SQL statements of one PATCH.

``--compare SRC_A SRC_B`` measures two trees of the code side by side: one
process per tree (``PYTHONPATH=SRC/src``), each with its own fresh database,
asked for ``--round`` PATCHes in turn until each has done ``--requests``. The
machine's speed drifts over minutes on a shared host; taken in alternating
rounds, both trees meet the same drift, and their ratio holds still.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(HERE), str(ROOT)]

from tests.production.topology import fresh_database  # noqa: E402


def _configure(database_url: str, redis: str | None) -> None:
    os.environ.update(
        FABRIQUE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=database_url,
        FABRIQUE_DATA_DIR=tempfile.mkdtemp(prefix="fabrique-patch-cpu-"),
        # One writer, many edits a minute: the write limit is not measured here.
        RATELIMIT_API_WRITE="100000/60",
        DJANGO_SETTINGS_MODULE="fabrique.settings",
    )
    os.environ.pop("DEBUG", None)
    if redis:
        os.environ["REDIS_URL"] = redis
        from redis import Redis

        Redis.from_url(redis).flushdb()
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


class Editor:
    """One signed-in caller editing one commons, revision after revision."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.utils import timezone

        from fabrique.accounts.models import ApiToken
        from fabrique.catalog.models import Commons

        user = get_user_model().objects.create_user(
            username="patcher",
            email="patcher@example.org",
            password=None,
            charter_accepted_at=timezone.now(),
        )
        key = ApiToken.issue(user, "patch cpu")[1]
        commons = Commons.objects.filter(hidden=False).order_by("pk")[
            Commons.objects.count() // 2
        ]
        self.url = f"/api/1/commons/{commons.slug}/"
        self.revision = commons.revision
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        self.count = 0

    def patch(self) -> Any:
        self.count += 1
        body = {
            "base_revision": self.revision,
            "summary": f"Résumé révisé pour la {self.count}e fois, à mesurer.",
            "tags": ["mesure", f"essai-{self.count % 7}"],
        }
        response = self.client.patch(
            self.url, json.dumps(body), content_type="application/json"
        )
        if response.status_code != 200:
            raise SystemExit(
                f"PATCH answered {response.status_code}: {response.content!r}"
            )
        self.revision = response.json()["revision"]
        return response


def measure(editor: Editor, requests: int) -> dict[str, Any]:
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True  # count the queries, DEBUG stays off
    cpu, wall, queries = [], [], []
    for _ in range(requests):
        reset_queries()
        started_cpu, started = time.process_time(), time.perf_counter()
        editor.patch()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        queries.append(len(connection.queries))
    connection.force_debug_cursor = False
    cpu.sort()
    wall.sort()
    return {
        "requests": requests,
        "cpu_ms_p50": statistics.median(cpu),
        "cpu_ms_p95": cpu[int(len(cpu) * 0.95)],
        "wall_ms_p50": statistics.median(wall),
        "queries_p50": statistics.median(queries),
    }


def query_log(editor: Editor) -> str:
    """The SQL statements of one PATCH, in order."""
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    editor.patch()
    lines = [f"{n:3d} {q['sql'][:300]}" for n, q in enumerate(connection.queries, 1)]
    connection.force_debug_cursor = False
    return "\n".join(lines)


def profile(editor: Editor, requests: int, top: int = 25) -> str:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        editor.patch()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def serve(editor: Editor) -> None:
    """Answer rounds asked on stdin ("N": N PATCHes) with their CPU times."""
    print("ready", flush=True)
    for line in sys.stdin:
        cpu = []
        for _ in range(int(line)):
            started = time.process_time()
            editor.patch()
            cpu.append((time.process_time() - started) * 1000)
        print(json.dumps(cpu), flush=True)


def compare(args: argparse.Namespace) -> None:
    """Two trees of the code, in alternating rounds (see the module's doc)."""
    workers = []
    for number, tree in enumerate(args.compare):
        command = [sys.executable, __file__, "--serve", "--database", args.database]
        command += ["--commons", str(args.commons), "--warmup", str(args.warmup)]
        if args.redis:  # a database each: their cache keys would meet
            base, _, db = args.redis.rstrip("/").rpartition("/")
            command += ["--redis", f"{base}/{int(db or 0) + number}"]
        env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve() / "src")}
        workers.append(
            subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    for worker in workers:
        for line in worker.stdout:  # type: ignore[union-attr]
            if line.strip() == "ready":
                break
        else:
            raise SystemExit("a tree's process stopped before it was ready")
    load_before = os.getloadavg()
    cpu: list[list[float]] = [[] for _ in workers]
    while min(len(times) for times in cpu) < args.requests:
        for worker, times in zip(workers, cpu, strict=True):
            worker.stdin.write(f"{args.round}\n")  # type: ignore[union-attr]
            worker.stdin.flush()  # type: ignore[union-attr]
            times += json.loads(worker.stdout.readline())  # type: ignore[union-attr]
    for worker in workers:
        worker.stdin.close()  # type: ignore[union-attr]
        if worker.wait():
            raise SystemExit("a tree's process failed")
    load_after = os.getloadavg()
    medians = [statistics.median(times) for times in cpu]
    for tree, times, median in zip(args.compare, cpu, medians, strict=True):
        times.sort()
        print(
            f"{tree}: {len(times)} PATCHes, CPU p50 {median:.1f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.1f} ms, "
            f"{median / medians[0]:.2f}× the first"
        )
    print(
        "load average "
        f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL server's URL")
    parser.add_argument("--redis", help="a Redis URL for the cache (flushed)")
    parser.add_argument("--commons", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--profile", type=int, default=60, help="PATCHes profiled")
    parser.add_argument(
        "--profile-top", type=int, default=25, help="functions listed per order"
    )
    parser.add_argument(
        "--queries", action="store_true", help="print the SQL of one PATCH"
    )
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument(
        "--compare", nargs=2, metavar="SRC", help="two trees, side by side"
    )
    parser.add_argument(
        "--round", type=int, default=20, help="PATCHes a tree runs in turn"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        compare(args)
        return
    with fresh_database(args.database) as database_url:
        _configure(database_url, args.redis)
        import seed
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", interactive=False, verbosity=0)
        seed._content(args.commons, seed=2026)
        editor = Editor()
        for _ in range(args.warmup):
            editor.patch()
        if args.serve:
            serve(editor)
            connections.close_all()
            return
        load_before = os.getloadavg()
        result = measure(editor, args.requests)
        result.update(
            date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            commons=args.commons,
            cache="redis" if args.redis else "local memory",
            load_average_before=load_before,
            load_average_after=os.getloadavg(),
        )
        print(
            f"commons PATCH, {result['requests']} requests: CPU p50 "
            f"{result['cpu_ms_p50']:.1f} ms, p95 {result['cpu_ms_p95']:.1f} ms; "
            f"wall p50 {result['wall_ms_p50']:.1f} ms; "
            f"{result['queries_p50']:.0f} queries; load average "
            f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
            f"{' '.join(f'{x:.2f}' for x in result['load_average_after'])} after",
            flush=True,
        )
        if args.queries:
            print(query_log(editor))
        if args.profile:
            print(profile(editor, args.profile, args.profile_top))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
        connections.close_all()
        shutil.rmtree(os.environ["FABRIQUE_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
