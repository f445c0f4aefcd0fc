"""Helpers of the format page tests."""

from __future__ import annotations

from pathlib import Path

from fabrique.gtfs.store import ingest
from fabrique.transport import storage
from fabrique.transport.models import Version, VersionStatus
from tests.transport.factories import make_resource

DATA = Path(__file__).resolve().parents[2] / "data"


def ready_gtfs_version(dataset, owner):
    """A checked GTFS version of the base feed, its store written directly."""
    resource = make_resource(dataset, owner, title="Horaires", format="gtfs")
    version = Version.objects.create(
        resource=resource,
        number=1,
        sha256="0" * 64,
        filename="feed.zip",
        status=VersionStatus.READY,
    )
    ingest(DATA / "gtfs" / "base", version.directory / storage.STORE_DIR)
    return version
