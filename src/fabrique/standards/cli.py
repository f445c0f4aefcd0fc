"""``fabrique standards``: check metadata files against their standard."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from fabrique.standards import StandardsError
from fabrique.standards.validate import FORMATS, validate


@click.group()
def standards() -> None:
    """Standard metadata: DCAT-AP, publiccode.yml, CodeMeta, Open Know-How."""


@standards.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(sorted(FORMATS)),
    help="The standard (guessed from the file otherwise).",
)
@click.option("--json", "as_json", is_flag=True, help="Findings as JSON.")
@click.option(
    "--online", is_flag=True, help="Allow checks that fetch remote addresses."
)
def validate_command(
    file: Path, format_: str | None, as_json: bool, online: bool
) -> None:
    """Check FILE; exit 1 when it has errors."""
    try:
        chosen, findings = validate(
            file.read_bytes(),
            name=file.name,
            format=format_,
            offline=not online,
            base_dir=file.resolve().parent,
        )
    except StandardsError as exc:
        raise click.ClickException(str(exc)) from exc
    errors = [f for f in findings if f.severity == "error"]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "format": chosen,
                    "valid": not errors,
                    "findings": [f.as_dict() for f in findings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for f in findings:
            where = " ".join(part for part in (f.focus, f.path) if part)
            click.echo(f"{f.severity}: {where + ': ' if where else ''}{f.message}")
        click.echo(
            f"{file.name} ({chosen}): {len(errors)} error(s), "
            f"{len(findings) - len(errors)} warning(s)"
        )
    sys.exit(1 if errors else 0)
