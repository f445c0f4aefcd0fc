"""``fabrique netex``: check NeTEx files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fabrique.notices import Severity


@click.group()
def netex() -> None:
    """NeTEx files: well-formed XML and frames (no profile validation yet)."""


@netex.command()
@click.argument("feed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path), help="Write report.json."
)
def check(feed: Path, json_path: Path | None) -> None:
    """Check FEED, a NeTEx zip or XML file; exit 1 when it has errors."""
    from fabrique.netex.check import check as run

    result = run(feed)
    if json_path:
        json_path.write_text(
            json.dumps(result.report(), indent=2, ensure_ascii=False) + "\n"
        )
    summary = result.summary()
    click.echo(
        f"{summary['files']} XML files, {summary['wellFormedFiles']} well-formed; "
        f"versions {', '.join(summary['versions']) or '?'}"
    )
    click.echo(
        "  frames: "
        + (", ".join(f"{k} {n}" for k, n in summary["frames"].items()) or "none")
    )
    click.echo(
        f"  lines {summary['lines']}  stop places {summary['stopPlaces']}  "
        f"quays {summary['quays']}  service journeys {summary['serviceJourneys']}"
    )
    for group in result.notices.sorted_groups():
        sample = group.samples[0] if group.samples else {}
        where = " ".join(
            str(sample[k]) for k in ("filename", "line") if sample.get(k) is not None
        )
        click.echo(f"  {group.severity.value:<7} {group.code} ×{group.total}  {where}")
    click.echo(summary["checked"])
    if result.notices.severity_count(Severity.ERROR):
        raise SystemExit(1)
