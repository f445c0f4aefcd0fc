"""Search latency through the service, in process, on one database.

    python benchmarks/catalogue/search_latency.py --database URL \
        [--queries 1000] [--warmup 50] [--maintenance both|none|run] \
        [--seed 1] [--json out.json]

Calls :func:`fabrique.core.search.search` as pages and the API do (count,
one page of hits, facet counts with labels) for a seeded set of distinct
requests drawn from the catalogue's own words, and prints p50/p95/p99/max
overall and by kind of request, then the ten slowest requests with the plans
of their SQL statements. Run ``load.py prepare`` (or ``generate.py``) first
on the same database.

Each request is made and timed **once**, the result cache emptied just
before: the first visitor to type these words since the index last changed.
None is repeated and none is warmed up: the warm-up round (``--warmup``) is
made of other requests, drawn the same way but never measured, and only
loads the code and opens the connection.

The words come from the catalogue itself (titles and descriptions of up to
10,000 commons; words of four letters or more, but for the commonest
function words), in three bands of document frequency: **broad** (in at
least 5 % of the documents read), **rare** (in one only) and **medium** (the
rest).
A request has one to three words (each from a band drawn at random; the last
one sometimes typed halfway, as one types), or none (the list page); facet
filters or not, every sort, pages 1 to 5, commons mostly, actors and every
type sometimes, and sometimes hits only (``count_facets=False``, as the API).

``--maintenance``: ``both`` (the default) measures the database as found, then
runs the maintenance a settled database has had (``VACUUM ANALYZE`` on
PostgreSQL, ``ANALYZE`` on SQLite) and measures again with another set of
requests, never the same; ``none`` measures as found only; ``run`` runs the
maintenance first and measures once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

BANDS = ("broad", "medium", "rare")
SAMPLE = 10_000
# Words of four letters or more, but for the commonest function words: one
# searches for "vélo" or "preuve", seldom for "pour".
WORD = re.compile(r"[^\W\d_]{4,}")
FUNCTION_WORDS = frozenset({
    "pour", "dans", "avec", "sans", "sont", "sous", "chaque", "avant", "entre",
    "leur", "leurs", "nous", "vous", "elle", "elles", "mais", "plus", "très",
    "cette", "ceux", "celle", "être", "avoir", "fait", "comme", "aussi", "that",
    "this", "with", "from", "have", "they", "were", "will", "your", "what", "when",
    "which", "their", "there", "been", "would", "about", "into", "more", "than",
})  # fmt: skip

Request = tuple[str, dict[str, Any], dict[str, str]]  # query, options, labels


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the value below which ``fraction`` lies."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def catalogue_words(rng: random.Random) -> dict[str, list[str]]:
    """Words of the catalogue's commons by band of document frequency."""
    from fabrique.catalog.models import Commons

    ids = list(Commons.objects.values_list("pk", flat=True))
    sample = rng.sample(ids, min(SAMPLE, len(ids)))
    seen: Counter[str] = Counter()
    for title, text in Commons.objects.filter(pk__in=sample).values_list(
        "title", "description"
    ):
        seen.update(set(WORD.findall(f"{title} {text}".lower())) - FUNCTION_WORDS)
    documents = max(1, len(sample))
    bands: dict[str, list[str]] = {band: [] for band in BANDS}
    for word, count in sorted(seen.items()):
        if count >= 0.05 * documents and count > 1:
            bands["broad"].append(word)
        elif count == 1:
            bands["rare"].append(word)
        else:
            bands["medium"].append(word)
    if not any(bands.values()):
        raise SystemExit("no commons in this database: run load.py prepare first")
    return bands


def facet_values() -> dict[str, list[str]]:
    from fabrique.catalog.models import ActorType, Commons, Kind, Maturity, Theme

    licences = Commons.objects.exclude(licence="").values_list("licence", flat=True)
    return {
        "kind": list(Kind.values),
        "maturity": list(Maturity.values),
        "theme": list(Theme.objects.values_list("slug", flat=True)),
        "licence": sorted(set(licences.distinct())),
        "needs": ["open"],
        "actor_type": list(ActorType.values),
    }


def draw_requests(
    rng: random.Random, bands: dict[str, list[str]], facets: dict, count: int
) -> list[Request]:
    """Up to ``count`` distinct requests (fewer on a tiny catalogue)."""
    from fabrique.core.search.service import SORTS

    usable = [band for band in BANDS if bands[band]]
    requests: dict[str, Request] = {}
    attempts = 0
    while len(requests) < count and attempts < count * 50:
        attempts += 1
        size = rng.choices([0, 1, 2, 3], weights=[5, 45, 30, 20])[0]
        chosen = [rng.choice(usable) for _ in range(size)]
        words = [rng.choice(bands[band]) for band in chosen]
        typing = bool(words) and rng.random() < 0.25
        if typing:  # the last word typed halfway, matched as a prefix
            last = words[-1]
            words[-1] = last[: max(2, len(last) // 2 + 1)]
        # A final space: the last word is whole, not a prefix.
        query = " ".join(words) + ("" if typing or not words else " ")
        scope = rng.choices(["commons", "actor", "all"], weights=[80, 10, 10])[0]
        options: dict[str, Any] = {
            "sort": rng.choice(SORTS),
            "page": rng.randint(1, 5),
        }
        filters: dict[str, list[str]] = {}
        if scope == "commons":
            options["types"] = ["commons"]
            if rng.random() < 0.5:
                names = ["kind", "maturity", "theme", "licence", "needs"]
                for name in rng.sample(names, rng.randint(1, 2)):
                    values = facets[name] or [""]
                    many = min(len(values), rng.randint(1, 2))
                    filters[name] = rng.sample(values, many)
        elif scope == "actor":
            options["types"] = ["actor"]
            if rng.random() < 0.5:
                filters["actor_type"] = [rng.choice(facets["actor_type"])]
        if filters:
            options["filters"] = filters
        if rng.random() < 0.2:
            options["count_facets"] = False
        band = "none" if not chosen else chosen[0] if len(set(chosen)) == 1 else "mixed"
        labels = {
            "words": f"{size} word{'s' * (size != 1)}",
            "band": f"band: {band}",
            "typing": "typed halfway" if typing else "whole words",
            "facets": "facet filters" if filters else "no facet filter",
            "sort": f"sort: {options['sort']}",
            "page": "page 1" if options["page"] == 1 else "pages 2-5",
            "scope": f"types: {scope}",
            "counts": "facet counts" if options.get("count_facets", True)
            else "hits only",
        }  # fmt: skip
        key = json.dumps([query, options], sort_keys=True, ensure_ascii=False)
        requests.setdefault(key, (query, options, labels))
    return list(requests.values())


def maintain() -> str:
    """What a settled database has had: fresh statistics (and on PostgreSQL a
    visibility map, so that counts can skip heap pages)."""
    from django.db import connection

    statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(statement)
    print(f"{statement} in {time.perf_counter() - started:.1f} s", flush=True)
    return statement


def plans(query: str, options: dict) -> list[dict]:
    """The request's SQL statements, slowest first, each with its plan.

    The plan is asked just before the statement runs, on the same connection
    and in the same transaction, so with the planner settings the search
    sets for itself.
    """
    from django.core.cache import cache
    from django.db import connection

    from fabrique.core.search import search

    postgresql = connection.vendor == "postgresql"
    # On PostgreSQL the plan is run (ANALYZE, BUFFERS), then the statement
    # once more for the search.
    explain = "EXPLAIN (ANALYZE, BUFFERS)" if postgresql else "EXPLAIN QUERY PLAN"
    statements: list[dict] = []

    def wrapper(execute: Callable, sql: str, params: Any, many: bool, context: dict):
        plan: list[str] = []
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            raw = context["cursor"].cursor
            # A failed EXPLAIN must not spoil the search's own transaction.
            guarded = postgresql and context["connection"].in_atomic_block
            try:
                if guarded:
                    raw.execute("SAVEPOINT bench_plan")
                raw.execute(f"{explain} {sql}", params)
                plan = [str(row[-1]) for row in raw.fetchall()]
            except Exception as error:  # shown, never fatal
                if guarded:
                    raw.execute("ROLLBACK TO SAVEPOINT bench_plan")
                plan = [f"(no plan: {error})"]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(
                {
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "sql": sql if len(sql) < 600 else sql[:600] + " …",
                    "plan": plan,
                }
            )

    cache.clear()
    with connection.execute_wrapper(wrapper):
        search(query, **options)
    return sorted(statements, key=lambda s: -s["ms"])


# What each SQL statement of a search does, by a piece of its text (first
# found wins): where the time of the measured requests goes.
STATEMENT_KINDS = (
    ("set_config", "planner settings"),
    ("to_tsquery", "query stemmed"),
    ("FROM core_searchfacettotal", "index generation, totals"),
    ("COUNT(*)", "count and facets"),
    ("SELECT d.id", "page of hits"),
    ("FROM core_searchdocument WHERE id IN", "hits shown"),
    ("FROM core_searchfacet WHERE document_id", "hits' facets"),
)


def statement_kind(sql: str) -> str:
    for piece, kind in STATEMENT_KINDS:
        if piece in sql:
            return kind
    return "other (labels, vocabulary, transaction)"


def database_cpu() -> Callable[[], float]:
    """A clock of the CPU seconds the database spends for this connection:
    PostgreSQL's backend process (``/proc/<pid>/schedstat``, nanoseconds),
    when it runs on this machine; SQLite works in the calling thread, whose
    own CPU time is counted apart. Zero when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    path = f"/proc/{pid}/schedstat"

    def clock() -> float:
        try:
            with open(path) as stat:
                return int(stat.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return 0.0

    return clock


def measure(requests: list[Request], warmup: list[Request]) -> dict:
    from django.core.cache import cache
    from django.db import connection

    from fabrique.core.search import search

    for query, options, _ in warmup:  # other requests: code loaded, connection open
        cache.clear()
        search(query, **options)
    spent: Counter[str] = Counter()
    executed: Counter[str] = Counter()

    def timing(execute: Callable, sql: str, params: Any, many: bool, context: dict):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = statement_kind(sql)
            spent[kind] += time.perf_counter() - started
            executed[kind] += 1

    timed: list[dict] = []
    backend_clock = database_cpu()
    for query, options, labels in requests:
        cache.clear()  # the result cache: each request starts cold
        started = time.perf_counter()
        cpu_started = time.thread_time() + backend_clock()
        with connection.execute_wrapper(timing):
            result = search(query, **options)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.thread_time() + backend_clock() - cpu_started) * 1000
        exact = "" if getattr(result, "total_exact", True) else "+"
        timed.append(
            {
                "ms": round(elapsed, 2),
                "cpu_ms": round(cpu, 2),
                "query": query,
                "options": options,
                "labels": labels,
                "total": f"{result.total}{exact}",
            }
        )
    groups: dict[str, list[float]] = {"all": [t["ms"] for t in timed]}
    for kind in timed[0]["labels"] if timed else ():  # by kind, then label
        for label in sorted({t["labels"][kind] for t in timed}):
            groups[label] = [t["ms"] for t in timed if t["labels"][kind] == label]
    rows = {
        name: {
            "n": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
            "max_ms": round(max(values), 1),
        }
        for name, values in groups.items()
    }
    # CPU time (this thread's and the database backend's), which the
    # neighbours' load on a shared machine does not stretch as it does wall
    # time: next to the wall time of all requests.
    cpu = [t["cpu_ms"] for t in timed]
    if cpu:
        wall = rows.pop("all")
        rows = {
            "all": wall,
            "all, CPU": {
                "n": len(cpu),
                "p50_ms": round(statistics.median(cpu), 1),
                "p95_ms": round(percentile(cpu, 0.95), 1),
                "p99_ms": round(percentile(cpu, 0.99), 1),
                "max_ms": round(max(cpu), 1),
            },
            **rows,
        }
    whole = sum(t["ms"] for t in timed) / 1000 or 1.0
    where = {
        kind: {
            "statements": executed[kind],
            "s": round(seconds, 3),
            "share": round(seconds / whole, 3),
        }
        for kind, seconds in spent.most_common()
    }
    slowest = sorted(timed, key=lambda t: -t["ms"])[:10]
    for item in slowest:
        started = time.perf_counter()
        item["statements"] = plans(item["query"], item["options"])
        # Made again (cold, plans asked): how much of it the SQL takes.
        item["again_ms"] = round((time.perf_counter() - started) * 1000, 2)
        item["again_sql_ms"] = round(sum(s["ms"] for s in item["statements"]), 2)
    return {"rows": rows, "where": where, "slowest": slowest, "requests": timed}


def show(title: str, figures: dict) -> None:
    print(f"\n{title}")
    print(f"{'requests':<22} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}")  # fmt: skip
    for name, row in figures["rows"].items():
        print(f"{name:<22} {row['n']:>5} {row['p50_ms']:>8} {row['p95_ms']:>8} "
              f"{row['p99_ms']:>8} {row['max_ms']:>8}")  # fmt: skip
    print("\nwhere the time goes (SQL statements, wall time; the rest is Python):")
    for kind, row in figures["where"].items():
        print(f"  {kind:<42} {row['statements']:>6} statements "
              f"{row['s']:>8.2f} s {row['share']:>6.1%}")  # fmt: skip
    print("\nthe ten slowest, with their three slowest queries and plans:")
    for item in figures["slowest"]:
        print(f"\n{item['ms']:.1f} ms  q={item['query']!r} {item['options']} "
              f"→ {item['total']} hits; made again: {item['again_ms']:.1f} ms, "
              f"{len(item['statements'])} statements, "
              f"{item['again_sql_ms']:.1f} ms of SQL")  # fmt: skip
        # The three slowest queries (SET statements and the like have no plan).
        for statement in [st for st in item["statements"] if st["plan"]][:3]:
            print(f"  {statement['ms']:.1f} ms  {statement['sql'][:160]}")
            for line in statement["plan"]:
                print(f"      {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a DATABASE_URL")
    parser.add_argument(
        "--queries", type=int, default=1000, help="distinct requests timed per state"
    )
    parser.add_argument(
        "--warmup", type=int, default=50, help="other requests made first, not timed"
    )
    parser.add_argument(
        "--maintenance",
        choices=("both", "none", "run"),
        default="both",
        help="measure as found then after VACUUM ANALYZE / ANALYZE (both), "
        "as found only (none), or after it only (run)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    os.environ.setdefault("FABRIQUE_DATA_DIR", tempfile.mkdtemp(prefix="latency-"))
    import django

    django.setup()
    from django.db import connection

    from fabrique.core.search.models import SearchDocument

    rng = random.Random(args.seed)
    documents = SearchDocument.objects.count()
    bands = catalogue_words(rng)
    states = {"both": ["as found", "after maintenance"], "none": ["as found"],
              "run": ["after maintenance"]}[args.maintenance]  # fmt: skip
    # Every request of the run drawn at once, so that none is made twice: the
    # warm-up's, then each state's.
    wanted = args.warmup + args.queries * len(states)
    drawn = draw_requests(rng, bands, facet_values(), wanted)
    warmup, drawn = drawn[: args.warmup], drawn[args.warmup :]
    per_state = len(drawn) // len(states)
    if per_state < args.queries:
        print(f"only {len(drawn)} distinct requests on a catalogue this small: "
              f"{per_state} per state", flush=True)  # fmt: skip
    print(
        f"{connection.vendor}: {documents} documents; words of the catalogue: "
        + ", ".join(f"{len(bands[b])} {b}" for b in BANDS)
        + f"; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    report: dict[str, Any] = {}
    for number, state in enumerate(states):
        if state == "after maintenance":
            report["maintenance"] = maintain()
        requests = drawn[number * per_state : (number + 1) * per_state]
        load_before = os.getloadavg()[0]
        figures = measure(requests, warmup if number == 0 else [])
        figures["load_average"] = [load_before, os.getloadavg()[0]]
        report[state] = figures
        show(
            f"{state}: {len(requests)} distinct requests, each once, cold "
            f"(load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after)",
            figures,
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "load_average": os.getloadavg(),
                    "vendor": connection.vendor,
                    "documents": documents,
                    "seed": args.seed,
                    "warmup": len(warmup),
                    "words": {band: len(bands[band]) for band in BANDS},
                    "states": report,
                },
                out,
                indent=1,
                ensure_ascii=False,
            )


if __name__ == "__main__":
    sys.exit(main())
