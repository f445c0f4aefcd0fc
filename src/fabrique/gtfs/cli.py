"""``fabrique gtfs``: validate, ingest, summarise and compare GTFS feeds."""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fabrique.gtfs.errors import GTFSError
from fabrique.notices import Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

# Sub-commands whose modules are heavy (protobuf): imported when called.
LAZY_COMMANDS = {"rt": "fabrique.gtfs.realtime:rt"}
# The colours the commands print with (rich's markup).
MARKUP = re.compile(r"\[/?(?:red|yellow|blue)?\]")


class Plain:
    """Messages on a stderr that is not a terminal: no spinner, no colour.

    Rich draws neither there; not importing it keeps a small feed's
    validation quick.
    """

    def print(self, text: str, *, highlight: bool = False) -> None:
        click.echo(MARKUP.sub("", text), err=True)

    @contextmanager
    def status(self, _message: str, *, spinner: str = "") -> Iterator[Plain]:
        yield self

    def update(self, _message: str) -> None:
        return None


def console() -> Any:
    """Where progress and results go: rich's console on a terminal."""
    if not sys.stderr.isatty():
        return Plain()
    from rich.console import Console

    return Console(stderr=True)


def _parse_date(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from exc


def _parse_size(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    from fabrique.gtfs.validator import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


MAX_UNCOMPRESSED = click.option(
    "--max-uncompressed",
    default="8GiB",
    show_default=True,
    callback=_parse_size,
    help="Refuse a feed whose GTFS files uncompress to more than this "
    "(other files of the archive are listed, never extracted).",
)


class LazyGroup(click.Group):
    """A group whose heavy sub-commands are imported when called."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in LAZY_COMMANDS or name in self.commands:
            return super().get_command(ctx, name)
        import importlib

        module_name, attribute = LAZY_COMMANDS[name].split(":")
        command: click.Command = getattr(
            importlib.import_module(module_name), attribute
        )
        return command


@click.group(cls=LazyGroup)
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
@click.option(
    "--country-code",
    metavar="CC",
    help="The feed's country (ISO 3166 alpha-2, e.g. FR): phone numbers are "
    "checked as dialled from there (unchecked without it).",
)
@MAX_UNCOMPRESSED
def validate(
    feed: Path,
    json_path: Path | None,
    html_path: Path | None,
    today: date | None,
    memory_limit: str,
    country_code: str | None,
    max_uncompressed: int,
) -> None:
    """Validate FEED (a zip or a folder); exit 1 when it has errors."""
    from fabrique.gtfs.html import render_html
    from fabrique.gtfs.report import build_report
    from fabrique.gtfs.sources import Limits
    from fabrique.gtfs.validator import validate as run

    stderr = console()
    try:
        with stderr.status("validating", spinner="dots") as status:
            result = run(
                feed,
                today=today,
                memory_limit=memory_limit,
                limits=Limits(max_total_bytes=max_uncompressed),
                progress=lambda message: status.update(message),
                country_code=country_code,
            )
    except GTFSError as exc:
        raise click.ClickException(str(exc)) from exc
    report = build_report(result)
    try:
        if json_path:
            json_path.write_text(
                json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
        if html_path:
            html_path.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write the report: {exc}") from exc
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


@gtfs.command()
@click.argument("feed", type=click.Path(exists=True, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--geojson/--no-geojson", default=True, show_default=True)
@MAX_UNCOMPRESSED
def ingest(feed: Path, directory: Path, geojson: bool, max_uncompressed: int) -> None:
    """Store FEED as typed Parquet files in DIRECTORY, with its summary."""
    from fabrique.gtfs import geojson as geo
    from fabrique.gtfs.sources import Limits
    from fabrique.gtfs.store import ingest as run
    from fabrique.gtfs.store import open_store
    from fabrique.gtfs.summary import feed_summary

    stderr = console()
    try:
        with stderr.status("ingesting", spinner="dots") as status:
            result = run(
                feed,
                directory,
                limits=Limits(max_total_bytes=max_uncompressed),
                progress=lambda m: status.update(m),
            )
            store = open_store(directory)
            try:
                summary = feed_summary(store)
                if geojson:
                    status.update("writing GeoJSON")
                    (directory / "stops.geojson").write_text(
                        geo.dumps(geo.stops_geojson(store)), encoding="utf-8"
                    )
                    (directory / "lines.geojson").write_text(
                        geo.dumps(geo.lines_geojson(store)), encoding="utf-8"
                    )
            finally:
                store.close()
    except GTFSError as exc:
        raise click.ClickException(str(exc)) from exc
    (directory / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    click.echo(json.dumps(summary, indent=2))
    stderr.print(f"stored {sum(result.tables.values()):,} rows in {directory}")


@gtfs.command()
@click.argument("old", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, file_okay=False, path_type=Path))
def diff(old: Path, new: Path) -> None:
    """Compare two stored versions (directories written by ``ingest``)."""
    from fabrique.gtfs.diff import diff_stores

    try:
        changes = diff_stores(old, new)
    except GTFSError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(changes, indent=2))
