"""Quality and speed of Fabrique's geocoder against Addok, in one run.

Usage (from the project root; see benchmarks/README.md):

    ADDOK_PYTHON=/path/to/addok/venv/bin/python \\
        .venv/bin/python benchmarks/geocoder/run.py [--work DIR] [--redis-db 13]

Builds both indexes from the same files, runs the same query set (≥ 2,000
queries in nine categories) through both Python APIs and prints Markdown
tables: top-1 accuracy and latency per category, build time, size, memory.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import queries as query_set

from fabrique.geocoder.index import Index, build_source

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
NUMBER_CATEGORIES = {
    "exact",
    "no_city",
    "lower_no_accents",
    "typo",
    "abbreviation",
    "autocomplete",
    "reverse",
    "reordered",
    "noisy_prefix",
    "glued",
    "city_decides",
    "poi_address",
    "variant_spelling",
}


def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(dx, math.radians(lat2 - lat1))


def correct(query: dict[str, Any], top: dict[str, Any] | None) -> bool:
    """Top-1 is right: same id, or same street within 50 m (see queries.py)."""
    if not top:
        return False
    expect = query["expect"]
    category = query["category"]
    if category in NUMBER_CATEGORIES:
        if top["id"] == expect["id"]:
            return True
        street = top.get("street") or (top["name"] if top["type"] == "street" else "")
        near = metres(top["lat"], top["lon"], expect["lat"], expect["lon"]) <= 50
        return fold(street) == fold(expect["street"]) and near
    if category == "street":
        return (
            top["type"] in ("street", "locality")
            and fold(top["name"]) == fold(expect["street"])
            and (
                top.get("citycode") == expect["citycode"]
                or fold(top.get("city")) == fold(expect["city"])
            )
        )
    return top["type"] == "municipality" and top.get("citycode") == expect["citycode"]


def run_fabrique(index: Index, queries: list[dict[str, Any]], repeat: int) -> list[Any]:
    out = []
    for query in queries:
        timings = []
        for _ in range(repeat):
            # Each repeat meets the query as new: the plans a search keeps for
            # the words it saw (plans.py) would make the second one a lookup.
            index.plans.clear()
            started = time.perf_counter()
            if query["category"] == "reverse":
                results = index.reverse(query["lat"], query["lon"])
            else:
                results = index.search(
                    query["q"],
                    limit=1,
                    autocomplete=query["category"] == "autocomplete",
                )
            timings.append(time.perf_counter() - started)
        top = None
        if results:
            r = results[0]
            top = {
                "id": r.id,
                "type": r.type,
                "label": r.label,
                "street": r.street,
                "name": r.name,
                "citycode": r.citycode,
                "city": r.city,
                "lat": r.lat,
                "lon": r.lon,
            }
        out.append({"top": top, "seconds": min(timings)})
    return out


def serve_child(index_dir: str, queries_path: str, out_path: str, repeat: str) -> None:
    """Open the index, answer every query, write the answers, print the RSS."""
    started = time.perf_counter()
    index = Index.open(index_dir)
    open_ms = (time.perf_counter() - started) * 1000
    answers = run_fabrique(index, query_set.read(Path(queries_path)), int(repeat))
    with open(out_path, "w", encoding="utf-8") as handle:
        for answer in answers:
            handle.write(json.dumps(answer) + "\n")
    print(json.dumps({"rss_mb": rss_mb(), "open_ms": open_ms}))


def rss_mb() -> float:
    """Return this process's peak resident memory (VmHWM) in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def redis_used(db: int, port: int = 6379) -> int:
    info = subprocess.run(
        ["redis-cli", "-p", str(port), "-n", str(db), "info", "memory"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"used_memory:(\d+)", info)
    return int(found.group(1)) if found else 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def summarise(queries: list[dict[str, Any]], answers: list[Any]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for category in query_set.CATEGORIES:
        rows = [
            (q, a)
            for q, a in zip(queries, answers, strict=True)
            if q["category"] == category
        ]
        seconds = [a["seconds"] for _q, a in rows]
        table[category] = {
            "n": len(rows),
            "accuracy": sum(correct(q, a["top"]) for q, a in rows) / len(rows),
            "p50_ms": percentile(seconds, 0.5) * 1000,
            "p95_ms": percentile(seconds, 0.95) * 1000,
        }
    total = [a["seconds"] for a in answers]
    table["all"] = {
        "n": len(answers),
        "qps": len(total) / sum(total),
        "p50_ms": percentile(total, 0.5) * 1000,
        "p95_ms": percentile(total, 0.95) * 1000,
    }
    return table


def build_fabrique(shared: Path, folder: Path) -> tuple[float, int]:
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    addresses = shared / "addresses"
    with open(addresses / "ban_adresses-75.csv.gz", "rb") as handle:
        build_source(folder, "ban-75", "ban", [(handle, "ban_adresses-75.csv.gz")])
    with open(addresses / "bano-12.csv", "rb") as handle:
        build_source(folder, "bano-12", "bano", [(handle, "bano-12.csv")])
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return seconds, size


def build_addok(shared: Path, work: Path, python: str, env: dict[str, str]) -> float:
    feed = work / "addok_feed.json"
    addresses = shared / "addresses"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(HERE / "addok_feed.py"),
            str(feed),
            f"ban:{addresses / 'ban_adresses-75.csv.gz'}",
            f"bano:{addresses / 'bano-12.csv'}",
        ],
        check=True,
    )
    addok = str(Path(python).parent / "addok")
    subprocess.run(
        [addok, "reset", "--force"], env=env, check=True, capture_output=True
    )
    subprocess.run(
        [addok, "batch", str(feed)], env=env, check=True, capture_output=True
    )
    subprocess.run([addok, "ngrams"], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=PROJECT.parent / "shared" / "data"
    )
    parser.add_argument("--work", type=Path, default=Path("var/bench-geocoder"))
    parser.add_argument("--addok-python", default=os.environ.get("ADDOK_PYTHON"))
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument(
        "--redis-db-documents",
        type=int,
        help="Addok's documents database (default: the same as --redis-db)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="query set seed (another seed gives a held-out set)",
    )
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-addok-build", action="store_true")
    parser.add_argument(
        "--per-category",
        type=int,
        default=query_set.PER_CATEGORY,
        help="queries a category (a few for a smoke run)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--fabrique-only",
        action="store_true",
        help="measure Fabrique alone (no Addok side, no comparison)",
    )
    args = parser.parse_args()
    if args.child:
        serve_child(*args.child)
        return
    if not args.addok_python and not args.fabrique_only:
        parser.error("give --addok-python or set ADDOK_PYTHON")
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    queries = query_set.build(
        args.shared, seed=args.seed, per_category=args.per_category
    )
    query_set.write(queries, work / "queries.jsonl")
    print(f"{len(queries)} queries", file=sys.stderr)

    build_seconds, size = build_fabrique(args.shared, work / "index")
    # Serve from a fresh process, so its memory is the index's and the API's only.
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(work / "index"),
            str(work / "queries.jsonl"),
            str(work / "fabrique_answers.jsonl"),
            str(args.repeat),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    served = json.loads(child.stdout.strip().splitlines()[-1])
    with open(work / "fabrique_answers.jsonl", encoding="utf-8") as handle:
        fabrique_answers = [json.loads(line) for line in handle]
    fabrique = summarise(queries, fabrique_answers)
    if args.fabrique_only:
        print_fabrique(fabrique, len(queries), served["rss_mb"])
        return

    env = {
        **os.environ,
        "ADDOK_CONFIG_MODULE": str(HERE / "addok_conf.py"),
        "REDIS_DB_INDEXES": str(args.redis_db),
        "REDIS_DB_DOCUMENTS": str(
            args.redis_db
            if args.redis_db_documents is None
            else args.redis_db_documents
        ),
        "REDIS_PORT": str(args.redis_port),
    }
    before = redis_used(args.redis_db, args.redis_port)
    addok_seconds = None
    if not args.skip_addok_build:
        subprocess.run(
            [str(Path(args.addok_python).parent / "addok"), "reset", "--force"],
            env=env,
            check=True,
            capture_output=True,
        )
        before = redis_used(args.redis_db, args.redis_port)
        addok_seconds = build_addok(args.shared, work, args.addok_python, env)
    redis_bytes = redis_used(args.redis_db, args.redis_port) - before
    runner = subprocess.run(
        [
            args.addok_python,
            str(HERE / "addok_runner.py"),
            str(work / "queries.jsonl"),
            str(work / "addok_answers.jsonl"),
            "--repeat",
            str(args.repeat),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    addok_rss = json.loads(runner.stdout.strip().splitlines()[-1])["max_rss_kb"] / 1024
    with open(work / "addok_answers.jsonl", encoding="utf-8") as handle:
        addok_answers = [json.loads(line) for line in handle]
    addok = summarise(queries, addok_answers)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seed": args.seed,
        "load": os.getloadavg(),
        "queries": len(queries),
        "fabrique": {
            **fabrique,
            "build_s": build_seconds,
            "size_mb": size / 1e6,
            "rss_mb": served["rss_mb"],
            "open_ms": served["open_ms"],
        },
        "addok": {
            **addok,
            "build_s": addok_seconds,
            "redis_mb": redis_bytes / 1e6,
            "rss_mb": addok_rss,
        },
    }
    (work / "report.json").write_text(json.dumps(report, indent=2))
    print_markdown(report)


def print_fabrique(table: dict[str, Any], count: int, rss_mb: float) -> None:
    load = os.getloadavg()
    print(
        f"Fabrique alone, {time.strftime('%Y-%m-%d %H:%M')}, {count} queries, "
        f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.\n"
    )
    print("| category | n | Fabrique top-1 | p50 / p95 ms |")
    print("| --- | ---: | ---: | ---: |")
    for category in query_set.CATEGORIES:
        row = table[category]
        print(
            f"| {category} | {row['n']} | {row['accuracy']:.1%} "
            f"| {row['p50_ms']:.2f} / {row['p95_ms']:.2f} |"
        )
    everything = table["all"]
    right = overall(table)
    print(
        f"| **all** | {everything['n']} | {right:.1%} "
        f"| {everything['p50_ms']:.2f} / {everything['p95_ms']:.2f} |"
    )
    print(f"\n{everything['qps']:,.0f} queries/s in one process, {rss_mb:.0f} MB RSS")


def overall(table: dict[str, Any]) -> float:
    """Return the share of right top-1 answers over every category."""
    return sum(
        table[c]["accuracy"] * table[c]["n"] for c in query_set.CATEGORIES
    ) / sum(table[c]["n"] for c in query_set.CATEGORIES)


def print_markdown(report: dict[str, Any]) -> None:
    f, a = report["fabrique"], report["addok"]
    load = report["load"]
    print(
        f"Run of {report['date']}, seed {report['seed']}, {report['queries']} "
        f"queries, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.\n"
    )
    print(
        "| category | n | Fabrique top-1 | Addok top-1 | Fabrique p50 / p95 ms "
        "| Addok p50 / p95 ms | speed-up (p50) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for category in query_set.CATEGORIES:
        fc, ac = f[category], a[category]
        print(
            f"| {category} | {fc['n']} | {fc['accuracy']:.1%} | {ac['accuracy']:.1%} "
            f"| {fc['p50_ms']:.2f} / {fc['p95_ms']:.2f} "
            f"| {ac['p50_ms']:.2f} / {ac['p95_ms']:.2f} "
            f"| {ac['p50_ms'] / fc['p50_ms']:.0f}× |"
        )
    fa, aa = f["all"], a["all"]
    print(
        f"| **all** | {fa['n']} | {overall(f):.1%} | {overall(a):.1%} "
        f"| {fa['p50_ms']:.2f} / {fa['p95_ms']:.2f} "
        f"| {aa['p50_ms']:.2f} / {aa['p95_ms']:.2f} "
        f"| {aa['p50_ms'] / fa['p50_ms']:.0f}× |"
    )
    print()
    print("| | Fabrique | Addok | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| queries/s, Python API, one process | {fa['qps']:,.0f} | {aa['qps']:,.0f} "
        f"| {fa['qps'] / aa['qps']:.1f}× |"
    )
    if a["build_s"]:
        print(
            f"| index build (s) | {f['build_s']:.1f} | {a['build_s']:.1f} "
            f"| {a['build_s'] / f['build_s']:.1f}× faster |"
        )
    print(
        f"| index size | {f['size_mb']:.1f} MB on disk "
        f"| {a['redis_mb']:.1f} MB in Redis | |"
    )
    print(
        f"| memory while serving | {f['rss_mb']:.0f} MB RSS | {a['rss_mb']:.0f} MB RSS "
        f"+ {a['redis_mb']:.0f} MB Redis | |"
    )


if __name__ == "__main__":
    main()
