"""The open data dump (SPEC §3): everything public, in one archive.

``build()`` writes one zip holding a CSV file per kind of object (UTF-8 with a
byte-order mark and standard quoting, so spreadsheets open it as is), one
JSON-LD file (schema.org and DCAT), the licence, a README and a manifest with
the counts and the date. Only what the site shows to anyone goes in: objects
hidden by moderation, unconfirmed ledger entries and every private field of
accounts (e-mail, names, phone, city kept private) stay out — people appear
by their public name only.

The archive is rebuilt by a periodic task (``rebuild_dump``) into
``FABRIQUE_DUMP_DIR`` and served by the ``/donnees/`` page; ``fabrique dump``
builds one on demand.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from fabrique.catalog.jsonld import actor_jsonld, commons_jsonld
from fabrique.catalog.models import (
    Actor,
    Commons,
    CommunityMembership,
    Place,
    Theme,
)
from fabrique.catalog.models import Need as CommonsNeed
from fabrique.community.models import (
    BetaVersion,
    Challenge,
    Domain,
    Experiment,
    Feedback,
    Need,
)
from fabrique.csvcells import defuse
from fabrique.projects.models import Contribution, Expense, Funding, Project

ARCHIVE = "fabrique-donnees.zip"
MANIFEST = "fabrique-donnees.json"
FORMAT_VERSION = 1

LICENCES = {
    "ODbL-1.0": ("Open Database License 1.0",
                 "https://opendatacommons.org/licenses/odbl/1-0/"),
    "Etalab-2.0": ("Licence Ouverte / Open Licence 2.0 (Etalab)",
                   "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
}  # fmt: skip


class DumpError(Exception):
    """The dump cannot be written where asked."""


@dataclass(frozen=True)
class DumpInfo:
    path: Path
    size: int
    created: datetime
    licence: str
    counts: dict[str, int]


# Values ----------------------------------------------------------------------


def cell(value: Any) -> Any:
    """A CSV cell: lists joined by ' | ', dates ISO, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = " | ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return defuse(value)


def _person(user: Any) -> str:
    """A person as the site shows them to anyone: their public name only."""
    return "" if user is None else str(user.public_name)


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class _Site:
    """What the page JSON-LD builders need of a request: absolute addresses."""

    def build_absolute_uri(self, location: str) -> str:
        return location if "://" in location else _url(location)


# Tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterable[Any]]
    row: Callable[[Any], tuple[Any, ...]]


def _commons() -> QuerySet[Commons]:
    return Commons.objects.filter(hidden=False).prefetch_related("themes", "images")


def _actors() -> QuerySet[Actor]:
    return Actor.objects.filter(hidden=False).prefetch_related("places")


def _projects() -> QuerySet[Project]:
    visible = Commons.objects.filter(hidden=False).only("slug")
    return (
        Project.objects.filter(hidden=False, actor__hidden=False)
        .select_related("actor")
        .prefetch_related(
            Prefetch("uses", queryset=visible),
            Prefetch("contributes_to", queryset=visible),
        )
    )


def _challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(
        hidden=False, need__hidden=False, need__domain__hidden=False
    ).select_related("need", "subdomain", "commons")


def _public_awards() -> Any:
    """Awards their recipients accepted and made public, not revoked (badges app)."""
    from django.apps import apps

    award = apps.get_model("badges", "Award")
    return (
        award.objects.filter(accepted=True, public=True, revoked__isnull=True)
        .select_related("badge", "recipient")
        .order_by("pk")
    )


def _badge_classes() -> Any:
    from django.apps import apps

    return apps.get_model("badges", "BadgeClass").objects.order_by("pk")


def _slug_if_visible(obj: Any) -> str:
    return "" if obj is None or getattr(obj, "hidden", False) else obj.slug


TABLES: tuple[Table, ...] = (
    Table(
        "commons",
        ("slug", "url", "title", "summary", "description", "kind", "maturity",
         "licence", "tags", "themes", "repository_url", "documentation_url",
         "demo_url", "download_url", "resource", "community", "governance",
         "revision", "created", "updated"),
        _commons,
        lambda c: (c.slug, _url(c.get_absolute_url()), c.title, c.summary,
                   c.description, c.kind, c.maturity, c.licence, list(c.tags or []),
                   [t.slug for t in c.themes.all()], c.repository_url,
                   c.documentation_url, c.demo_url, c.download_url,
                   c.pillar_resource, c.pillar_community, c.pillar_governance,
                   c.revision, c.created, c.updated),
    ),
    Table(
        "actors",
        ("slug", "url", "name", "type", "organisation", "summary", "description",
         "website", "skills", "created", "updated"),
        _actors,
        lambda a: (a.slug, _url(a.get_absolute_url()), a.name, a.type,
                   a.is_organisation, a.summary, a.description, a.website,
                   list(a.skills or []), a.created, a.updated),
    ),
    Table(
        "places",
        ("actor", "name", "city", "postcode", "lat", "lon"),
        lambda: Place.objects.filter(actor__hidden=False).select_related("actor")
        .order_by("pk"),
        lambda p: (p.actor.slug, p.name, p.city, p.postcode, p.lat, p.lon),
    ),
    Table(
        "themes",
        ("slug", "name", "name_en", "description"),
        lambda: Theme.objects.all(),
        lambda t: (t.slug, t.name, t.name_en, t.description),
    ),
    Table(
        "commons_needs",
        ("id", "commons", "title", "description", "help_kind", "status", "created"),
        lambda: CommonsNeed.objects.filter(commons__hidden=False)
        .select_related("commons").order_by("pk"),
        lambda n: (n.pk, n.commons.slug, n.title, n.description, n.help_kind,
                   n.status, n.created),
    ),
    Table(
        "memberships",
        ("commons", "actor", "person", "role", "since"),
        lambda: CommunityMembership.objects.filter(
            status="active", commons__hidden=False
        ).filter(Q(actor__isnull=True) | Q(actor__hidden=False))
        .select_related("commons", "actor", "user").order_by("pk"),
        lambda m: (m.commons.slug, m.actor.slug if m.actor_id else "",
                   "" if m.actor_id else _person(m.user), m.role, m.created),
    ),
    Table(
        "domains",
        ("slug", "url", "name", "summary", "description", "created"),
        lambda: Domain.objects.filter(hidden=False).order_by("pk"),
        lambda d: (d.slug, _url(d.get_absolute_url()), d.name, d.summary,
                   d.description, d.created),
    ),
    Table(
        "needs",
        ("slug", "url", "domain", "question", "context", "place", "created"),
        lambda: Need.objects.filter(hidden=False, domain__hidden=False)
        .select_related("domain").order_by("pk"),
        lambda n: (n.slug, _url(n.get_absolute_url()), n.domain.slug, n.title,
                   n.description, n.place_name, n.created),
    ),
    Table(
        "challenges",
        ("slug", "url", "need", "subdomain", "title", "goal", "success_criteria",
         "deadline", "place", "lat", "lon", "cap", "state", "closed_reason",
         "commons", "created", "updated"),
        _challenges,
        lambda c: (c.slug, _url(c.get_absolute_url()), c.need.slug,
                   c.subdomain.title if c.subdomain else "", c.title, c.goal,
                   c.success_criteria, c.deadline, c.place_name, c.lat, c.lon,
                   c.cap, c.state, c.closed_reason, _slug_if_visible(c.commons),
                   c.created, c.updated),
    ),
    Table(
        "betas",
        ("id", "challenge", "title", "description", "url", "commons", "created"),
        lambda: BetaVersion.objects.filter(challenge__in=_challenges())
        .select_related("challenge", "commons").order_by("pk"),
        lambda b: (b.pk, b.challenge.slug, b.title, b.description, b.url,
                   _slug_if_visible(b.commons), b.created),
    ),
    Table(
        "experiments",
        ("id", "challenge", "title", "place", "lat", "lon", "starts", "ends",
         "protocol", "results", "participants"),
        lambda: Experiment.objects.filter(challenge__in=_challenges())
        .select_related("challenge").prefetch_related("participants")
        .order_by("pk"),
        lambda e: (e.pk, e.challenge.slug, e.title, e.place_name, e.lat, e.lon,
                   e.starts, e.ends, e.protocol, e.results,
                   len(e.participants.all())),
    ),
    Table(
        "feedback",
        ("id", "experiment", "author", "rating", "feedback", "created"),
        lambda: Feedback.objects.filter(
            hidden=False, experiment__challenge__in=_challenges()
        ).select_related("author").order_by("pk"),
        lambda f: (f.pk, f.experiment_id, _person(f.author), f.rating, f.body,
                   f.created),
    ),
    Table(
        "projects",
        ("slug", "url", "name", "kind", "actor", "accompaniment", "summary",
         "description", "uses", "contributes_to", "created"),
        _projects,
        lambda p: (p.slug, _url(p.get_absolute_url()), p.name, p.kind, p.actor.slug,
                   p.accompaniment, p.summary, p.description,
                   [c.slug for c in p.uses.all()],
                   [c.slug for c in p.contributes_to.all()], p.created),
    ),
    Table(
        "contributions",
        ("id", "contributor", "actor", "kind", "commons", "challenge",
         "description", "evidence_url", "automatic", "confirmed_by", "confirmed_at",
         "created"),
        lambda: Contribution.objects.filter(status=Contribution.Status.CONFIRMED)
        .filter(Q(commons__isnull=True) | Q(commons__hidden=False))
        .filter(Q(challenge__isnull=True) | Q(challenge__in=_challenges()))
        .filter(Q(actor__isnull=True) | Q(actor__hidden=False))
        .select_related("contributor", "actor", "commons", "challenge",
                        "confirmed_by")
        .order_by("pk"),
        lambda c: (c.pk, _person(c.contributor), c.actor.slug if c.actor else "",
                   c.kind, c.commons.slug if c.commons else "",
                   c.challenge.slug if c.challenge else "", c.description,
                   c.evidence_url, c.automatic, _person(c.confirmed_by),
                   c.confirmed_at, c.created),
    ),
    Table(
        "funding",
        ("id", "funder", "commons", "kind", "amount", "currency", "purpose", "date",
         "pledge", "recorded_by", "acknowledged_by", "acknowledged_at"),
        lambda: Funding.objects.filter(commons__hidden=False, funder__hidden=False,
                                       hidden=False)
        .select_related("funder", "commons", "created_by", "acknowledged_by")
        .order_by("pk"),
        lambda f: (f.pk, f.funder.slug, f.commons.slug, f.kind, str(f.amount),
                   f.currency, f.purpose, f.date, f.pledge_id or "",
                   _person(f.created_by), _person(f.acknowledged_by),
                   f.acknowledged_at),
    ),
    Table(
        "expenses",
        ("id", "grant", "commons", "amount", "currency", "purpose", "date",
         "receipt", "recorded_by", "created"),
        lambda: Expense.objects.filter(
            hidden=False, grant__hidden=False, grant__commons__hidden=False,
            grant__funder__hidden=False,
        ).select_related("grant__commons", "created_by").order_by("pk"),
        lambda e: (e.pk, e.grant_id, e.grant.commons.slug, str(e.amount),
                   e.grant.currency, e.purpose, e.date,
                   _url(e.receipt.url) if e.receipt else e.receipt_url,
                   _person(e.created_by), e.created),
    ),
    Table(
        "badge_classes",
        ("slug", "name", "kind", "description", "criteria", "rule", "skills"),
        _badge_classes,
        lambda b: (b.slug, b.name, b.kind, b.description, b.criteria, b.rule,
                   " ".join(b.skills)),
    ),
    Table(
        "badge_awards",
        ("url", "badge", "recipient", "awarded", "evidence", "issued"),
        _public_awards,
        lambda a: (_url(a.get_absolute_url()), a.badge.slug,
                   _person(a.recipient), a.via, a.evidence, a.issued),
    ),
)  # fmt: skip


def _iterate(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        # Prefetches need chunks; 2,000 rows a query keeps memory flat.
        return rows.iterator(chunk_size=2000)
    return iter(rows)


def write_csv(stream: io.TextIOBase, table: Table) -> int:
    """Write ``table`` as CSV to ``stream``; return its number of rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(table.columns)
    count = 0
    for obj in _iterate(table.rows()):
        writer.writerow([cell(value) for value in table.row(obj)])
        count += 1
    return count


# JSON-LD ---------------------------------------------------------------------

CONTEXT = {
    "@vocab": "https://schema.org/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
}


def _node(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data.pop("@context", None)
    return data


def _geo(lat: float | None, lon: float | None) -> dict[str, Any] | None:
    if lat is None or lon is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}


def jsonld_nodes() -> Iterator[dict[str, Any]]:
    """Every public object as a schema.org node."""
    site: Any = _Site()
    for commons in _iterate(_commons()):
        yield _node(commons_jsonld(commons, site))
    for actor in _iterate(_actors()):
        yield _node(actor_jsonld(actor, site))
    for need in _iterate(
        Need.objects.filter(hidden=False, domain__hidden=False).select_related("domain")
    ):
        yield {
            "@type": "Question",
            "@id": _url(need.get_absolute_url()),
            "name": need.title,
            "text": need.description,
            "about": need.domain.name,
            "dateCreated": need.created.isoformat(),
        }
    for challenge in _iterate(_challenges()):
        node: dict[str, Any] = {
            "@type": "Project",
            "@id": _url(challenge.get_absolute_url()),
            "name": challenge.title,
            "description": challenge.goal,
            "isPartOf": _url(challenge.need.get_absolute_url()),
            "creativeWorkStatus": challenge.state,
        }
        if challenge.place_name:
            node["location"] = {"@type": "Place", "name": challenge.place_name}
            geo = _geo(challenge.lat, challenge.lon)
            if geo:
                node["location"]["geo"] = geo
        if challenge.commons and not challenge.commons.hidden:
            node["result"] = _url(challenge.commons.get_absolute_url())
        yield node
    for project in _iterate(_projects()):
        yield {
            "@type": "Project",
            "@id": _url(project.get_absolute_url()),
            "name": project.name,
            "description": project.summary,
            "parentOrganization": _url(project.actor.get_absolute_url()),
            "uses": [_url(c.get_absolute_url()) for c in project.uses.all()],
            "contributesTo": [
                _url(c.get_absolute_url()) for c in project.contributes_to.all()
            ],
        }
    for grant in _iterate(
        Funding.objects.filter(
            commons__hidden=False, funder__hidden=False, hidden=False
        ).select_related("funder", "commons")
    ):
        yield {
            "@type": "MonetaryGrant",
            "funder": _url(grant.funder.get_absolute_url()),
            "fundedItem": _url(grant.commons.get_absolute_url()),
            "amount": {
                "@type": "MonetaryAmount",
                "value": str(grant.amount),
                "currency": grant.currency,
            },
            "description": grant.purpose,
            "startDate": grant.date.isoformat(),
        }


def _catalogue(
    created: datetime, licence: str, counts: dict[str, int]
) -> dict[str, Any]:
    """The DCAT description of the dump itself."""
    return {
        "@type": ["dcat:Dataset", "Dataset"],
        "@id": _url("/donnees/"),
        "name": f"{settings.SITE_NAME} — open data",
        "dct:license": LICENCES.get(licence, (licence, ""))[1] or licence,
        "dct:modified": created.isoformat(),
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{name}.csv",
                "dcat:mediaType": "text/csv",
                "dct:extent": f"{count} rows",
            }
            for name, count in counts.items()
        ],
    }


def write_jsonld(
    stream: io.TextIOBase, *, created: datetime, licence: str, counts: dict[str, int]
) -> int:
    """Write the JSON-LD graph to ``stream``; return its number of nodes."""
    stream.write('{"@context": ')
    stream.write(json.dumps(CONTEXT))
    stream.write(', "@graph": [\n')
    stream.write(json.dumps(_catalogue(created, licence, counts), ensure_ascii=False))
    count = 0
    for node in jsonld_nodes():
        stream.write(",\n")
        stream.write(json.dumps(node, ensure_ascii=False, sort_keys=True))
        count += 1
    stream.write("\n]}\n")
    return count


# Licence and README ----------------------------------------------------------


def licence_text(licence: str, created: datetime) -> str:
    name, url = LICENCES.get(licence, (licence, ""))
    return (
        f"{settings.SITE_NAME} — open data\n"
        f"{settings.SITE_URL}/donnees/\n\n"
        f"These data are published under the {name}"
        + (f":\n{url}\n" if url else ".\n")
        + f"\nExported on {created.isoformat()}.\n"
        "Reuse them freely, naming the source and, where the licence says so,\n"
        "sharing what you derive from them under the same terms.\n"
    )


def readme_text(created: datetime, licence: str, counts: dict[str, int]) -> str:
    lines = [
        f"# {settings.SITE_NAME} — open data",
        "",
        f"Everything public on {settings.SITE_URL}, exported on {created.isoformat()}"
        f" under the licence {licence} (see LICENCE.txt).",
        "",
        "## Files",
        "",
        "- `manifest.json`: date, licence and the number of rows of each file.",
        "- `fabrique.jsonld`: every object as schema.org JSON-LD, with a DCAT "
        "description of this dump.",
    ]
    for table in TABLES:
        lines.append(
            f"- `csv/{table.name}.csv` ({counts.get(table.name, 0)} rows): "
            + ", ".join(table.columns)
        )
    lines += [
        "",
        "## Format",
        "",
        "CSV files are UTF-8 with a byte-order mark, comma-separated, with double",
        "quotes around cells holding commas, quotes or line breaks (RFC 4180).",
        "Lists inside a cell are separated by ' | '. Dates are ISO 8601.",
        "A text cell starting with =, +, -, @ is written after an apostrophe so",
        "that spreadsheets do not read it as a formula.",
        "",
        "## What is not here",
        "",
        "Nothing private: no e-mail address, no account detail beyond the public",
        "name, nothing hidden by moderation, no ledger entry still waiting for",
        "confirmation.",
        "",
    ]
    return "\n".join(lines)


# Building --------------------------------------------------------------------


def dump_dir() -> Path:
    return Path(settings.FABRIQUE_DUMP_DIR)


def write_archive(target: Path, *, now: datetime | None = None) -> DumpInfo:
    """Write the archive to ``target`` (replaced atomically); return its info."""
    created = (now or timezone.now()).replace(microsecond=0)
    licence = settings.FABRIQUE_DATA_LICENCE
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=".dump-", suffix=".zip", dir=target.parent
        )
    except OSError as exc:
        raise DumpError(f"cannot write to {target.parent}: {exc.strerror}") from exc
    os.close(handle)
    counts: dict[str, int] = {}
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in TABLES:
                with archive.open(f"csv/{table.name}.csv", "w") as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                    counts[table.name] = write_csv(text, table)
                    text.flush()
                    text.detach()
            with archive.open("fabrique.jsonld", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8")
                write_jsonld(text, created=created, licence=licence, counts=counts)
                text.flush()
                text.detach()
            manifest = _manifest(created, licence, counts)
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            archive.writestr("LICENCE.txt", licence_text(licence, created))
            archive.writestr("README.md", readme_text(created, licence, counts))
        os.chmod(temporary, 0o644)  # a public file, whoever serves it
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return DumpInfo(target, target.stat().st_size, created, licence, counts)


def _manifest(
    created: datetime, licence: str, counts: dict[str, int]
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "site": settings.SITE_URL,
        "created": created.isoformat(),
        "licence": licence,
        "licence_url": LICENCES.get(licence, (licence, ""))[1],
        "counts": counts,
    }


def build(output: Path | None = None, *, now: datetime | None = None) -> DumpInfo:
    """Build the dump: to ``output``, or as the one the data page serves."""
    if output is not None:
        return write_archive(output, now=now)
    info = write_archive(dump_dir() / ARCHIVE, now=now)
    sidecar = dump_dir() / MANIFEST
    temporary = sidecar.with_suffix(".tmp")
    manifest = _manifest(info.created, info.licence, info.counts)
    temporary.write_text(json.dumps({**manifest, "size": info.size}), "utf-8")
    os.replace(temporary, sidecar)
    return info


def latest() -> DumpInfo | None:
    """The dump the data page serves, or None before the first build."""
    path = dump_dir() / ARCHIVE
    try:
        manifest = json.loads((dump_dir() / MANIFEST).read_text("utf-8"))
        size = path.stat().st_size
        created = datetime.fromisoformat(manifest["created"])
    except (OSError, ValueError, KeyError):
        return None
    return DumpInfo(
        path, size, created, str(manifest.get("licence", "")),
        dict(manifest.get("counts", {})),
    )  # fmt: skip


@task()
def rebuild_dump() -> int:
    """Background task: rebuild the served dump, then come back (periodic)."""
    from fabrique.notifications import periodic

    try:
        return build().size
    finally:
        periodic.schedule_next(rebuild_dump)
