"""``fabrique gtfs``: validate, ingest, summarise and compare GTFS feeds."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console

from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.notices import Severity

stderr = Console(stderr=True)


def _parse_date(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from exc


@click.group()
def gtfs() -> None:
    """GTFS Schedule feeds: validation, ingestion and products."""


@gtfs.command()
@click.argument("feed", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path),
    help="Write report.json here.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    help="Write the HTML report here.",
)
@click.option(
    "--date",
    "today",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="Validation date (default: today).",
)
@click.option(
    "--memory-limit", default="2GB", show_default=True, help="DuckDB memory cap."
)
def validate(
    feed: Path,
    json_path: Path | None,
    html_path: Path | None,
    today: date | None,
    memory_limit: str,
) -> None:
    """Validate FEED (a zip or a folder); exit 1 when it has errors."""
    from fabrique.gtfs.html import render_html
    from fabrique.gtfs.report import build_report
    from fabrique.gtfs.validator import validate as run

    try:
        with stderr.status("validating", spinner="dots") as status:
            result = run(
                feed,
                today=today,
                memory_limit=memory_limit,
                progress=lambda message: status.update(message),
            )
    except GTFSError as exc:
        raise click.ClickException(str(exc)) from exc
    report = build_report(result)
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if html_path:
        html_path.write_text(render_html(report), encoding="utf-8")
    for notice in report["notices"]:
        colour = {"ERROR": "red", "WARNING": "yellow", "INFO": "blue"}[
            notice["severity"]
        ]
        stderr.print(
            f"[{colour}]{notice['severity']:<7}[/] {notice['code']} "
            f"({notice['totalNotices']})",
            highlight=False,
        )
    errors = result.notices.severity_count(Severity.ERROR)
    stderr.print(
        f"{feed.name}: {errors} errors, validated in {result.seconds:.2f} s",
        highlight=False,
    )
    if errors:
        sys.exit(1)
