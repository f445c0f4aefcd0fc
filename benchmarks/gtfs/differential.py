"""Agreement of Fabrique with gtfs-guru (MobilityData's rules), at length.

Draws ``--examples`` generated feeds (valid ones, then ones at the edges of
the rules: the strategies of ``tests/gtfs/feeds.py``), validates each with
both tools and prints, per notice code, how many feeds got the same count;
then the same per shared feed, and the coverage of MobilityData's notices.
Differences listed as deliberate (``tests/gtfs/differential.py``) are shown
apart, never counted as disagreements.

    .venv/bin/python benchmarks/gtfs/differential.py --examples 500

gtfs-guru comes with the test extras (``pip install -e ".[test]"``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from gtfs.differential import (  # noqa: E402
    DELIBERATE,
    PENDING,
    counts_by_code,
    excused,
)
from gtfs.feeds import GeneratedFeed, feeds  # noqa: E402

from fabrique.gtfs.rules import load_rules  # noqa: E402
from fabrique.gtfs.rules.origins import MOBILITYDATA_NOTICES  # noqa: E402
from fabrique.gtfs.rules.registry import RULES  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "gtfs"


def generated(
    examples: int, *, edges: bool, workdir: Path
) -> tuple[int, Counter[str], Counter[str], Counter[str]]:
    """By code: feeds where it agreed, differed, differed by gtfs-guru's
    known deviation from MobilityData (``PEER_DEVIATIONS``); and the feeds."""
    agreed: Counter[str] = Counter()
    differed: Counter[str] = Counter()
    deviated: Counter[str] = Counter()
    drawn = [0]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(feeds(edges=edges))
    def run(feed: GeneratedFeed) -> None:
        drawn[0] += 1
        path = feed.write(workdir / f"feed{drawn[0]}.zip")
        ours, theirs = counts_by_code(path, feed.today, feed.country)
        for code in set(ours) | set(theirs):
            if ours[code] == theirs[code]:
                agreed[code] += 1
            elif excused(code, feed.notes):
                deviated[code] += 1
            else:
                differed[code] += 1
        path.unlink()

    run()
    return drawn[0], agreed, differed, deviated


def label(code: str) -> str:
    if code in DELIBERATE:
        return "deliberate"
    if code in PENDING:
        return "defect under repair"
    return "**unexplained**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    load_rules()
    implemented = MOBILITYDATA_NOTICES & set(RULES)
    print(
        f"MobilityData notices implemented: {len(implemented)} / "
        f"{len(MOBILITYDATA_NOTICES)}\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for edges in (False, True):
            n, agreed, differed, deviated = generated(
                args.examples, edges=edges, workdir=Path(tmp)
            )
            kind = "at the edges of the rules" if edges else "valid"
            print(f"## {n} generated feeds, {kind}\n")
            print(
                "| Code | Same count | Different | Difference "
                "| gtfs-guru's deviation from MobilityData |"
            )
            print("| --- | ---: | ---: | --- | ---: |")
            for code in sorted(set(agreed) | set(differed) | set(deviated)):
                print(
                    f"| `{code}` | {agreed[code]} | {differed[code]} | "
                    f"{label(code) if differed[code] else ''} | "
                    f"{deviated[code] or ''} |"
                )
            print()
    if args.shared.is_dir():
        from datetime import date

        print("## Shared feeds (validated on 2026-03-01)\n")
        print("| Feed | (code) pairs agreeing | Differences (ours, gtfs-guru) |")
        print("| --- | ---: | --- |")
        for path in sorted(args.shared.glob("*.zip")):
            ours, theirs = counts_by_code(path, date(2026, 3, 1))
            codes = set(ours) | set(theirs)
            differ = {c: (ours[c], theirs[c]) for c in codes if ours[c] != theirs[c]}
            shown = ", ".join(
                f"`{c}` {v} {label(c)}" for c, v in sorted(differ.items())
            )
            print(
                f"| {path.stem} | {len(codes) - len(differ)} / {len(codes)} | {shown} |"
            )


if __name__ == "__main__":
    main()
