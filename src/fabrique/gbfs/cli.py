"""``fabrique gbfs``: check bike- and scooter-sharing feeds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fabrique.gbfs.loader import Limits, is_url
from fabrique.notices import Severity


@click.group()
def gbfs() -> None:
    """GBFS feeds (versions 1.0 to 3.0): validation and summary."""


@gbfs.command()
@click.argument("feed")
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path),
    help="Write report.json here.",
)
@click.option(
    "--geojson",
    "geojson_path",
    type=click.Path(path_type=Path),
    help="Write stations and vehicles as GeoJSON here.",
)
@click.option(
    "--timeout", default=15.0, show_default=True, help="Seconds per download."
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also fetch from local and private network addresses.",
)
def validate(
    feed: str,
    json_path: Path | None,
    geojson_path: Path | None,
    timeout: float,
    allow_private: bool,
) -> None:
    """Validate FEED: a gbfs.json URL, a folder or zip of files, or one JSON file.

    Exit status 1 when the feed has errors.
    """
    from fabrique.gbfs.validator import validate as run

    if not is_url(feed) and not Path(feed).exists():
        raise click.BadParameter(
            f"{feed}: no such file, folder or URL", param_hint="FEED"
        )
    result = run(feed, limits=Limits(timeout=timeout, allow_private=allow_private))
    report = result.report()
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if geojson_path:
        geojson_path.write_text(json.dumps(result.geojson(), ensure_ascii=False))
    summary = result.summary
    system = summary.get("system", {})
    click.echo(f"GBFS {summary.get('version') or '?'}  {system.get('name') or feed}")
    click.echo(
        f"  stations {summary['stations']:,}  docks available "
        f"{summary['docksAvailable']:,}  vehicles at stations "
        f"{summary['vehiclesAvailableAtStations']:,}"
    )
    click.echo(
        f"  free-floating vehicles {summary['freeFloatingVehicles']:,} "
        f"({summary['freeFloatingAvailable']:,} available)  vehicle types "
        f"{len(summary['vehicleTypes'])}"
    )
    for group in result.notices.sorted_groups():
        sample = group.samples[0] if group.samples else {}
        where = " ".join(
            str(sample[k]) for k in ("filename", "path", "url") if sample.get(k)
        )
        click.echo(f"  {group.severity.value:<7} {group.code} ×{group.total}  {where}")
    errors = result.notices.severity_count(Severity.ERROR)
    click.echo(
        f"{errors} errors, {result.notices.severity_count(Severity.WARNING)} warnings"
    )
    if errors:
        raise SystemExit(1)
