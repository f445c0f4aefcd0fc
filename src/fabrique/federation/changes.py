"""The change feed: every change of a public commons, in order, resumable.

Signals keep one :class:`ChangeEntry` per commons (moved to the end at each
change); a deleted or hidden commons becomes a tombstone. :func:`page`
reads the feed after a cursor; each item carries the commons as it is now,
its origin (this instance, or the origin of a harvested copy: never passed
off as this instance's own) and its contributors.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, router, transaction
from django.db.models.signals import post_save, pre_delete
from django.urls import reverse
from django.utils import timezone

from fabrique.catalog.models import Commons
from fabrique.core.plainsql import names
from fabrique.federation import instance, ledger
from fabrique.federation.models import ChangeEntry, FeedHorizon

MAX_LIMIT = 500
Action = ChangeEntry.Action
# The commons' provenance (its RemoteCommons), a reverse one-to-one relation.
_REMOTE = Commons.remote.related  # type: ignore[attr-defined]


class CursorTooOld(Exception):
    """The cursor is below the pruned horizon: resync from 0."""


def origin_of(commons: Commons) -> tuple[str, str]:
    """(origin URI, origin instance) of a commons."""
    try:
        remote = commons.remote  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        remote = None
    if remote is not None:
        return remote.origin_uri, remote.origin_instance
    return instance.commons_uri(commons.slug), instance.base_url()


def record(commons: Commons, *, created: bool = False) -> None:
    """Move the commons' entry to the end of the feed."""
    uri, origin = origin_of(commons)
    _write(commons.pk, uri, origin, commons.hidden, created)


def _write(
    pk: int, uri: str, origin: str, hidden: bool, created: bool, *, check: bool = False
) -> None:
    """The entry of commons ``pk`` at ``uri``, last in the feed, in two
    statements: its earlier entries and a tombstone of its address go in one
    ``DELETE … RETURNING``, then the new entry is written. With ``check``,
    nothing is written for a commons no longer stored (deleted since)."""
    using = router.db_for_write(ChangeEntry)
    entries, columns = names(
        ChangeEntry, "commons", "uri", "action", "origin_instance", "at", using=using
    )
    col = columns[0]
    commons, (key,) = names(Commons, Commons._meta.pk.name, using=using)  # type: ignore[union-attr]
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if check:
            exists = f"SELECT 1 FROM {commons} WHERE {key} = %s"  # noqa: S608 - quoted model names only
            cursor.execute(exists, [pk])
            if cursor.fetchone() is None:
                return
        delete = (
            f"DELETE FROM {entries} WHERE {col} = %s"  # noqa: S608 - quoted model names only
            f" OR (uri = %s AND {col} IS NULL) RETURNING uri, origin_instance, {col}"
        )
        cursor.execute(delete, [pk, uri])
        gone = cursor.fetchall()
        # A renamed commons has a new address: its old one is a tombstone.
        for old_uri, old_origin, old_pk in gone:
            if old_pk is not None and old_uri != uri:
                tombstone(old_uri, old_origin)
        action = Action.DELETE if hidden else (
            Action.CREATE if created else Action.UPDATE
        )  # fmt: skip
        # Written out as the DELETE is: every save of a commons asks it.
        insert = (
            f"INSERT INTO {entries} ({', '.join(columns)}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608 - quoted model names only
        )
        at = connections[using].ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(insert, [None if hidden else pk, uri, str(action), origin, at])


def record_created(pks: list[int]) -> None:
    """:func:`record` for commons just created (written without their save
    signals by a bulk writer), in a few statements for all of them."""
    rows = list(
        Commons.objects.select_related("remote").filter(pk__in=pks).order_by("pk")
    )
    if not rows:
        return
    entries = []
    for commons in rows:
        uri, origin = origin_of(commons)
        entries.append(
            ChangeEntry(
                uri=uri,
                commons=None if commons.hidden else commons,
                action=Action.DELETE if commons.hidden else Action.CREATE,
                origin_instance=origin,
            )
        )
    with transaction.atomic():
        # Earlier entries of these rows (a reused row id) or tombstones of
        # these addresses make way, as in :func:`record`.
        earlier = ChangeEntry.objects.filter(commons_id__in=[c.pk for c in rows])
        uris = {e.uri for e in entries}
        for old in earlier.exclude(uri__in=uris):
            tombstone(old.uri, old.origin_instance)
        earlier.delete()
        ChangeEntry.objects.filter(uri__in=uris, commons__isnull=True).delete()
        ChangeEntry.objects.bulk_create(entries)


def tombstone(uri: str, origin: str) -> None:
    ChangeEntry.objects.filter(uri=uri).delete()
    ChangeEntry.objects.create(uri=uri, action=Action.DELETE, origin_instance=origin)


def _saved(sender: Any, instance: Commons, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    pk = instance.pk
    if _REMOTE.is_cached(instance) and not instance.get_deferred_fields() & {
        "slug",
        "hidden",
    }:
        # What the entry needs, as saved (its provenance already read): the
        # commons is not read again after the commit.
        uri, origin = origin_of(instance)
        hidden = instance.hidden
        transaction.on_commit(
            lambda: _write(pk, uri, origin, hidden, created, check=True)
        )
    else:
        transaction.on_commit(lambda: _record_if_present(pk, created))


def _record_if_present(pk: int, created: bool) -> None:
    commons = Commons.objects.select_related("remote").filter(pk=pk).first()
    if commons is not None:
        record(commons, created=created)


def _deleted(sender: Any, instance: Commons, **kwargs: Any) -> None:
    entry = ChangeEntry.objects.filter(commons_id=instance.pk).first()
    if entry is not None:
        tombstone(entry.uri, entry.origin_instance)
    else:
        uri, origin = origin_of(instance)
        tombstone(uri, origin)


def _ledger_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A ledger line of a commons moves the commons in the feed: the ledger
    travels with it."""
    if kwargs.get("raw") or not getattr(instance, "commons_id", None):
        return
    if getattr(instance, "automatic", False):
        return  # recorded with an edit of the commons, which moves it already
    pk = instance.commons_id
    transaction.on_commit(lambda: _record_if_present(pk, False))


def connect() -> None:
    post_save.connect(
        _ledger_changed,
        sender="projects.Contribution",
        dispatch_uid="federation.changes.ledger",
    )
    post_save.connect(_saved, sender=Commons, dispatch_uid="federation.changes")
    pre_delete.connect(_deleted, sender=Commons, dispatch_uid="federation.changes")


def horizon() -> int:
    row = FeedHorizon.objects.first()
    return row.seq if row else 0


def prune(now: Any = None) -> int:
    """Drop tombstones older than ``FEDERATION_TOMBSTONE_DAYS``; return how many."""
    now = now or timezone.now()
    old = ChangeEntry.objects.filter(
        action=Action.DELETE,
        at__lt=now - timedelta(days=settings.FEDERATION_TOMBSTONE_DAYS),
    )
    last = old.order_by("-seq").values_list("seq", flat=True).first()
    if last is None:
        return 0
    count, _ = old.delete()
    FeedHorizon.objects.update_or_create(pk=1, defaults={"seq": last})
    return count


def contributor(user: Any) -> dict[str, str] | None:
    """A local account as an actor of the network: its URI and name."""
    if user is None:
        return None
    try:
        actor = user.person_actor
    except ObjectDoesNotExist:
        actor = None
    return {
        "uri": actor_uri(user, actor),
        "name": user.public_name,
        "instance": instance.base_url(),
    }


def actor_uri(user: Any, actor: Any = None) -> str:
    """The URI of a person of this instance: their person page when they
    have one, else their public profile."""
    if actor is not None:
        return instance.base_url() + actor.get_absolute_url()
    return instance.base_url() + reverse(
        "accounts:public_profile", args=[user.username]
    )


def item(
    entry: ChangeEntry, commons: Commons | None, ledger: list[dict[str, Any]]
) -> dict[str, Any]:
    """One feed item: the entry, and the commons as it is now."""
    found: dict[str, Any] = {
        "seq": entry.seq,
        "action": entry.action,
        "uri": entry.uri,
        "origin": entry.origin_instance,
        "at": entry.at.isoformat(),
    }
    if commons is None or entry.action == Action.DELETE:
        found["action"] = Action.DELETE
        return found
    try:
        remote = commons.remote  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        remote = None
    found["page"] = remote.origin_page if remote else entry.uri
    found["origin_name"] = remote.origin_name if remote else settings.SITE_NAME
    found["commons"] = {
        "title": commons.title,
        "summary": commons.summary,
        "description": commons.description,
        "kind": commons.kind,
        "licence": commons.licence,
        "maturity": commons.maturity,
        "tags": list(commons.tags or []),
        "themes": sorted(t.name for t in commons.themes.all()),
        "repository_url": commons.repository_url,
        "documentation_url": commons.documentation_url,
        "demo_url": commons.demo_url,
        "download_url": commons.download_url,
    }
    if remote is not None:
        found["contributors"] = list(remote.contributors)
        found["ledger"] = list(remote.ledger)
    else:
        creator = contributor(commons.created_by)
        found["contributors"] = [{**creator, "role": "creator"}] if creator else []
        found["ledger"] = ledger
    return found


def page(after: int, limit: int) -> dict[str, Any]:
    """The feed after ``after``: at most ``limit`` items, and the cursor."""
    if after < horizon():
        raise CursorTooOld(after)
    limit = max(1, min(limit, MAX_LIMIT))
    entries = list(ChangeEntry.objects.filter(seq__gt=after).order_by("seq")[:limit])
    ids = [e.commons_id for e in entries if e.commons_id]
    rows = Commons.objects.filter(pk__in=ids, hidden=False)
    commons = {
        c.pk: c
        for c in rows.select_related(
            "remote", "created_by__person_actor"
        ).prefetch_related("themes")
    }
    lines = ledger.lines_for(ids)
    items = [
        item(e, commons.get(e.commons_id or 0), lines.get(e.commons_id or 0, []))
        for e in entries
    ]
    cursor = entries[-1].seq if entries else after
    return {
        "instance": instance.base_url(),
        "items": items,
        "cursor": cursor,
        "more": len(entries) == limit,
    }
