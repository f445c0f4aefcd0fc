"""Run Fabrique and peer GTFS validators side by side on the shared feeds.

For every feed: notice codes and counts of each tool (agreement on the codes
a peer also knows) and, per tool, the median wall time and peak memory of
``--runs`` runs, each tool in its own process.

    .venv/bin/python benchmarks/gtfs/compare.py --peers-python PEERS/bin/python

The peers (gtfs-guru, gtfs-analyzer, gtfs-validator) live in a separate
virtualenv, never in Fabrique's dependencies. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "gtfs"
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
# Exit statuses that are a result, not a failure: errors found in the feed.
FOUND_ERRORS = {0, 1}

GURU = """
import json, sys, gtfs_guru
result = gtfs_guru.validate(sys.argv[1], date=sys.argv[2])
open(sys.argv[3], "w").write(result.to_json())
"""
GURU_CODES = "import json, gtfs_guru; print(json.dumps(gtfs_guru.notice_codes()))"
ANALYZER = """
import json, sys, gtfs_analyzer
report = gtfs_analyzer.validate_gtfs(sys.argv[1], today=sys.argv[2])
json.dump({"count": len(report["notices"])}, open(sys.argv[3], "w"))
"""


def tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, in KB (Linux)."""
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE_KB
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed(command: list[str], as_limit_gb: float | None = None) -> dict[str, float]:
    """Run a command: wall s, CPU s, peak RSS MB of its process tree, load."""
    load = os.getloadavg()[0]

    def cap() -> None:
        if as_limit_gb:
            limit = int(as_limit_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        preexec_fn=cap if as_limit_gb else None,
    )
    peak_kb = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_kb
        while not done.wait(0.05):
            peak_kb = max(peak_kb, tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    # ru_maxrss of the waited process covers peaks between two samples.
    peak_kb = max(peak_kb, usage.ru_maxrss)
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": peak_kb / 1024,
        "load": load,
        "status": os.waitstatus_to_exitcode(status),
    }


def counts_from_report(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    report = json.loads(path.read_text())
    return {n["code"]: n["totalNotices"] for n in report.get("notices", [])}


def tools(peers: Path, feed: Path, day: str, out: Path) -> dict[str, list[str]]:
    return {
        "fabrique": [
            sys.executable,
            "-m",
            "fabrique",
            "gtfs",
            "validate",
            str(feed),
            "--json",
            str(out / "fabrique.json"),
            "--date",
            day,
        ],
        "fabrique-ingest": [
            sys.executable,
            "-m",
            "fabrique",
            "gtfs",
            "ingest",
            str(feed),
            str(out / "store"),
            "--no-geojson",
        ],
        "gtfs-guru": [str(peers), "-c", GURU, str(feed), day, str(out / "guru.json")],
        "gtfs-analyzer": [
            str(peers),
            "-c",
            ANALYZER,
            str(feed),
            day,
            str(out / "analyzer.json"),
        ],
        "gtfs-validator": [
            str(peers.parent / "gtfs-validator"),
            "-i",
            str(feed),
            "-o",
            str(out / "gtfs-validator"),
            "-d",
            day,
        ],
    }


def rerender(path: Path) -> None:
    """Print the tables again from a results.json."""
    data = json.loads(path.read_text())
    print(render(data["results"], set(data["guru_codes"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers-python", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--date", default="2026-11-21")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--feeds", nargs="*", help="feed file names (default: all)")
    parser.add_argument(
        "--slow-limit-mb",
        type=float,
        default=10,
        help="run the pure-Python gtfs-validator only on zips below this size",
    )
    parser.add_argument(
        "--slow-feeds",
        nargs="*",
        default=[],
        help="run the pure-Python gtfs-validator on these feeds only",
    )
    parser.add_argument(
        "--feed-path",
        type=Path,
        nargs="*",
        default=[],
        help="more feeds by path (the x8 feed of build_x8.py)",
    )
    parser.add_argument("--tools", nargs="*", help="a subset of the tools")
    parser.add_argument(
        "--once", nargs="*", default=[], help="tools run once instead of --runs"
    )
    parser.add_argument(
        "--peer-memory-cap-gb",
        type=float,
        help="address-space cap for the peers (a run that needs more fails)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "gtfs" / "out"
    )
    args = parser.parse_args()
    feeds = sorted(args.data.glob("*.zip"))
    if args.feeds:
        feeds = [f for f in feeds if f.name in args.feeds]
    feeds += args.feed_path
    guru_codes = set(
        json.loads(
            subprocess.run(
                [str(args.peers_python), "-c", GURU_CODES],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    )
    results = []
    for feed in feeds:
        out = args.out / feed.stem
        out.mkdir(parents=True, exist_ok=True)
        commands = tools(args.peers_python, feed, args.date, out)
        size_mb = feed.stat().st_size / 1e6
        entry: dict[str, object] = {"feed": feed.name, "timing": {}, "codes": {}}
        for name, command in commands.items():
            if args.tools and name not in args.tools:
                continue
            runs = args.runs
            if name == "gtfs-validator":
                runs = 1
                slow = args.slow_feeds
                if (slow and feed.name not in slow) or (
                    not slow and size_mb > args.slow_limit_mb
                ):
                    continue
            if name in args.once:
                runs = 1
            cap = None if name.startswith("fabrique") else args.peer_memory_cap_gb
            measures = []
            for _ in range(runs):
                shutil.rmtree(out / "store", ignore_errors=True)
                measures.append(timed(command, cap))
                print(feed.name, name, measures[-1], flush=True)
            shutil.rmtree(out / "store", ignore_errors=True)
            entry["timing"][name] = {  # type: ignore[index]
                "wall_s": statistics.median(m["wall_s"] for m in measures),
                "peak_mb": max(m["peak_mb"] for m in measures),
                "cpu_s": statistics.median(m["cpu_s"] for m in measures),
                "load": [round(m["load"], 1) for m in measures],
                "failed": [
                    m["status"] for m in measures if m["status"] not in FOUND_ERRORS
                ],
                "runs": runs,
            }
        entry["codes"] = {  # type: ignore[assignment]
            "fabrique": counts_from_report(out / "fabrique.json"),
            "gtfs-guru": counts_from_report(out / "guru.json"),
            "gtfs-validator": counts_from_report(
                out / "gtfs-validator" / "report.json"
            ),
        }
        results.append(entry)
    (args.out / "results.json").write_text(
        json.dumps(
            {"date": args.date, "guru_codes": sorted(guru_codes), "results": results},
            indent=2,
        )
    )
    print(render(results, guru_codes))


TOOLS = (
    "fabrique",
    "fabrique-ingest",
    "gtfs-guru",
    "gtfs-analyzer",
    "gtfs-validator",
)


def render(results: list[dict], guru_codes: set[str]) -> str:  # type: ignore[type-arg]
    """Markdown tables: timings with ratios to Fabrique, then disagreements."""
    lines = [
        "| feed | " + " | ".join(TOOLS) + " |",
        "| --- |" + " --- |" * len(TOOLS),
    ]
    for entry in results:
        timing = entry["timing"]
        base = timing.get("fabrique", {}).get("wall_s")
        cells = []
        for tool in TOOLS:
            if tool not in timing:
                cells.append("—")
                continue
            t = timing[tool]
            ratio = (
                f", ×{t['wall_s'] / base:.2f}"
                if base and not tool.startswith("fabrique")
                else ""
            )
            cpu = f"{t['cpu_s']:.2f} s, " if "cpu_s" in t else ""
            load = "load " + "/".join(f"{x:.0f}" for x in t.get("load", []))
            failed = " **failed**" if t.get("failed") else ""
            cells.append(
                f"{t['wall_s']:.2f}{failed} ({cpu}{t['peak_mb']:,.0f} MB{ratio}, "
                f"{load})"
            )
        lines.append(f"| {entry['feed']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| feed | code | fabrique | gtfs-guru | gtfs-validator |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in results:
        codes = entry["codes"]
        every = set().union(*(set(c) for c in codes.values()))
        for code in sorted(every):
            row = [
                codes[t].get(code, 0)
                for t in ("fabrique", "gtfs-guru", "gtfs-validator")
            ]
            ran_gv = bool(codes["gtfs-validator"])
            if row[0] == row[1] and (not ran_gv or row[2] == row[0]):
                continue
            shown = [str(row[0]), str(row[1]), str(row[2]) if ran_gv else "—"]
            lines.append(f"| {entry['feed']} | {code} | " + " | ".join(shown) + " |")
    agreed = sum(
        1
        for entry in results
        for code in set(entry["codes"]["fabrique"]) | set(entry["codes"]["gtfs-guru"])
        if entry["codes"]["fabrique"].get(code, 0)
        == entry["codes"]["gtfs-guru"].get(code, 0)
    )
    total = sum(
        len(set(entry["codes"]["fabrique"]) | set(entry["codes"]["gtfs-guru"]))
        for entry in results
    )
    lines += [
        "",
        f"Same count as gtfs-guru for {agreed} of {total} (feed, code) pairs.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--render":
        rerender(Path(sys.argv[2]))
    else:
        main()
