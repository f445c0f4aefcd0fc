"""Validate a large NeTEx file built by replication; print time and peak memory.

The file is made from the test fixture ``tests/data/netex/fr_valid.xml``: its
frames are repeated with every id and ref suffixed by the copy number, so the
result is valid, self-contained and as big as asked. Validation runs in a
child process so that its peak resident memory is its own.

    .venv/bin/python benchmarks/netex/validate_large.py --mb 250 \\
        --xsd-dir ~/.cache/fabrique/netex-xsd --json out.json
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "netex" / "fr_valid.xml"


def build(target: Path, megabytes: float) -> int:
    """Write a file of about ``megabytes`` MB; return the number of copies."""
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index("<GeneralFrame")
    end = text.index("</frames>")
    head, body, tail = text[:start], text[start:end], text[end:]
    # Shared types of frame keep their ids; everything else is renamed.
    pattern = re.compile(r'((?:id|ref)="(?!FR:TypeOfFrame|EX:Operator)[^"]+?):LOC"')
    wanted = int(megabytes * 1024 * 1024)
    copies = 0
    with target.open("w", encoding="utf-8") as out:
        out.write(head)
        written = len(head)
        while written < wanted:
            chunk = pattern.sub(rf'\1-{copies}:LOC"', body)
            out.write(chunk)
            written += len(chunk.encode("utf-8"))
            copies += 1
        out.write(tail)
    return copies


def child(path: str, xsd_dir: str) -> None:
    from fabrique.netex.validate import validate

    started = time.monotonic()
    result = validate(Path(path), xsd_dir=Path(xsd_dir) if xsd_dir else None)
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "peak_rss_bytes": peak,
                "verdict": result.verdict,
                "errors": result.errors,
                "warnings": result.warnings,
                "schema_files": result.schema_files,
                "codes": sorted(result.notices.codes()),
                "service_journeys": result.state.summary.service_journeys,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=250)
    parser.add_argument("--xsd-dir", default="")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.xsd_dir)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.xml"
        started = time.monotonic()
        copies = build(path, args.mb)
        size = path.stat().st_size
        print(
            f"built {size / 1e6:.0f} MB ({copies} copies) in "
            f"{time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--xsd-dir", args.xsd_dir],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    figures = {"bytes": size, "copies": copies, **json.loads(output)}
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
