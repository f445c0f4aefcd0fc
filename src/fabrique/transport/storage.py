"""Where transport files live on disk, under ``settings.TRANSPORT_STORE``.

Layout (kept stable: pages, tasks and the API read these names)::

    <store>/versions/<version_id>/
        <original file>     the uploaded or fetched file, as received
        report.json         MobilityData-shaped validation report
        report.html         the same report as a standalone HTML page
        summary.json        fabrique.gtfs.summary.feed_summary of the feed
        stops.geojson       stops (FeatureCollection of points)
        lines.geojson       shapes, or stop sequences where there are none
        calendar.json       {"YYYY-MM-DD": trips running that day, ...}
        store/              typed Parquet written by fabrique.gtfs.store.ingest
    <store>/jobs/<uuid>/    on-demand validation jobs, same file names
    <store>/incoming/       partial downloads and uploads, removed once placed

A version directory is written only by the task that processes it; a file
that fails to arrive never reaches ``versions/``.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
SUMMARY_JSON = "summary.json"
STOPS_GEOJSON = "stops.geojson"
LINES_GEOJSON = "lines.geojson"
CALENDAR_JSON = "calendar.json"
STORE_DIR = "store"

_RESERVED = {
    REPORT_JSON,
    REPORT_HTML,
    SUMMARY_JSON,
    STOPS_GEOJSON,
    LINES_GEOJSON,
    CALENDAR_JSON,
    STORE_DIR,
}


def root() -> Path:
    return Path(settings.TRANSPORT_STORE)


def version_dir(version_id: int | None) -> Path:
    if version_id is None:
        raise ValueError("version not saved yet")
    return root() / "versions" / str(int(version_id))


def job_dir(job_id: uuid.UUID | str) -> Path:
    return root() / "jobs" / str(uuid.UUID(str(job_id)))


def incoming_dir() -> Path:
    path = root() / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def original_name(filename: str) -> str:
    """A safe file name for the original file (no folders, no reserved names)."""
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "feed"
    name = name[:120]
    if name in _RESERVED:
        name = f"original-{name}"
    return name
