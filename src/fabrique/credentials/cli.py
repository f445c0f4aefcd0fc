"""``fabrique badges verify FILE|URL``: verify a badge offline, from a shell."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from fabrique.credentials import CredentialsError, contexts
from fabrique.credentials.verify import verify

# The source tree's node_modules (``npm ci`` beside package.json).
DEFAULT_ASSETS = Path(__file__).resolve().parents[3] / "node_modules"


def _read_documents(paths: tuple[Path, ...]) -> dict[str, dict[str, Any]]:
    """Read pinned JSON documents (files or folders of .json), keyed by their id."""
    docs: dict[str, dict[str, Any]] = {}
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    for file in files:
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise click.ClickException(f"{file}: not a JSON document ({exc})") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise click.ClickException(f"{file}: a pinned document needs an `id`")
        docs[doc["id"]] = doc
    return docs


def _fetch(url: str) -> bytes:
    """Download the badge itself (the only network use; verification is offline)."""
    import httpx

    try:
        response = httpx.get(url, follow_redirects=True, timeout=20)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{url}: cannot download the badge ({exc})") from exc
    return response.content


@click.group()
def badges() -> None:
    """Open Badges 2.0 / 3.0: verify badges offline."""


@badges.command("verify")
@click.argument("source")
@click.option(
    "--assets",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_ASSETS,
    show_default=True,
    help="node_modules holding the JSON-LD context packages (npm ci).",
)
@click.option(
    "--pin",
    "pins",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Trusted JSON document (DID document, issuer profile, status list, "
    "OB 2.0 badge class) or folder of them; repeatable.",
)
@click.option("--recipient", help="E-mail or DID the badge should belong to.")
@click.option("--at", "at", help="Verify as of this ISO date-time (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Verdict as JSON.")
def verify_command(
    source: str,
    assets: Path,
    pins: tuple[Path, ...],
    recipient: str | None,
    at: str | None,
    as_json: bool,
) -> None:
    """Verify SOURCE (a file or URL of JSON, JWT, baked PNG or SVG) offline."""
    missing = contexts.missing_packages(assets)
    if missing:
        raise click.ClickException(
            f"JSON-LD context packages missing from {assets}: {', '.join(missing)}. "
            "Run `npm ci` beside package.json (or pass --assets)."
        )
    if source.startswith(("http://", "https://")):
        data = _fetch(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise click.ClickException(f"{source}: no such file")
        data = path.read_bytes()
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00")) if at else None
    except ValueError as exc:
        raise click.ClickException(f"--at {at!r} is not an ISO date-time") from exc
    try:
        verdict = verify(
            data,
            loader=contexts.FrozenLoader(contexts.context_files(assets)),
            documents=_read_documents(pins),
            now=moment,
            recipient=recipient,
        )
    except CredentialsError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(verdict.as_dict(), indent=2, ensure_ascii=False))
    else:
        version = f"Open Badges {verdict.version}" if verdict.version else "badge"
        click.echo(f"{verdict.status.upper()}: {version} ({verdict.form})")
        if verdict.achievement:
            click.echo(f"  achievement: {verdict.achievement}")
        if verdict.issuer:
            click.echo(f"  issuer: {verdict.issuer_name or ''} {verdict.issuer}")
        for line in verdict.checks:
            click.echo(f"  ok: {line}")
        for line in verdict.warnings:
            click.echo(f"  warning: {line}")
        for line in verdict.errors:
            click.echo(f"  error: {line}")
    sys.exit(0 if verdict.valid else 1)
