"""The stops of the transport datasets as the ``transport`` source of the geocoder.

For every dataset not hidden by moderation, the newest ready version of each
GTFS resource that holds a stored feed gives its stations and lone stops
(platforms fold into their station, see
:func:`fabrique.gtfs.query.named_stops`) as ``stop`` documents with the id
``transport:<dataset slug>:<stop_id>`` and the dataset's title as context.
Only this source is rebuilt; the others (BAN, BANO, stops files, catalogue)
are left as they are. The engine builds the new segment aside and swaps it in
by a rename, so a search sees the old source or the new one, never half of
one.

Kept current by :func:`connect`: a published version (the
``transport_version_published`` activity), an edit of a dataset's commons
(moderation hides or restores it) and a deleted dataset or version each
enqueue :data:`rebuild_transport_stops` once per transaction, after the
commit. ``fabrique manage index_transport_stops`` rebuilds it by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django_tasks import task

from fabrique.catalog.models import Commons
from fabrique.core import queue
from fabrique.core.models import Activity
from fabrique.core.presave import row_before_save
from fabrique.gtfs import query
from fabrique.gtfs.store import MANIFEST
from fabrique.places.sources import rebuild_source, schedule_once
from fabrique.transport import storage
from fabrique.transport.models import (
    Dataset,
    ResourceFormat,
    Version,
    VersionStatus,
)

log = logging.getLogger(__name__)

SOURCE = "transport"
PUBLISHED = "transport_version_published"


def _stores() -> Iterator[tuple[Dataset, Path]]:
    """(dataset, store) of each GTFS resource's newest ready stored version."""
    datasets = Dataset.objects.filter(commons__hidden=False).select_related("commons")
    for dataset in datasets.order_by("pk").iterator(chunk_size=200):
        resources = dataset.resources.filter(format=ResourceFormat.GTFS).order_by("pk")
        for resource in resources:
            versions = resource.versions.filter(status=VersionStatus.READY).order_by(
                "-number"
            )
            for version in versions[:5]:
                directory = version.directory / storage.STORE_DIR
                if (directory / MANIFEST).is_file():
                    yield dataset, directory
                    break


def stop_documents() -> Iterator[dict[str, Any]]:
    """Yield the stops of the public datasets as geocoder documents."""
    seen: set[str] = set()
    for dataset, directory in _stores():
        try:
            stops = query.named_stops(directory)
        except Exception:  # a damaged store must not stop the others
            log.exception("stops of %s could not be read", directory)
            continue
        finally:
            query.forget(directory)
        for stop in stops:
            doc_id = f"transport:{dataset.commons.slug}:{stop['stop_id']}"
            if doc_id in seen:
                continue
            seen.add(doc_id)
            yield {
                "id": doc_id,
                "type": "stop",
                "name": stop["name"],
                "lat": stop["lat"],
                "lon": stop["lon"],
                # As the GTFS stops source: stations with platforms rank higher.
                "importance": round(min(0.6, 0.3 + 0.05 * stop["platforms"]), 4),
                "context": dataset.commons.title,
            }


def rebuild(folder: Path | None = None) -> int:
    """Rebuild the transport source of the index; return the number of stops.

    With no stop to index the source is removed rather than left empty.
    """
    return rebuild_source(SOURCE, stop_documents, folder)


@task()
def rebuild_transport_stops() -> int:
    """Background task: rebuild the transport source of the geocoder index."""
    return rebuild()


def _enqueue() -> None:
    # The change is committed; a queue that is down keeps the rebuild.
    queue.enqueue(rebuild_transport_stops)


def schedule_rebuild(using: str | None = None) -> None:
    """Enqueue one rebuild after the current transaction commits.

    Several changes in one transaction enqueue a single rebuild; a rolled
    back transaction enqueues none.
    """
    schedule_once(SOURCE, _enqueue, using)


def _activity_saved(
    sender: type, instance: Activity, using: str, created: bool, **kwargs: Any
) -> None:
    if created and instance.verb == PUBLISHED:
        schedule_rebuild(using)


# What the stops' places take from their dataset's commons.
_PLACE_FIELDS = ("slug", "title", "hidden")
_CHANGED = "_fabrique_transport_place_fields_changed"


def _commons_saving(sender: type[Commons], instance: Commons, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None:
        return
    # The stored row is read once per save, for every handler that asks.
    row = row_before_save(sender, instance)
    instance.__dict__[_CHANGED] = row is None or any(
        getattr(row, name) != getattr(instance, name) for name in _PLACE_FIELDS
    )


def _commons_saved(
    sender: type, instance: Commons, using: str, created: bool, **kwargs: Any
) -> None:
    changed = instance.__dict__.pop(_CHANGED, True)
    if created or not changed:
        return  # a new dataset has no version yet; an edit elsewhere changes no stop
    if Dataset.objects.using(using).filter(commons_id=instance.pk).exists():
        schedule_rebuild(using)


def _removed(sender: type, instance: Any, using: str, **kwargs: Any) -> None:
    if isinstance(instance, Version) and instance.status != VersionStatus.READY:
        return
    schedule_rebuild(using)


def connect() -> None:
    """Keep the transport source current (called from ``PlacesConfig.ready``)."""
    uid = "fabrique.transport.geocoding"
    post_save.connect(
        _activity_saved, sender=Activity, dispatch_uid=f"{uid}.activity_saved"
    )
    pre_save.connect(
        _commons_saving, sender=Commons, dispatch_uid=f"{uid}.commons_saving"
    )
    post_save.connect(
        _commons_saved, sender=Commons, dispatch_uid=f"{uid}.commons_saved"
    )
    post_delete.connect(_removed, sender=Dataset, dispatch_uid=f"{uid}.dataset")
    post_delete.connect(_removed, sender=Version, dispatch_uid=f"{uid}.version")
