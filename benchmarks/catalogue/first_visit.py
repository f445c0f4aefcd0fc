"""The commons page's first visit, in process: CPU time, queries, profile.

A first visit is the anonymous visit of a commons page nobody opened since
the page cache last dropped it: the page is rendered whole. Each measured
page is a distinct commons, requested once, so the page cache never answers
(no cache is emptied: what other pages leave warm — compiled templates,
translations, a theme's name — stays warm, as on a live server). A warm-up
of other commons pages, never measured, loads the code first.

    python benchmarks/catalogue/first_visit.py --database URL --pages 300
    python benchmarks/catalogue/first_visit.py --database URL --profile 200

It prints the CPU time (``time.process_time``) of a first visit, p50 and
p95, its wall time and its SQL queries, beside the bare view's CPU time
measured before and after in the same run (the ratio is taken against their
mean: the CPU time of the bare view over the page's is the throughput ratio
a CPU-bound server reaches). ``--profile N`` then runs N more first visits
under cProfile and prints where the time goes: by part of the page
(queries, Markdown, templates, JSON-LD, …) and the functions that cost most.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import setup_django

# Parts of a page, each the cumulative time of the functions named (file
# fragment, function name); a function counted in two parts (a query run by a
# template) is in both: the parts overlap and do not add up to the whole.
PARTS = {
    "SQL (compile, run, build the rows)": [
        ("django/db/models/query.py", "_fetch_all"),
        ("django/db/models/query.py", "count"),
        ("django/db/models/query.py", "exists"),
        ("django/db/models/query.py", "get"),
    ],
    "Markdown (parse and sanitise)": [("fabrique/core/markdown.py", "render_markdown")],
    "commons body template": [("fabrique/catalog/views/commons.py", "_commons_parts")],
    "JSON-LD": [("fabrique/catalog/jsonld.py", "commons_jsonld")],
    "page template (base.html)": [("django/shortcuts.py", "render")],
    "translations (gettext)": [("django/utils/translation/trans_real.py", "gettext")],
    "{% translate %} tags": [("django/templatetags/i18n.py", "render")],
    "URL reversing": [("django/urls/base.py", "reverse")],
    "page cache (version token, store)": [
        ("fabrique/catalog/views/pagecache.py", "version_token"),
        ("django/core/cache/backends/locmem.py", "set"),
        ("django/core/cache/backends/redis.py", "set"),
    ],
}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _slugs(rng: random.Random, count: int) -> list[str]:
    from fabrique.catalog.models import Commons

    ids = list(Commons.objects.filter(hidden=False).values_list("pk", flat=True))
    sample = rng.sample(ids, min(count, len(ids)))
    slugs = list(Commons.objects.filter(pk__in=sample).values_list("slug", flat=True))
    rng.shuffle(slugs)
    return slugs


def _bare_cpu(client, requests: int) -> float:
    """Median CPU ms of the bare view (the ceiling of the stack)."""
    cpu = []
    for _ in range(requests):
        started = time.process_time()
        client.get("/bench/bare/")
        cpu.append((time.process_time() - started) * 1000)
    return statistics.median(cpu)


# Where the time is spent by itself (no overlap: the shares add up to the
# whole), by the code that spends it: the first area whose fragment is in the
# function's file.
AREAS = [
    ("Django ORM (building SQL, rows to objects)", ("django/db/models/",)),
    (
        "database driver (SQL executed)",
        ("django/db/backends/", "psycopg", "sqlite3", "ursor"),
    ),
    ("Django templates", ("django/template",)),
    ("URL reversing", ("django/urls/",)),
    ("translations, lazy strings", ("django/utils/translation", "gettext")),
    ("lazy objects", ("django/utils/functional",)),
    ("Markdown (markdown-it, nh3)", ("markdown_it/", "nh3")),
    ("Fabrique's own code", ("fabrique/",)),
    ("Django, the rest", ("django/",)),
]


def _areas(stats: pstats.Stats) -> list[tuple[str, float]]:
    raw = stats.stats  # type: ignore[attr-defined]
    spent = dict.fromkeys([name for name, _ in AREAS] + ["other"], 0.0)
    for (path, _, func), (_, _, tottime, _, _) in raw.items():
        # Calls into C are named by function, not by file (the cursor's execute).
        where = path if path != "~" else func
        area = next(
            (name for name, parts in AREAS if any(p in where for p in parts)), "other"
        )
        spent[area] += tottime
    whole = sum(spent.values()) or 1.0
    return [(name, seconds / whole) for name, seconds in spent.items()]


def _parts(stats: pstats.Stats, total: float) -> list[tuple[str, float]]:
    found = []
    raw = stats.stats  # type: ignore[attr-defined]
    for name, functions in PARTS.items():
        seconds = 0.0
        for fragment, function in functions:
            for (path, _, func), (_, _, _, cumulative, _) in raw.items():
                if func == function and path.endswith(fragment):
                    seconds += cumulative
        found.append((name, seconds / total if total else 0.0))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a DATABASE_URL")
    parser.add_argument("--pages", type=int, default=300, help="first visits timed")
    parser.add_argument("--warmup", type=int, default=20, help="other pages, untimed")
    parser.add_argument("--profile", type=int, default=0, help="first visits profiled")
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    setup_django(args.database)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    rng = random.Random(args.seed)
    slugs = _slugs(rng, args.warmup + args.pages + args.profile)
    warm = slugs[: args.warmup]
    timed = slugs[args.warmup : args.warmup + args.pages]
    profiled = slugs[args.warmup + args.pages :]
    if len(timed) < args.pages:
        print(f"only {len(timed)} commons to visit for the first time: timing those")
    client = Client()
    for slug in warm:
        assert client.get(reverse("catalog:commons", args=[slug])).status_code == 200
    load_before = os.getloadavg()
    bare_before = _bare_cpu(client, 200)
    cpu, wall, queries = [], [], []
    for slug in timed:
        path = reverse("catalog:commons", args=[slug])
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or response.get("X-Page-Cache") == "hit":
            raise SystemExit(f"{path}: not a first visit ({response.status_code})")
        queries.append(len(captured.captured_queries))
    bare_after = _bare_cpu(client, 200)
    load_after = os.getloadavg()
    report = {
        "vendor": connection.vendor,
        "pages": len(timed),
        "cpu_ms_p50": statistics.median(cpu) if cpu else None,
        "cpu_ms_p95": _percentile(cpu, 0.95) if cpu else None,
        "wall_ms_p50": statistics.median(wall) if wall else None,
        "wall_ms_p95": _percentile(wall, 0.95) if wall else None,
        "queries_p50": statistics.median(queries) if queries else None,
        "queries_max": max(queries, default=None),
        "bare_cpu_ms_before": bare_before,
        "bare_cpu_ms_after": bare_after,
        "load_before": load_before,
        "load_after": load_after,
    }
    bare = (bare_before + bare_after) / 2
    print(
        f"{connection.vendor}, {len(timed)} first visits, load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print("| measure | value |")
    print("| --- | ---: |")
    if cpu:
        r = report
        rows = [
            ("CPU ms p50 / p95", f"{r['cpu_ms_p50']:.2f} / {r['cpu_ms_p95']:.2f}"),
            ("wall ms p50 / p95", f"{r['wall_ms_p50']:.2f} / {r['wall_ms_p95']:.2f}"),
            ("SQL queries p50 / max", f"{r['queries_p50']:.0f} / {r['queries_max']}"),
            (
                "bare view CPU ms before / after",
                f"{bare_before:.3f} / {bare_after:.3f}",
            ),
        ]
        for label, value in rows:
            print(f"| {label} | {value} |")
        report["cpu_ratio_to_bare"] = bare / report["cpu_ms_p50"]
        print(f"| bare ÷ page, CPU p50 | {report['cpu_ratio_to_bare']:.1%} |")

    if profiled:
        profile = cProfile.Profile(time.process_time)
        started = time.process_time()
        for slug in profiled:
            path = reverse("catalog:commons", args=[slug])
            profile.enable()
            client.get(path)
            profile.disable()
        total = time.process_time() - started
        stats = pstats.Stats(profile)
        whole = sum(t for _, _, t, _, _ in stats.stats.values())  # type: ignore[attr-defined]
        print(f"\nprofile of {len(profiled)} more first visits ({total:.1f} s CPU)")
        print("| part of the page | share of the time |")
        print("| --- | ---: |")
        parts = _parts(stats, whole)
        for name, share in parts:
            print(f"| {name} | {share:.0%} |")
        report["profile_parts"] = dict(parts)
        print("\n| code that spends the time (by itself) | share |")
        print("| --- | ---: |")
        areas = _areas(stats)
        for name, share in areas:
            print(f"| {name} | {share:.0%} |")
        report["profile_areas"] = dict(areas)
        print(f"\nthe {args.top} functions that cost most by themselves:")
        stats.sort_stats("tottime").print_stats(args.top)
        print(f"\nthe {args.top} of the most cumulative time:")
        stats.sort_stats("cumulative").print_stats(args.top)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
