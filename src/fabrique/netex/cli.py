"""``fabrique netex``: check and validate NeTEx files, install the XSD."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fabrique.notices import Severity

XSD_DIR_HELP = (
    "Folder of installed NeTEx schemas (default: $NETEX_XSD_DIR or "
    "~/.cache/fabrique/netex-xsd)."
)


def _xsd_dir(value: Path | None) -> Path:
    from fabrique.netex.xsd import default_dir

    return value or default_dir()


@click.group()
def netex() -> None:
    """NeTEx files: XML Schema, references and French-profile rules."""


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


@netex.command()
@click.argument("feed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "json_path", type=click.Path(path_type=Path))
@click.option("--html", "html_path", type=click.Path(path_type=Path))
@click.option("--csv", "csv_path", type=click.Path(path_type=Path))
@click.option("--geojson", "geojson_path", type=click.Path(path_type=Path))
@click.option(
    "--xsd-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NETEX_XSD_DIR",
    help=XSD_DIR_HELP,
)
@click.option(
    "--external",
    multiple=True,
    help="Id prefix of objects defined outside FEED (repeatable).",
)
@click.option("--profile", type=click.Choice(["auto", "fr", "none"]), default="auto")
def validate(
    feed: Path,
    json_path: Path | None,
    html_path: Path | None,
    csv_path: Path | None,
    geojson_path: Path | None,
    xsd_dir: Path | None,
    external: tuple[str, ...],
    profile: str,
) -> None:
    """Validate FEED (XML or zip): schema, references, French profile.

    Exit 1 when it has errors; warnings alone do not fail.
    """
    from fabrique.netex.report import to_csv, to_html
    from fabrique.netex.validate import validate as run

    result = run(feed, xsd_dir=_xsd_dir(xsd_dir), external=external, profile=profile)
    report = result.report()
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if html_path:
        html_path.write_text(to_html(report), encoding="utf-8")
    if csv_path:
        csv_path.write_text(to_csv(report), encoding="utf-8")
    if geojson_path:
        geojson_path.write_text(json.dumps(result.geojson(), ensure_ascii=False))
    summary = report["summary"]
    click.echo(
        f"{summary['verdict']}: {summary['errors']} errors, "
        f"{summary['warnings']} warnings ({summary['files']} XML files)"
    )
    click.echo(
        f"  lines {summary['linesByMode']}  stop places {summary['stopPlaces']}  "
        f"quays {summary['quays']}  service journeys {summary['serviceJourneys']}"
    )
    for group in result.notices.sorted_groups():
        sample = group.samples[0] if group.samples else {}
        where = " ".join(
            str(sample[k]) for k in ("filename", "line") if sample.get(k) is not None
        )
        click.echo(f"  {group.severity.value:<7} {group.code} ×{group.total}  {where}")
    click.echo(summary["checked"])
    if result.errors:
        raise SystemExit(1)


@netex.group()
def xsd() -> None:
    """The NeTEx XML Schema (GPL, installed apart from this package)."""


@xsd.command("install")
@click.argument("source", required=False)
@click.option(
    "--xsd-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NETEX_XSD_DIR",
    help=XSD_DIR_HELP,
)
@click.option("--label", default="", help="Version label (default: the schema's).")
def install(source: str | None, xsd_dir: Path | None, label: str) -> None:
    """Install the schema from SOURCE: a zip path or address.

    Without SOURCE, the NeTEx repository's archive at the tested commit is
    downloaded.
    """
    from fabrique.netex.xsd import DEFAULT_SOURCE, XsdError
    from fabrique.netex.xsd import install as run

    origin: Path | str = source or DEFAULT_SOURCE
    if source and not source.startswith(("http://", "https://")):
        origin = Path(source)
        if not origin.is_file():
            raise click.ClickException(f"{source}: no such file")
    try:
        folder = run(origin, _xsd_dir(xsd_dir), label=label)
    except (XsdError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:  # network errors from httpx
        raise click.ClickException(f"cannot download {origin}: {exc}") from exc
    click.echo(f"installed {folder}")


@xsd.command("list")
@click.option(
    "--xsd-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NETEX_XSD_DIR",
    help=XSD_DIR_HELP,
)
def list_(xsd_dir: Path | None) -> None:
    """List installed schema versions."""
    from fabrique.netex.xsd import installed

    found = installed(_xsd_dir(xsd_dir))
    for label, entry in found.items():
        click.echo(f"{label}\t{entry}")
    if not found:
        click.echo("no NeTEx schema installed: run `fabrique netex xsd install`")
