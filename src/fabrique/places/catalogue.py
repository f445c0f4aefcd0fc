"""The catalogue's actors and places as the ``catalogue`` source of the geocoder.

Every public place (its actor not hidden by moderation) becomes a ``place``
document named ``<place> — <actor>``, with the id ``actor:<slug>:<pk>``.
Only the ``catalogue`` source folder is rebuilt: the BAN, BANO and stops
sources are left as they are. The engine builds the new segment aside and
swaps it in by a rename, so a search sees either the old source or the new
one, never a half-written one.

Rebuilds are serialised by a file lock, and the catalogue is read inside the
lock: when two run at once, the one that writes last has read last.

It is kept current by :func:`connect`: saving or deleting a place, or saving
an actor that has places, enqueues :data:`rebuild_catalogue_places` once per
transaction, after the commit. ``fabrique manage index_catalogue_places``
rebuilds it by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models.signals import post_delete, post_save
from django_tasks import task

from fabrique.catalog.models import Actor, Place
from fabrique.core import queue

from .sources import rebuild_source, schedule_once

SOURCE = "catalogue"


def place_label(place_name: str, actor_name: str) -> str:
    """Name a place after itself and its actor, once when they are the same."""
    place_name, actor_name = place_name.strip(), actor_name.strip()
    if not place_name or place_name.casefold() == actor_name.casefold():
        return actor_name
    return f"{place_name} — {actor_name}"


def place_documents() -> Iterator[dict[str, Any]]:
    """Yield the public places as geocoder documents, in a stable order."""
    rows = (
        Place.objects.filter(actor__hidden=False).select_related("actor").order_by("pk")
    )
    for place in rows.iterator(chunk_size=1000):
        actor = place.actor
        yield {
            "id": f"actor:{actor.slug}:{place.pk}",
            "type": "place",
            "name": place_label(place.name, actor.name),
            "lat": place.lat,
            "lon": place.lon,
            "postcode": place.postcode.strip(),
            "city": place.city.strip(),
            "context": actor.name,
        }


def rebuild(folder: Path | None = None) -> int:
    """Rebuild the catalogue source of the index; return the number of places.

    With no public place the source is removed rather than left empty.
    """
    return rebuild_source(SOURCE, place_documents, folder)


@task()
def rebuild_catalogue_places() -> int:
    """Background task: rebuild the catalogue source of the geocoder index."""
    return rebuild()


def _enqueue() -> None:
    queue.enqueue(rebuild_catalogue_places)


def schedule_rebuild(using: str | None = None) -> None:
    """Enqueue one rebuild after the current transaction commits.

    Several changes in one transaction enqueue a single rebuild; a rolled
    back transaction enqueues none. A task queue that is down is logged, not
    raised: the change itself is already committed.
    """
    schedule_once(SOURCE, _enqueue, using)


def _place_changed(sender: type, instance: Place, using: str, **kwargs: Any) -> None:
    schedule_rebuild(using)


def _actor_saved(
    sender: type, instance: Actor, using: str, created: bool, **kwargs: Any
) -> None:
    if created:
        return  # a new actor has no place yet
    if Place.objects.using(using).filter(actor_id=instance.pk).exists():
        schedule_rebuild(using)


def connect() -> None:
    """Keep the catalogue source current (called from ``PlacesConfig.ready``)."""
    uid = "fabrique.places.catalogue"
    post_save.connect(_place_changed, sender=Place, dispatch_uid=f"{uid}.place_saved")
    post_delete.connect(
        _place_changed, sender=Place, dispatch_uid=f"{uid}.place_deleted"
    )
    post_save.connect(_actor_saved, sender=Actor, dispatch_uid=f"{uid}.actor_saved")
