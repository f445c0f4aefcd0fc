"""Import commons from the metadata files people already keep.

One flow for every format: read the source (an uploaded file or an address,
fetched with the transport fetcher's safety rules), turn it into commons
fields with the format's importer, show a preview (each field, old and new,
with warnings for what has no place in a commons), then apply it: a new
commons, or a new revision of the commons imported from the same source
before (the source address is remembered), with the source in the comment.

An importer is ``(data: bytes, name: str) -> list[Candidate]``: a format
holding several commons (a DCAT catalogue) returns several, each with a
``key`` that stays the same from one import to the next. ``register`` adds a
format.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabrique.catalog import services
from fabrique.catalog.models import Commons, ImportSource
from fabrique.standards import (
    StandardsError,
    codemeta,
    not_imported,
    okh,
    publiccode,
)
from fabrique.standards.validate import detect

MAX_BYTES = 2 * 1024**2
# Fields of a commons an import may set; empty imported values leave the
# commons' value as it is.
FIELDS = (
    "kind",
    "title",
    "summary",
    "description",
    "licence",
    "maturity",
    "repository_url",
    "documentation_url",
    "demo_url",
    "download_url",
    "tags",
)
# Files looked for at the root of a repository address.
ROOT_FILES = ("publiccode.yml", "publiccode.yaml", "codemeta.json", "okh.toml")


class ImportFailed(Exception):
    """The source cannot be imported; the message says why."""


@dataclass
class Candidate:
    fields: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    key: str = ""


Importer = Callable[[bytes, str], list[Candidate]]


def _single(convert: Callable[[bytes], tuple[dict[str, Any], list[str]]]) -> Importer:
    def importer(data: bytes, name: str) -> list[Candidate]:
        fields, warnings = convert(data)
        return [Candidate(fields, warnings)]

    return importer


def _okh(data: bytes, name: str) -> list[Candidate]:
    fields, warnings = okh.to_commons(data, name=name or "okh.toml")
    return [Candidate(fields, warnings)]


#: What a DCAT-AP dataset carries that a commons has no place for.
DCAT_UNMAPPED = ("themes", "publisher", "contact", "transport", "created", "modified")


#: What a DCAT-AP data service carries that a commons has no place for.
DCAT_SERVICE_UNMAPPED = (
    "themes",
    "publisher",
    "contact",
    "created",
    "modified",
    "serves",
)


def _dcat_service(service: dict[str, Any], warnings: list[str]) -> Candidate:
    """A ``dcat:DataService`` as a service commons: its endpoint is the
    service's address, its endpoint description the documentation."""
    endpoint = service.get("endpoint_url") or ""
    described = service.get("endpoint_description") or ""
    if endpoint in (service.get("uri"), service.get("landing_page"), described):
        endpoint = ""
    fields = {
        "kind": "service",
        "title": service.get("title", ""),
        "summary": (service.get("summary") or "")[:300],
        "description": service.get("description", ""),
        "licence": service.get("licence") or "",
        "demo_url": endpoint,
        "documentation_url": described,
        "tags": list(service.get("tags") or []),
    }
    notes = list(warnings)
    notes += not_imported(key for key in DCAT_SERVICE_UNMAPPED if service.get(key))
    return Candidate(fields, notes, key=str(service.get("uri", ""))[:500])


def _dcat(data: bytes, name: str) -> list[Candidate]:
    """Each ``dcat:Dataset`` of the document as a data commons and each
    ``dcat:DataService`` as a service commons, remembered by its URI (one
    document may describe many)."""
    from fabrique.standards import dcat

    datasets, services, warnings = dcat.read(data, name=name or "catalogue.ttl")
    if not datasets and not services:
        warnings.append("the document describes no dcat:Dataset nor dcat:DataService")
    return from_dcat(datasets, services, warnings)


def from_dcat(
    datasets: list[dict[str, Any]],
    services: list[dict[str, Any]],
    warnings: list[str],
) -> list[Candidate]:
    """Candidates of the datasets then the services read from a DCAT-AP
    document (``standards.dcat.read``), in that order."""
    found = []
    for dataset in datasets:
        distributions = dataset.get("distributions") or []
        download = next(
            (d["download_url"] for d in distributions if d.get("download_url")), ""
        ) or next((d["access_url"] for d in distributions if d.get("access_url")), "")
        fields = {
            "kind": "data",
            "title": dataset.get("title", ""),
            "summary": (dataset.get("summary") or "")[:300],
            "description": dataset.get("description", ""),
            "licence": dataset.get("licence") or "",
            "documentation_url": dataset.get("landing_page") or "",
            "download_url": download,
            "tags": list(dataset.get("tags") or []),
        }
        notes = list(warnings)
        notes += not_imported(key for key in DCAT_UNMAPPED if dataset.get(key))
        if len(distributions) > 1:
            notes.append(
                f"{len(distributions)} distributions: only the first address is kept"
            )
        found.append(Candidate(fields, notes, key=str(dataset.get("uri", ""))[:500]))
    found.extend(_dcat_service(service, warnings) for service in services)
    return found


IMPORTERS: dict[str, Importer] = {
    "publiccode": _single(publiccode.to_commons),
    "codemeta": _single(codemeta.to_commons),
    "okh": _okh,
    "dcat": _dcat,
}


def register(format_name: str, importer: Importer) -> None:
    """Add (or replace) the importer of a format, e.g. ``dcat``."""
    IMPORTERS[format_name] = importer


@dataclass
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class Item:
    """One commons the import would create or update."""

    fields: dict[str, Any]
    warnings: list[str]
    key: str
    uri: str  # the source remembered for a later import
    existing: Commons | None
    changes: list[Change]
    errors: dict[str, str]

    @property
    def action(self) -> str:
        return "update" if self.existing is not None else "create"


@dataclass
class Preview:
    format: str
    source: str
    items: list[Item]

    @property
    def valid(self) -> bool:
        return bool(self.items) and not any(item.errors for item in self.items)


def fetch(url: str) -> tuple[bytes, str]:
    """Bytes and file name behind ``url``; a repository address is looked
    into for a metadata file at its root."""
    from fabrique.transport.services import FetchError, download

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportFailed(_("Only http and https addresses can be imported."))
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    candidates = [url]
    if "." not in name:
        candidates = [_raw_root(url, file) for file in ROOT_FILES]
    problems = []
    for candidate in candidates:
        try:
            received = download(candidate, max_bytes=MAX_BYTES)
        except FetchError as exc:
            problems.append(f"{candidate}: {exc}")
            continue
        try:
            data = received.path.read_bytes()
        finally:
            received.discard()
        return data, urllib.parse.urlsplit(candidate).path.rsplit("/", 1)[-1]
    raise ImportFailed("; ".join(problems[:4]))


def _raw_root(url: str, file: str) -> str:
    parts = urllib.parse.urlsplit(url.removesuffix(".git").rstrip("/"))
    if parts.hostname == "github.com":
        owner_repo = "/".join(parts.path.strip("/").split("/")[:2])
        return f"https://raw.githubusercontent.com/{owner_repo}/HEAD/{file}"
    if parts.hostname and "gitlab" in parts.hostname:
        return f"{parts.scheme}://{parts.netloc}{parts.path}/-/raw/HEAD/{file}"
    return f"{parts.scheme}://{parts.netloc}{parts.path}/raw/HEAD/{file}"


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: fields[k] for k in FIELDS if fields.get(k) not in (None, "", [])}


def preview(
    data: bytes, *, name: str, source: str, format_name: str | None = None
) -> Preview:
    """What importing ``data`` would do; nothing is written."""
    if len(data) > MAX_BYTES:
        raise ImportFailed(
            _("The file is too large (at most %(size)s bytes).") % {"size": MAX_BYTES}
        )
    chosen = format_name or detect(name, data)
    importer = IMPORTERS.get(chosen)
    if importer is None:
        raise ImportFailed(
            _("The format %(format)s cannot be imported yet.") % {"format": chosen}
        )
    try:
        candidates = importer(data, name)
    except StandardsError as exc:
        raise ImportFailed(str(exc)) from exc
    items = []
    for candidate in candidates:
        fields = _clean(candidate.fields)
        uri = _uri(source, fields)
        known = (
            ImportSource.objects.filter(uri=uri, key=candidate.key)
            .select_related("commons")
            .first()
        )
        existing = known.commons if known else None
        changes = [
            Change(k, getattr(existing, k) if existing else None, v)
            for k, v in fields.items()
            if existing is None or getattr(existing, k) != v
        ]
        items.append(
            Item(
                fields,
                candidate.warnings,
                candidate.key,
                uri,
                existing,
                changes,
                _errors(fields, existing),
            )
        )
    return Preview(chosen, source, items)


def _uri(source: str, fields: dict[str, Any]) -> str:
    """Where an import comes from: the address it was read from; for an
    uploaded file, the repository it names (so that one person's
    ``publiccode.yml`` is never taken for another's), else its file name."""
    if source.startswith("upload:") and fields.get("repository_url"):
        return str(fields["repository_url"])[:500]
    return source[:500]


def _errors(fields: dict[str, Any], existing: Commons | None) -> dict[str, str]:
    """Model validation of the commons as it would be saved."""
    commons = Commons() if existing is None else Commons(**{
        f: getattr(existing, f) for f in services.COMMONS_EDITABLE
    })  # fmt: skip
    for key, value in fields.items():
        setattr(commons, key, value)
    try:
        commons.full_clean(exclude=["slug", "created_by"])
    except ValidationError as exc:
        return {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
    return {}


def apply(result: Preview, *, user: Any) -> list[Commons]:
    """Create or update the commons of a preview; one revision each."""
    if not result.valid:
        raise ImportFailed(_("The import has errors; nothing was saved."))
    comment = _("Imported from %(source)s (%(format)s)") % {
        "source": result.source[:300],
        "format": result.format,
    }
    saved = []
    with transaction.atomic():
        for item in result.items:
            if item.existing is None:
                commons = services.create_commons(
                    user=user, data=item.fields, comment=comment
                )
            else:
                commons = item.existing
                services.update_commons(
                    commons,
                    user=user,
                    data=item.fields,
                    base_revision=commons.revision,
                    comment=comment,
                )
            ImportSource.objects.update_or_create(
                uri=item.uri,
                key=item.key,
                defaults={"commons": commons, "format": result.format},
            )
            saved.append(commons)
    return saved
