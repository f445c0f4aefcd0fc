"""Index 1× to 16× replicas of Paris, beside Addok, and project the national BAN.

Usage (from the project root)::

    .venv/bin/python benchmarks/geocoder/scale.py [--factors 1,2,4,8,16] \
        [--addok-python PATH --redis-port 6392 --redis-pid PID]

Replica k renames what would collide (ids, city codes, postcodes, city and
street names), so the index grows as with new departments. For each factor,
Fabrique builds the replicas as one source and as one source per replica
(as the national BAN comes, one file per department); each build and each
serving test runs in a child process, to measure its own peak memory
(VmHWM) and, while serving, its resident and proportional memory (RSS,
PSS). With ``--addok-python``, Addok indexes the same files in the same run
on its Redis (give it a Redis of its own: its memory is read from
``INFO``), one replica added after another (``addok batch`` of the new
replica, then ``addok ngrams`` over all), and answers the same queries
through its Python API. The national figures are projected from the line
fitted through every factor (least squares), not from one point.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, cast

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
CITIES = [
    "Paris", "Lutèce", "Parisis", "Lucotèce", "Sequane", "Valbercy", "Montcalme",
    "Clairbourg", "Rivebelle", "Beaumarais", "Hautmesnil", "Champclos",
    "Verdelune", "Pontaigu", "Fontclaire", "Belleroche",
]  # fmt: skip
STREET_TAGS = [
    "", " Nord", " Sud", " Haut", " Bas", " Est", " Ouest", " Neuf", " Vieux",
    " Grand", " Petit", " Centre", " Rive", " Amont", " Aval", " Faubourg",
]  # fmt: skip
NATIONAL_ADDRESSES = 26_000_000


def make_replicas(source: Path, work: Path, count: int, rows: int = 0) -> list[Path]:
    """Write ``count`` renamed copies of ``source`` (its first ``rows``, or all)."""
    paths = []
    suffix = f"-{rows}" if rows else ""
    for k in range(count):
        path = work / f"replica-{k}{suffix}.csv"
        paths.append(path)
        if path.exists():
            continue
        with (
            gzip.open(source, "rt", encoding="utf-8", newline="") as src,
            open(path, "w", encoding="utf-8", newline="") as dst,
        ):
            reader = csv.DictReader(src, delimiter=";")
            assert reader.fieldnames is not None
            writer = csv.DictWriter(dst, reader.fieldnames, delimiter=";")
            writer.writeheader()
            for number, row in enumerate(reader):
                if rows and number >= rows:
                    break
                if k:
                    # Department 80 + k: two digits, as the first two of a
                    # city code and a postcode are.
                    code = f"{80 + k}{row['code_insee'][2:]}"
                    row["id"] = code + row["id"][5:]
                    row["code_insee"] = code
                    row["code_postal"] = f"{80 + k}{row['code_postal'][2:]}"
                    row["nom_commune"] = row["nom_commune"].replace("Paris", CITIES[k])
                    row["nom_voie"] += STREET_TAGS[k]
                writer.writerow(row)
    return paths


def _pss_kb() -> int:
    with open("/proc/self/smaps_rollup") as rollup:
        return next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))


def _status(field: str) -> int:
    """Return a field of /proc/self/status in kB (VmHWM: peak, VmRSS: now)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))


def child_build(index: Path, files: list[str], *, split: bool) -> None:
    """Build one source from all the files, or (``split``) one source per file."""
    from fabrique.geocoder.index import build_source

    started = time.perf_counter()
    groups = [[f] for f in files] if split else [files]
    size = addresses = 0
    for number, group in enumerate(groups):
        with contextlib.ExitStack() as stack:
            handles = [stack.enter_context(open(f, "rb")) for f in group]
            stats = build_source(
                index,
                f"replicas-{number}",
                "ban",
                [(h, Path(h.name).name) for h in handles],
            )
        size += stats.bytes
        addresses += stats.housenumbers
    peak = _status("VmHWM") / 1024
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "bytes": size,
                "addresses": addresses,
                "peak_mb": peak,
            }
        )
    )


def child_serve(index: Path, sample_path: str) -> None:
    from fabrique.geocoder.index import Index

    with open(sample_path, encoding="utf-8") as handle:
        sample = json.load(handle)
    queries = [item["q"] for item in sample]
    started = time.perf_counter()
    opened = Index.open(index)
    open_ms = (time.perf_counter() - started) * 1000
    timings = []
    hits = 0
    for q, r in zip(queries, sample, strict=True):
        t = time.perf_counter()
        results = opened.search(q, limit=1, autocomplete=False)
        timings.append(time.perf_counter() - t)
        hits += bool(results) and results[0].id == r["id"]
    timings.sort()
    rss, pss = _status("VmRSS"), _pss_kb()
    p50, p95 = timings[len(timings) // 2], timings[len(timings) * 95 // 100]
    print(
        json.dumps(
            {
                "open_ms": open_ms,
                "p50_ms": p50 * 1000,
                "p95_ms": p95 * 1000,
                "qps": len(timings) / sum(timings),
                "rss_mb": rss / 1024,
                "pss_mb": pss / 1024,
                "accuracy": hits / len(sample),
            }
        )
    )


def write_sample(replica0: Path, target: Path, size: int = 2000) -> None:
    """Write ``size`` exact-address queries of the first replica, with their ids."""
    rng = random.Random(7)
    with open(replica0, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    sample = [
        {
            "q": f"{r['numero']}{r['rep']} {r['nom_voie']} {r['code_postal']} Paris",
            "id": r["id"],
        }
        for r in rng.sample(rows, min(size, len(rows)))
    ]
    target.write_text(json.dumps(sample))


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return cast(dict[str, Any], json.loads(out.strip().splitlines()[-1]))


def redis_used_mb(port: int) -> float:
    info = subprocess.run(
        ["redis-cli", "-p", str(port), "info", "memory"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(info.split("used_memory:", 1)[1].split()[0]) / 1e6


def process_memory_mb(pid: int) -> tuple[float, float]:
    """Return a process's (RSS, PSS) in MB."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            parts = line.split()
            if parts[0] in ("Rss:", "Pss:"):
                fields[parts[0]] = int(parts[1]) / 1024
    return fields["Rss:"], fields["Pss:"]


class Addok:
    """Addok's side: one replica added after another, on its own Redis."""

    def __init__(
        self, python: str, work: Path, port: int, db: int, pid: int | None
    ) -> None:
        self.python, self.work, self.port, self.pid = python, work, port, pid
        self.addok = str(Path(python).parent / "addok")
        self.env = {
            **os.environ,
            "ADDOK_CONFIG_MODULE": str(HERE / "addok_conf.py"),
            "REDIS_PORT": str(port),
            "REDIS_DB_INDEXES": str(db),
            "REDIS_DB_DOCUMENTS": str(db),
        }
        self.indexed = 0
        self.batch_seconds = 0.0
        subprocess.run(
            [self.addok, "reset", "--force"],
            env=self.env,
            check=True,
            capture_output=True,
        )
        self.base_mb = redis_used_mb(port)

    def grow(self, replicas: list[Path]) -> dict[str, float]:
        """Index the replicas not yet indexed; return the build's figures."""
        for path in replicas[self.indexed :]:
            feed = self.work / f"addok-{path.stem}.json"
            subprocess.run(
                [sys.executable, str(HERE / "addok_feed.py"), str(feed), f"ban:{path}"],
                check=True,
            )
            started = time.perf_counter()
            subprocess.run(
                [self.addok, "batch", str(feed)],
                env=self.env,
                check=True,
                capture_output=True,
            )
            self.batch_seconds += time.perf_counter() - started
        self.indexed = len(replicas)
        started = time.perf_counter()
        subprocess.run(
            [self.addok, "ngrams"], env=self.env, check=True, capture_output=True
        )
        ngrams = time.perf_counter() - started
        return {
            "addok_build_s": self.batch_seconds + ngrams,
            "addok_redis_mb": redis_used_mb(self.port) - self.base_mb,
        }

    def serve(self, sample: Path) -> dict[str, float]:
        """Answer the sample through Addok's Python API, as run.py does."""
        items = json.loads(sample.read_text())
        queries = self.work / "addok-queries.jsonl"
        queries.write_text(
            "".join(
                json.dumps({"q": i["q"], "category": "exact"}) + "\n" for i in items
            )
        )
        answers = self.work / "addok-answers.jsonl"
        runner = subprocess.run(
            [self.python, str(HERE / "addok_runner.py"), str(queries), str(answers)],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        peak_kb = json.loads(runner.stdout.strip().splitlines()[-1])["max_rss_kb"]
        with open(answers, encoding="utf-8") as handle:
            got = [json.loads(line) for line in handle]
        timings = sorted(a["seconds"] for a in got)
        hits = sum(
            bool(a["top"]) and a["top"]["id"] == i["id"]
            for a, i in zip(got, items, strict=True)
        )
        figures = {
            "addok_p50_ms": timings[len(timings) // 2] * 1000,
            "addok_p95_ms": timings[len(timings) * 95 // 100] * 1000,
            "addok_qps": len(timings) / sum(timings),
            "addok_process_mb": peak_kb / 1024,
            "addok_accuracy": hits / len(items),
        }
        if self.pid:
            rss, pss = process_memory_mb(self.pid)
            figures |= {"addok_redis_rss_mb": rss, "addok_redis_pss_mb": pss}
        return figures


def fit(xs: list[float], ys: list[float], x: float) -> float:
    """Value at ``x`` of the least-squares line through the points."""
    n = len(xs)
    if n == 1:
        return ys[0] * x / xs[0]
    mx, my = sum(xs) / n, sum(ys) / n
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / sum(
        (a - mx) ** 2 for a in xs
    )
    return my + slope * (x - mx)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=PROJECT.parent / "shared" / "data"
    )
    parser.add_argument("--work", type=Path, default=Path("var/bench-geocoder-scale"))
    parser.add_argument(
        "--rows", type=int, default=0, help="rows of Paris per replica (0: all)"
    )
    parser.add_argument("--sample", type=int, default=2000, help="queries timed")
    parser.add_argument(
        "--factors", default="1,2,4,8,16", help="replica counts, at most 16"
    )
    parser.add_argument("--addok-python", default=os.environ.get("ADDOK_PYTHON"))
    parser.add_argument(
        "--redis-port",
        type=int,
        default=6379,
        help="Addok's Redis: its used memory is read whole, give it one of its own",
    )
    parser.add_argument(
        "--redis-db", type=int, default=10, help="Addok's database (emptied first)"
    )
    parser.add_argument("--redis-pid", type=int, help="Addok's Redis process")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, index, *files = args.child
        if kind.startswith("build"):
            child_build(Path(index), files, split=kind == "build-split")
        else:
            child_serve(Path(index), files[0])
        return
    factors = sorted({int(f) for f in args.factors.split(",")})
    if not 1 <= factors[0] <= factors[-1] <= len(CITIES):
        parser.error(f"factors go from 1 to {len(CITIES)}")
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    paris = args.shared / "addresses" / "ban_adresses-75.csv.gz"
    replicas = make_replicas(paris, work, factors[-1], args.rows)
    sample = work / "sample.json"
    write_sample(replicas[0], sample, args.sample)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    addok = (
        Addok(args.addok_python, work, args.redis_port, args.redis_db, args.redis_pid)
        if args.addok_python
        else None
    )
    rows = []
    for factor in factors:
        files = [str(p) for p in replicas[:factor]]
        row: dict[str, Any] = {"factor": factor}
        for split in (False, True):
            key = "split_" if split else ""
            index = work / f"index-{factor}x{'-split' if split else ''}"
            kind = "build-split" if split else "build"
            build = _child(kind, str(index), *files)
            serve = _child("serve", str(index), str(sample))
            row |= {key + k: v for k, v in (build | serve).items()}
            shutil.rmtree(index)
        if addok:
            row |= addok.grow(replicas[:factor]) | addok.serve(sample)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    (work / "scale.json").write_text(json.dumps(rows, indent=2))
    print_tables(rows, load_before, load_after, addok is not None)


def print_tables(
    rows: list[dict[str, Any]], before: list[str], after: list[str], addok: bool
) -> None:
    print(
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
        f"{' / '.join(before)} before, {' / '.join(after)} after.\n"
    )
    print(
        "| replicas | addresses | build s (one source / per replica) "
        "| build peak MB | index MB | open ms | serving RSS / PSS MB "
        "| p50 / p95 ms | queries/s | top-1 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['factor']}× | {r['addresses']:,} "
            f"| {r['seconds']:.1f} / {r['split_seconds']:.1f} "
            f"| {r['peak_mb']:.0f} / {r['split_peak_mb']:.0f} "
            f"| {r['bytes'] / 1e6:.0f} | {r['open_ms']:.0f} "
            f"| {r['rss_mb']:.0f} / {r['pss_mb']:.0f} "
            f"| {r['p50_ms']:.2f} / {r['p95_ms']:.2f} "
            f"| {r['qps']:,.0f} | {r['accuracy']:.1%} |"
        )
    if addok:
        print(
            "\n| replicas | Addok build s | Redis MB (used) | Redis RSS / PSS MB "
            "| API process peak MB | p50 / p95 ms | queries/s | top-1 "
            "| build: Fabrique faster | queries/s: Fabrique ÷ Addok |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            redis = (
                f"{r['addok_redis_rss_mb']:.0f} / {r['addok_redis_pss_mb']:.0f}"
                if "addok_redis_rss_mb" in r
                else "—"
            )
            print(
                f"| {r['factor']}× | {r['addok_build_s']:.1f} "
                f"| {r['addok_redis_mb']:.0f} | {redis} "
                f"| {r['addok_process_mb']:.0f} "
                f"| {r['addok_p50_ms']:.2f} / {r['addok_p95_ms']:.2f} "
                f"| {r['addok_qps']:,.0f} | {r['addok_accuracy']:.1%} "
                f"| {r['addok_build_s'] / r['split_seconds']:.1f}× "
                f"| {r['qps'] / r['addok_qps']:.1f}× |"
            )
    xs = [float(r["addresses"]) for r in rows]

    def at_national(key: str) -> float:
        return fit(xs, [float(r[key]) for r in rows], NATIONAL_ADDRESSES)

    print(
        f"\nProjected to the national BAN ({NATIONAL_ADDRESSES:,} addresses, "
        f"{NATIONAL_ADDRESSES / xs[-1]:.0f}× the largest run), from the line "
        f"through the {len(rows)} factors:\n"
    )
    print("| | one source | one source per department |")
    print("| --- | ---: | ---: |")
    print(
        f"| build | {at_national('seconds') / 60:.0f} min "
        f"| {at_national('split_seconds') / 60:.0f} min |"
    )
    print(
        f"| build peak | {at_national('peak_mb') / 1024:.1f} GB "
        f"| {max(r['split_peak_mb'] for r in rows):.0f} MB (one department's "
        f"file at a time; Paris's here) |"
    )
    print(f"| index on disk | {at_national('bytes') / 1e9:.1f} GB | |")
    print(
        f"| serving RSS / PSS, one process | {at_national('rss_mb') / 1024:.2f} / "
        f"{at_national('pss_mb') / 1024:.2f} GB "
        f"| {at_national('split_rss_mb') / 1024:.2f} / "
        f"{at_national('split_pss_mb') / 1024:.2f} GB |"
    )
    if addok:
        print(
            f"| Addok: build, Redis | {at_national('addok_build_s') / 60:.0f} min, "
            f"{at_national('addok_redis_mb') / 1024:.1f} GB | |"
        )


if __name__ == "__main__":
    main()
