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
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "gtfs"

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


def timed(command: list[str]) -> tuple[float, float, float]:
    """Run a command under /usr/bin/time: (wall s, peak RSS MB, CPU s)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        subprocess.run(
            ["/usr/bin/time", "-f", "%e %M %U %S", "-o", stats.name, *command],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        wall, rss, user, system = stats.read().split()[-4:]
    return float(wall), int(rss) / 1024, float(user) + float(system)


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
        "--out", type=Path, default=ROOT / "benchmarks" / "gtfs" / "out"
    )
    args = parser.parse_args()
    feeds = sorted(args.data.glob("*.zip"))
    if args.feeds:
        feeds = [f for f in feeds if f.name in args.feeds]
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
            runs = args.runs
            if name == "gtfs-validator":
                runs = 1
                if size_mb > args.slow_limit_mb:
                    continue
            measures = [timed(command) for _ in range(runs)]
            entry["timing"][name] = {  # type: ignore[index]
                "wall_s": statistics.median(m[0] for m in measures),
                "peak_mb": max(m[1] for m in measures),
                "cpu_s": statistics.median(m[2] for m in measures),
                "runs": runs,
            }
            print(feed.name, name, entry["timing"][name], flush=True)  # type: ignore[index]
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


TOOLS = ("fabrique", "gtfs-guru", "gtfs-analyzer", "gtfs-validator")


def render(results: list[dict], guru_codes: set[str]) -> str:  # type: ignore[type-arg]
    """Markdown tables: timings with ratios to Fabrique, then disagreements."""
    lines = [
        "| feed | " + " | ".join(f"{t} wall s (CPU s, MB)" for t in TOOLS) + " |",
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
                f", ×{t['wall_s'] / base:.2f}" if base and tool != "fabrique" else ""
            )
            cpu = f"{t['cpu_s']:.2f}, " if "cpu_s" in t else ""
            cells.append(f"{t['wall_s']:.2f} ({cpu}{t['peak_mb']:.0f}{ratio})")
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
