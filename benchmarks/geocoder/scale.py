"""Index 1×, 2× and 4× replicas of Paris and project the national BAN.

Usage (from the project root): .venv/bin/python benchmarks/geocoder/scale.py

Replica k renames what would collide (ids, city codes, postcodes, city and
street names), so the index grows as with new departments. Each build and
each serving test runs in a child process, to measure its own peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
CITIES = ["Paris", "Lutèce", "Parisis", "Lucotèce"]
STREET_TAGS = ["", " Nord", " Sud", " Haut"]
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
                    code = f"9{k}{row['code_insee'][2:]}"
                    row["id"] = code + row["id"][5:]
                    row["code_insee"] = code
                    row["code_postal"] = f"9{k}{row['code_postal'][2:]}"
                    row["nom_commune"] = row["nom_commune"].replace("Paris", CITIES[k])
                    row["nom_voie"] += STREET_TAGS[k]
                writer.writerow(row)
    return paths


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
    rss = _status("VmRSS")
    p50, p95 = timings[len(timings) // 2], timings[len(timings) * 95 // 100]
    print(
        json.dumps(
            {
                "open_ms": open_ms,
                "p50_ms": p50 * 1000,
                "p95_ms": p95 * 1000,
                "qps": len(timings) / sum(timings),
                "rss_mb": rss / 1024,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=PROJECT.parent / "shared" / "data"
    )
    parser.add_argument("--work", type=Path, default=Path("var/bench-geocoder-scale"))
    parser.add_argument(
        "--rows", type=int, default=0, help="rows of Paris per replica (0: all)"
    )
    parser.add_argument("--sample", type=int, default=2000, help="queries timed")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, index, *files = args.child
        if kind.startswith("build"):
            child_build(Path(index), files, split=kind == "build-split")
        else:
            child_serve(Path(index), files[0])
        return
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    paris = args.shared / "addresses" / "ban_adresses-75.csv.gz"
    replicas = make_replicas(paris, work, 4, args.rows)
    sample = work / "sample.json"
    write_sample(replicas[0], sample, args.sample)
    rows = []
    for factor, split in ((1, False), (2, False), (4, False), (4, True)):
        index = work / f"index-{factor}x{'-split' if split else ''}"
        files = [str(p) for p in replicas[:factor]]
        kind = "build-split" if split else "build"
        build = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--child", kind, str(index), *files],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        serve = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--child", "serve", str(index), str(sample)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        label = f"{factor}× ({factor} sources)" if split else f"{factor}×"
        rows.append({"factor": factor, "label": label, **build, **serve})
        print(json.dumps(rows[-1]), file=sys.stderr)
    (work / "scale.json").write_text(json.dumps(rows, indent=2))
    print(f"Run of {time.strftime('%Y-%m-%d')}.\n")
    print(
        "| replicas | addresses | build s | build peak MB | index MB | open ms "
        "| serving RSS MB | p50 / p95 ms | queries/s | top-1 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['label']} | {r['addresses']:,} | {r['seconds']:.1f} "
            f"| {r['peak_mb']:.0f} | {r['bytes'] / 1e6:.0f} | {r['open_ms']:.0f} "
            f"| {r['rss_mb']:.0f} | {r['p50_ms']:.2f} / {r['p95_ms']:.2f} "
            f"| {r['qps']:,.0f} | {r['accuracy']:.1%} |"
        )
    last = rows[2]  # 4×, one source
    ratio = NATIONAL_ADDRESSES / last["addresses"]
    print(
        f"\nLinear projection to the national BAN ({NATIONAL_ADDRESSES:,} addresses, "
        f"{ratio:.0f}× the 4× run): build {last['seconds'] * ratio / 60:.0f} min, "
        f"build peak {last['peak_mb'] * ratio / 1024:.1f} GB, index "
        f"{last['bytes'] * ratio / 1e9:.1f} GB on disk, serving RSS at most "
        f"{last['rss_mb'] * ratio / 1024:.1f} GB (if every page were touched)."
    )


if __name__ == "__main__":
    main()
