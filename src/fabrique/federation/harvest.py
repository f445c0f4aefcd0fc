"""Harvest runs: read a source with its harvester, apply what changed, keep
the report.

A harvested commons is identified by its origin URI, never by the source it
came through: the same commons reached through two sources is one commons
(0 duplicates), a relay never overrides a copy held from its origin, and a
commons whose origin is this instance is never created again (a loop A → B
→ A creates nothing). Missing commons are deleted only after a complete full
walk of a source with ``delete_missing``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.catalog.models import Commons, Kind, Maturity, Theme
from fabrique.catalog.services import unique_slug
from fabrique.core.markdown import MAX_MARKDOWN_CHARS
from fabrique.core.revisions import save_revision
from fabrique.core.search import index as search_index
from fabrique.federation import bulk
from fabrique.federation import instance as here
from fabrique.federation.fetching import Fetcher, Stopped
from fabrique.federation.harvesters import (
    HARVESTERS,
    Failure,
    Record,
    Walk,
    is_http,
    same_site,
)
from fabrique.federation.models import (
    ChangeEntry,
    HarvestRun,
    HarvestSource,
    RemoteCommons,
    RemoteInstance,
)

log = logging.getLogger(__name__)

URL_FIELDS = ("repository_url", "documentation_url", "demo_url", "download_url")
TEXT_LIMITS = {"title": 200, "summary": 300, "licence": 64}
#: Changes listed in a report (the counts stay exact beyond).
MAX_LISTED = 1000
#: Items applied per transaction (a feed page is 500).
BATCH = 500


def clean(raw: dict[str, Any], fallback_title: str) -> dict[str, Any]:
    """The commons fields of a remote record, each bounded; addresses other
    than http(s) (``javascript:`` and the like) are dropped."""
    fields: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        fields[name] = " ".join(str(raw.get(name) or "").split())[:limit]
    fields["title"] = fields["title"] or fallback_title[:200]
    fields["summary"] = fields["summary"] or fields["title"][:300]
    fields["description"] = str(raw.get("description") or "")[:MAX_MARKDOWN_CHARS]
    kind = raw.get("kind")
    fields["kind"] = kind if kind in Kind.values else Kind.DATA
    maturity = raw.get("maturity")
    fields["maturity"] = maturity if maturity in Maturity.values else Maturity.IDEA
    tags = raw.get("tags") if isinstance(raw.get("tags"), list) else []
    fields["tags"] = [str(t)[:50] for t in tags if str(t).strip()][:30]
    for name in URL_FIELDS:
        value = str(raw.get(name) or "").strip()
        fields[name] = value[:200] if is_http(value) else ""
    return fields


def people(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Contributors or ledger lines with only safe addresses (http(s) or
    ``acct:``) and bounded texts."""
    safe = []
    for row in rows[:500]:
        kept = {}
        for key, value in row.items():
            if isinstance(value, dict):
                kept[str(key)[:40]] = people([value])[0] if value else {}
            elif isinstance(value, str | int | float | bool) or value is None:
                kept[str(key)[:40]] = (
                    str(value)[:300] if isinstance(value, str) else value
                )
        for key in ("uri", "instance"):
            value = str(kept.get(key) or "")
            if value and not (is_http(value) or value.startswith("acct:")):
                kept[key] = ""
        safe.append(kept)
    return safe


class Batches:
    """Applied items are committed a batch at a time (one transaction per
    batch, each item updated in its own savepoint, the new ones written
    together), and their search documents rebuilt once per batch: on SQLite
    a commit per commons would cost a disk sync each."""

    def __init__(self) -> None:
        self.stack = contextlib.ExitStack()

    def _open(self) -> None:
        self.stack = contextlib.ExitStack()
        self.stack.enter_context(transaction.atomic())
        self.stack.enter_context(search_index.deferred())

    def __enter__(self) -> Batches:
        self._open()
        return self

    def next(self) -> None:
        """Commit the open batch and start another."""
        self.stack.close()
        self._open()

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        # What was applied before a stop is kept (the cursor says so); any
        # other error rolls the open batch back.
        if kind is not None and not issubclass(kind, Stopped):
            self.stack.__exit__(kind, error, trace)
        else:
            self.stack.close()


@dataclass
class New:
    """A commons to create, checked, waiting for the batch's bulk write."""

    record: Record
    uri: str
    commons: Commons
    digest: str
    themes: list[Theme]


class Runner:
    """One run of one source."""

    def __init__(
        self,
        source: HarvestSource,
        *,
        dry_run: bool = False,
        full: bool = False,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.source = source
        self.dry = dry_run
        self.fetch = fetcher or Fetcher()
        self.walk = Walk(cursor=source.cursor, full=full or not source.cursor)
        self.run = HarvestRun(source=source, dry_run=dry_run)
        self.started = timezone.now()
        self.base = source.url.rstrip("/")
        self.kept: list[int] = []
        self._themes: dict[str, Theme] | None = None
        # The batch being applied: its commons held here, by origin URI; the
        # relayed ones deleted here; the new ones waiting to be written.
        self.known: dict[str, RemoteCommons] = {}
        self.tombstones: set[str] = set()
        self.new: dict[str, New] = {}

    # what the run does ---------------------------------------------------

    def __call__(self) -> HarvestRun:
        clock = time.monotonic()
        harvester = HARVESTERS[self.source.kind]
        try:
            with Batches() as batches:
                batch: list[Record | Failure] = []
                try:
                    for found in harvester(self.source, self.fetch, self.walk):
                        batch.append(found)
                        if len(batch) >= BATCH:
                            self.apply_batch(batch)
                            batch = []
                            batches.next()
                except Stopped:
                    # A stop keeps what was read before it (the cursor
                    # counts it); another error rolls the batch back.
                    self.apply_batch(batch)
                    raise
                self.apply_batch(batch)
            self.touch()
            if self.walk.complete and self.walk.full and self.source.delete_missing:
                self.delete_missing()
        except Stopped as exc:
            self.run.stopped = str(exc)[:500]
        self.touch()
        self.run.full = self.walk.full
        self.run.requests = self.fetch.requests
        self.run.bytes = self.fetch.bytes
        self.run.duration = round(time.monotonic() - clock, 3)
        self.run.finished = timezone.now()
        self.run.save()
        home = self._remember_instance()
        if home and not self.dry and not self.run.stopped:
            from fabrique.federation import people

            # Roles and badges of the people linked there travel with the
            # harvest, as their contributions do with the commons.
            people.refresh_instance(home)
        if not self.dry:
            # A run stopped half-way keeps its cursor: items are applied in
            # order, so the next run goes on from there.
            self.source.cursor = self.walk.cursor
            HarvestSource.objects.filter(pk=self.source.pk).update(
                cursor=self.source.cursor
            )
        return self.run

    def apply_batch(self, batch: list[Record | Failure]) -> None:
        """Apply a batch of items in order: what exists here is read in one
        query, the new commons are written together at the end."""
        if not batch:
            return
        records = [f for f in batch if isinstance(f, Record)]
        held = RemoteCommons.objects.filter(
            origin_uri__in={r.origin_uri[:500] for r in records}
        )
        self.known = {r.origin_uri: r for r in held.select_related("commons")}
        relayed = {r.origin_uri[:500] for r in records if r.relayed} - set(self.known)
        self.tombstones = set()
        if relayed:
            self.tombstones = set(
                ChangeEntry.objects.filter(
                    uri__in=relayed, action=ChangeEntry.Action.DELETE
                ).values_list("uri", flat=True)
            )
        self.new = {}
        for found in batch:
            if isinstance(found, Failure):
                self.fail(found.item, found.reason)
            else:
                self.apply(found)
        self.create_new()

    def fail(self, item: str, reason: str) -> None:
        if len(self.run.failed) < MAX_LISTED:
            self.run.failed.append({"item": item[:300], "reason": reason[:500]})

    def note(self, action: str, uri: str, title: str = "") -> None:
        if len(self.run.changes) < MAX_LISTED:
            self.run.changes.append({"action": action, "uri": uri, "title": title})

    def wanted(self, record: Record, fields: dict[str, Any]) -> bool:
        source = self.source
        if source.filter_kinds and fields["kind"] not in source.filter_kinds:
            return False
        if source.filter_licences and fields["licence"] not in source.filter_licences:
            return False
        if source.filter_themes:
            names = {t.lower() for t in record.themes}
            return bool(names & {t.lower() for t in source.filter_themes})
        return True

    def apply(self, record: Record) -> None:
        uri = record.origin_uri[:500]
        if here.is_own(uri):
            self.run.skipped += 1  # our own commons coming back: nothing to do
            return
        if uri in self.new:
            # Twice in one batch: the first one is written before the second
            # is compared with it.
            self.create_new()
            self.known.update(
                (r.origin_uri, r)
                for r in RemoteCommons.objects.filter(origin_uri=uri).select_related(
                    "commons"
                )
            )
        existing = self.known.get(uri)
        from_origin = not record.relayed and same_site(uri, self.base)
        if (
            existing is not None
            and existing.source_id not in (None, self.source.pk)
            and not from_origin
        ):
            # Held through another source: a relay never overrides it.
            self.run.skipped += 1
            return
        if record.deleted:
            if existing is not None:
                self.note("delete", uri, existing.commons.title)
                self.run.deleted += 1
                if not self.dry:
                    existing.commons.delete()
                    del self.known[uri]
                    self.tombstones.add(uri)
            return
        if existing is None and record.relayed and self.deleted_here(uri):
            # Deleted at its origin: a relay that still has it (it will drop
            # it on its next harvest) does not bring it back to life.
            self.run.skipped += 1
            return
        fields = clean(record.fields, uri)
        record.contributors = people(record.contributors)
        record.ledger = people(record.ledger)
        if not self.wanted(record, fields):
            self.run.skipped += 1
            return
        payload = [fields, sorted(record.themes), record.contributors, record.ledger]
        digest = hashlib.sha256(
            json.dumps([payload, record.page], sort_keys=True, default=str).encode()
        ).hexdigest()
        if existing is not None and existing.digest == digest:
            self.run.unchanged += 1
            if existing.source_id != self.source.pk and not self.dry:
                RemoteCommons.objects.filter(pk=existing.pk).update(source=self.source)
            self.kept.append(existing.pk)
            if len(self.kept) >= 500:
                self.touch()
            return
        action = "create" if existing is None else "update"
        if self.dry:
            self.note(action, uri, fields["title"])
            setattr(self.run, f"{action}d", getattr(self.run, f"{action}d") + 1)
            return
        if existing is None:
            self.queue(record, uri, fields, digest)
            return
        try:
            with transaction.atomic():
                self._save(record, uri, fields, digest, existing)
        except ValidationError as exc:
            self.fail(uri, "; ".join(exc.messages)[:500])
            return
        self.note(action, uri, fields["title"])
        self.run.updated += 1

    def queue(
        self, record: Record, uri: str, fields: dict[str, Any], digest: str
    ) -> None:
        """Check a new commons now; it is written with the batch's others."""
        commons = Commons(**fields)
        try:
            commons.full_clean(exclude=["slug", "created_by"])
        except ValidationError as exc:
            self.fail(uri, "; ".join(exc.messages)[:500])
            return
        themes = self.themes_for(record.themes)
        self.new[uri] = New(record, uri, commons, digest, themes)

    def create_new(self) -> None:
        """Write the queued new commons, each with its first revision, its
        activity entry, its provenance and its place in the change feed, in
        a few statements for all of them."""
        new = list(self.new.values())
        self.new = {}
        if not new:
            return
        try:
            with transaction.atomic():
                bulk.create_harvested(
                    [(n.commons, n.themes) for n in new],
                    comment=self.comment(),
                    remotes=[self._remote(n.record, n.uri, n.digest) for n in new],
                )
        except IntegrityError:
            # Another writer took a slug (or an origin) meanwhile: one by one.
            written = []
            for one in new:
                # The rolled-back write left its row ids on the objects.
                one.commons.pk = None
                one.commons._state.adding = True
                try:
                    with transaction.atomic():
                        self._save(one.record, one.uri, {}, one.digest, None, one)
                except (ValidationError, IntegrityError) as exc:
                    self.fail(one.uri, str(exc)[:500])
                    continue
                written.append(one)
            new = written
        for one in new:
            self.note("create", one.uri, one.commons.title)
            self.run.created += 1
            self.known[one.uri] = one.commons.remote  # type: ignore[attr-defined]

    def comment(self) -> str:
        return _("Harvested from %(source)s") % {"source": self.source.name[:200]}

    def _remote(self, record: Record, uri: str, digest: str) -> RemoteCommons:
        """The provenance of a commons (its ``commons`` set by the caller)."""
        return RemoteCommons(origin_uri=uri, **self._provenance(record, digest))

    def _provenance(self, record: Record, digest: str) -> dict[str, Any]:
        return {
            "origin_instance": record.origin_instance[:500],
            "origin_name": record.origin_name[:200],
            "origin_page": record.page[:500] if is_http(record.page) else "",
            "source": self.source,
            "contributors": record.contributors,
            "ledger": record.ledger,
            "digest": digest,
            "last_seen": timezone.now(),
        }

    def deleted_here(self, uri: str) -> bool:
        """Was a copy of ``uri`` deleted here (a tombstone in the feed)?"""
        return uri in self.tombstones

    def _save(
        self,
        record: Record,
        uri: str,
        fields: dict[str, Any],
        digest: str,
        existing: RemoteCommons | None,
        new: New | None = None,
    ) -> None:
        """Write one commons as a revision (an update, or a new one when the
        batch's bulk write could not be made)."""
        if new is not None:
            commons, themes = new.commons, new.themes
        else:
            commons = existing.commons if existing is not None else Commons()
            for name, value in fields.items():
                setattr(commons, name, value)
            themes = self.themes_for(record.themes)
        if existing is None:
            commons.slug = unique_slug(Commons, commons.title)
        commons.full_clean(exclude=["slug", "created_by"])
        save_revision(
            commons,
            user=None,
            base_revision=None,
            comment=self.comment(),
            m2m={"themes": themes},
        )
        values = self._provenance(record, digest)
        if existing is None:
            commons.remote = RemoteCommons.objects.create(  # type: ignore[attr-defined]
                commons=commons, origin_uri=uri, **values
            )
        else:
            RemoteCommons.objects.filter(pk=existing.pk).update(**values)
            for name, value in values.items():
                setattr(existing, name, value)

    def themes_for(self, names: list[str]) -> list[Theme]:
        if self._themes is None:
            self._themes = {}
            for theme in Theme.objects.all():
                self._themes[theme.name.lower()] = theme
                if theme.name_en:
                    self._themes[theme.name_en.lower()] = theme
        found = {self._themes.get(n.lower()) for n in names}
        return [t for t in found if t is not None]

    def touch(self) -> None:
        """Mark the unchanged commons met so far as seen now."""
        if self.kept and not self.dry:
            RemoteCommons.objects.filter(pk__in=self.kept).update(
                last_seen=timezone.now()
            )
        self.kept = []

    def delete_missing(self) -> None:
        """After a complete full walk: the source's commons it did not list."""
        missing = RemoteCommons.objects.filter(
            source=self.source, last_seen__lt=self.started
        ).select_related("commons")
        for remote in missing.iterator():
            self.note("delete", remote.origin_uri, remote.commons.title)
            self.run.deleted += 1
            if not self.dry:
                remote.commons.delete()

    def _remember_instance(self) -> str:
        """Keep what the instance harvested says of itself; its address."""
        described = self.walk.instance
        if self.source.kind != "fabrique":
            return ""
        url = str((described or {}).get("url") or self.base).rstrip("/")
        values: dict[str, Any] = {
            "checked": timezone.now(),
            "healthy": not self.run.stopped,
            "problem": self.run.stopped[:500],
        }
        if described:
            position = described.get("position") or {}
            values.update(
                name=str(described.get("name") or "")[:200],
                region=str(described.get("region") or "")[:200],
                languages=[str(x)[:10] for x in described.get("languages") or []][:20],
                contact=str(described.get("contact") or "")[:300],
                licence=str(described.get("data_licence") or "")[:64],
                version=str((described.get("software") or {}).get("version", ""))[:40],
                public_key=str(described.get("public_key") or "")[:200],
                counts=described.get("counts") or {},
                lat=_number(position.get("lat")),
                lon=_number(position.get("lon")),
            )
        remote, _ = RemoteInstance.objects.update_or_create(url=url, defaults=values)
        if self.source.instance_id != remote.pk:
            HarvestSource.objects.filter(pk=self.source.pk).update(instance=remote)
        return url


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def run_source(
    source: HarvestSource,
    *,
    dry_run: bool = False,
    full: bool = False,
    fetcher: Fetcher | None = None,
) -> HarvestRun:
    """Harvest ``source`` once; the run (its report) is returned and kept."""
    return Runner(source, dry_run=dry_run, full=full, fetcher=fetcher)()


def due(now: Any = None) -> list[HarvestSource]:
    now = now or timezone.now()
    rows = HarvestSource.objects.filter(enabled=True)
    return [s for s in rows if s.next_run is None or s.next_run <= now]


def run_due(now: Any = None) -> list[HarvestRun]:
    """Run every source whose time has come; never raises for one."""
    runs = []
    for source in due(now):
        HarvestSource.objects.filter(pk=source.pk).update(
            next_run=timezone.now() + timedelta(seconds=source.every_seconds)
        )
        try:
            runs.append(run_source(source))
        except Exception:
            log.exception("harvest of %s failed", source)
    return runs
