"""``fabrique geocoder``: build the index, search, reverse and batch from a shell.

The index folder is ``--index DIR``, else the ``FABRIQUE_GEOCODER_INDEX``
environment variable, else ``$FABRIQUE_DATA_DIR/geocoder`` (where the portal
looks too), else ``./var/geocoder``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from .batch import reverse_csv, search_csv
from .builder import SegmentStats
from .documents import RESULT_TYPES, Result
from .errors import GeocoderError
from .index import Index, build_gtfs_source, build_source, remove_source

DEFAULT_INDEX = "./var/geocoder"
console = Console(stderr=True)


def default_index(environ: Mapping[str, str]) -> str:
    """Return the index folder the portal also uses, from the environment."""
    if environ.get("FABRIQUE_GEOCODER_INDEX"):
        return environ["FABRIQUE_GEOCODER_INDEX"]
    if environ.get("FABRIQUE_DATA_DIR"):
        return str(Path(environ["FABRIQUE_DATA_DIR"]) / "geocoder")
    return DEFAULT_INDEX


def _index_dir(ctx: click.Context) -> Path:
    return Path(ctx.obj["index"])


def _source_name(fmt: str, files: tuple[Path, ...], given: str | None) -> str:
    if given:
        return given
    if len(files) == 1:
        name = files[0].name
        for suffix in (".gz", ".csv", ".zip", ".jsonl", ".json"):
            name = name.removesuffix(suffix)
        return f"{fmt}-{name}" if not name.startswith(fmt) else name
    return fmt


@click.group()
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: default_index(os.environ),
    show_default="FABRIQUE_GEOCODER_INDEX, else $FABRIQUE_DATA_DIR/geocoder, "
    "else ./var/geocoder",
    help="Folder of the geocoder index.",
)
@click.pass_context
def geocoder(ctx: click.Context, index_dir: Path) -> None:
    """Geocode addresses, stops and places, forward and reverse."""
    ctx.ensure_object(dict)
    ctx.obj["index"] = index_dir


@geocoder.group()
def index() -> None:
    """Build or update one source of the index (others are kept)."""


def _report(stats: SegmentStats, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(stats.as_dict()))
        return
    click.echo(
        f"Indexed source {stats.source}: {stats.documents:,} documents, "
        f"{stats.housenumbers:,} house numbers, {stats.tokens:,} words, "
        f"{stats.bytes / 1e6:.1f} MB in {stats.seconds:.1f} s."
    )


def _build_files(ctx: click.Context, fmt: str, files: tuple[Path, ...],
                 source: str | None, as_json: bool) -> None:  # fmt: skip
    name = _source_name(fmt, files, source)
    with (
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=as_json,
        ) as progress,
        ExitStack() as stack,
    ):

        def opened() -> Iterator[tuple[IO[bytes], str]]:
            for path in files:
                handle = stack.enter_context(
                    progress.open(path, "rb", description=path.name)
                )
                yield handle, path.name

        step = progress.add_task("building", total=None, visible=False)

        def say(message: str) -> None:
            progress.update(step, description=message, visible=True)

        try:
            stats = build_source(_index_dir(ctx), name, fmt, opened(), progress=say)
        except GeocoderError as exc:
            raise click.ClickException(str(exc)) from None
    _report(stats, as_json)


_files = click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
_source = click.option("--source", help="Source name (default: from the file name).")
_json = click.option("--json", "as_json", is_flag=True, help="Machine output.")


@index.command("ban")
@_files
@_source
@_json
@click.pass_context
def index_ban(ctx: click.Context, files: tuple[Path, ...], source: str | None,
              as_json: bool) -> None:  # fmt: skip
    """Index Base Adresse Nationale CSV files (.csv or .csv.gz)."""
    _build_files(ctx, "ban", files, source, as_json)


@index.command("bano")
@_files
@_source
@_json
@click.pass_context
def index_bano(ctx: click.Context, files: tuple[Path, ...], source: str | None,
               as_json: bool) -> None:  # fmt: skip
    """Index BANO CSV files (no header, eight columns)."""
    _build_files(ctx, "bano", files, source, as_json)


@index.command("places")
@_files
@_source
@_json
@click.pass_context
def index_places(ctx: click.Context, files: tuple[Path, ...], source: str | None,
                 as_json: bool) -> None:  # fmt: skip
    """Index places or stops given as JSON lines (id, type, name, lat, lon …)."""
    _build_files(ctx, "places", files, source, as_json)


@index.command("gtfs")
@_files
@_source
@_json
@click.pass_context
def index_gtfs(ctx: click.Context, files: tuple[Path, ...], source: str | None,
               as_json: bool) -> None:  # fmt: skip
    """Index the stops of GTFS zip files (stations, platforms folded in)."""
    name = _source_name("gtfs", files, source)
    try:
        with console.status("Indexing stops"):
            stats = build_gtfs_source(_index_dir(ctx), name, files)
    except GeocoderError as exc:
        raise click.ClickException(str(exc)) from None
    _report(stats, as_json)


@geocoder.command("sources")
@_json
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    """List the sources in the index."""
    with _open(ctx) as opened:
        found = opened.sources()
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    for item in found:
        click.echo(
            f"{item['source']}: {item['documents']:,} documents, "
            f"{item['housenumbers']:,} house numbers, {item['bytes'] / 1e6:.1f} MB"
        )


@geocoder.command("remove")
@click.argument("source")
@click.pass_context
def remove(ctx: click.Context, source: str) -> None:
    """Remove one source from the index."""
    try:
        remove_source(_index_dir(ctx), source)
    except GeocoderError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Removed source {source}.")


def _open(ctx: click.Context) -> Index:
    try:
        return Index.open(_index_dir(ctx))
    except GeocoderError as exc:
        raise click.ClickException(
            f"{exc} (build it with `fabrique geocoder index ban FILE`)"
        ) from None


def _print(results: list[Result], as_json: bool, started: float) -> None:
    if as_json:
        collection: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": [result.feature() for result in results],
        }
        click.echo(json.dumps(collection, ensure_ascii=False, indent=2))
        return
    if not results:
        click.echo("No result.")
    for result in results:
        extra = f"  {result.distance} m" if result.distance is not None else ""
        click.echo(
            f"{result.score:.3f}  {result.type:<12} {result.label}  "
            f"({result.lat:.6f}, {result.lon:.6f}){extra}"
        )
    console.print(f"[dim]{(time.perf_counter() - started) * 1000:.1f} ms[/dim]")


_type = click.option("--type", "kind", type=click.Choice(RESULT_TYPES))
_limit = click.option("--limit", default=5, show_default=True, type=int)


@geocoder.command("search")
@click.argument("query")
@click.option("--lat", type=float, help="Latitude to favour results near.")
@click.option("--lon", type=float, help="Longitude to favour results near.")
@_type
@_limit
@click.option("--postcode")
@click.option("--citycode")
@click.option("--autocomplete/--no-autocomplete", default=True, show_default=True)
@_json
@click.pass_context
def search(ctx: click.Context, query: str, lat: float | None,
           lon: float | None, kind: str | None, limit: int,
           postcode: str | None, citycode: str | None, autocomplete: bool,
           as_json: bool) -> None:  # fmt: skip
    """Search addresses, streets, municipalities, stops and places."""
    with _open(ctx) as opened:
        started = time.perf_counter()
        try:
            results = opened.search(
                query, limit=limit, lat=lat, lon=lon, type=kind, postcode=postcode,
                citycode=citycode, autocomplete=autocomplete,
            )  # fmt: skip
        except GeocoderError as exc:
            raise click.ClickException(str(exc)) from None
        _print(results, as_json, started)


@geocoder.command("reverse")
@click.argument("lat", type=float)
@click.argument("lon", type=float)
@_type
@click.option("--limit", default=1, show_default=True, type=int)
@click.option("--radius", default=1000.0, show_default=True, help="Metres.")
@_json
@click.pass_context
def reverse(ctx: click.Context, lat: float, lon: float, kind: str | None,
            limit: int, radius: float, as_json: bool) -> None:  # fmt: skip
    """Find what is nearest to a point."""
    with _open(ctx) as opened:
        started = time.perf_counter()
        try:
            results = opened.reverse(lat, lon, type=kind, limit=limit, radius=radius)
        except GeocoderError as exc:
            raise click.ClickException(str(exc)) from None
        _print(results, as_json, started)


@geocoder.command("csv")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--columns", "-c", multiple=True,
              help="Column(s) making the query (repeat; default all).")  # fmt: skip
@click.option("--delimiter", help="Column separator (default: guessed).")
@click.option("--encoding", default="utf-8-sig", show_default=True)
@click.option("--postcode-column", help="Column holding a postcode filter.")
@click.option("--citycode-column", help="Column holding a city code filter.")
@click.option("--reverse", "is_reverse", is_flag=True,
              help="Reverse-geocode the lat/lon columns instead.")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              default=lambda: os.cpu_count() or 1,
              show_default="the number of processors",
              help="Processes geocoding at once (rows keep their order).")  # fmt: skip
@click.pass_context
def csv_command(ctx: click.Context, source: Path, target: Path,
                columns: tuple[str, ...], delimiter: str | None, encoding: str,
                postcode_column: str | None, citycode_column: str | None,
                is_reverse: bool, jobs: int) -> None:  # fmt: skip
    """Geocode a CSV file row by row into another (streamed)."""
    filters = {
        key: column
        for key, column in (
            ("postcode", postcode_column),
            ("citycode", citycode_column),
        )
        if column
    }
    with _open(ctx) as opened:
        started = time.perf_counter()
        try:
            with (
                open(source, encoding=encoding, newline="") as src,
                open(target, "w", encoding="utf-8", newline="") as dst,
                console.status(f"Geocoding {source.name}"),
            ):
                if is_reverse:
                    count = reverse_csv(opened, src, dst, delimiter=delimiter,
                                        name=source.name, jobs=jobs)  # fmt: skip
                else:
                    count = search_csv(
                        opened, src, dst, columns=list(columns) or None,
                        delimiter=delimiter, filters=filters, name=source.name,
                        jobs=jobs,
                    )  # fmt: skip
        except (GeocoderError, LookupError) as exc:
            target.unlink(missing_ok=True)
            raise click.ClickException(str(exc)) from None
        except UnicodeDecodeError as exc:
            target.unlink(missing_ok=True)
            raise click.ClickException(
                f"{source.name} is not {encoding} ({exc.reason}); try --encoding"
            ) from None
    seconds = time.perf_counter() - started
    click.echo(f"Geocoded {count:,} rows into {target} in {seconds:.1f} s.")


if __name__ == "__main__":  # pragma: no cover
    geocoder(sys.argv[1:])
