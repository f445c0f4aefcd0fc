"""Background work of the transport app: checking and storing versions.

:data:`process_version` is queued when a version is kept (upload or fetch).
For GTFS it validates the feed (progress written to the version as it goes),
writes the reports, stores the feed as Parquet when it is usable, writes the
summary, GeoJSON and service calendar, compares it with the previous ready
version and refreshes the dataset's list fields. Other formats go through
:func:`fabrique.transport.formats.process`. Whatever happens, the version
ends ``ready`` or ``failed`` with the reason: never stuck silently.

:data:`fetch_due_resources` fetches the resources whose next fetch is due;
``fabrique manage fetch_transport_resources`` runs it from a scheduler.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fabrique.core import activity
from fabrique.transport import storage
from fabrique.transport.models import (
    Dataset,
    ResourceFormat,
    Version,
    VersionStatus,
    heartbeat_every,
)

log = logging.getLogger(__name__)

#: Required files without which a feed is not stored (its report still is).
CORE_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
#: Progress messages are stored in English and translated when shown
#: (``Version.progress_text``); this one is followed by the missing files.
NOT_STORED = "Checked; not stored, missing: "
#: Seconds between two progress writes to the database.
PROGRESS_EVERY = 0.5


class Progress:
    """A version's progress, written to the database from the task's thread only.

    The engine reports from its own worker threads: :meth:`__call__` only notes
    the latest state under a lock; :meth:`flush` (called by :func:`_run` every
    ``PROGRESS_EVERY`` seconds from the task's thread) writes it. No database
    connection is ever opened in another thread. Each write is also the run's
    heartbeat, written several times within a lease (``heartbeat_every``).
    """

    def __init__(self, version_id: int) -> None:
        self.version_id = version_id
        self.lock = threading.Lock()
        self.value = 0
        self.message = ""
        self.written: tuple[int, str] | None = None
        self.beaten = time.monotonic()

    def __call__(self, value: int, message: str) -> None:
        with self.lock:
            self.value = max(self.value, min(int(value), 100))
            self.message = message[:200]

    def flush(self) -> None:
        with self.lock:
            state = (self.value, self.message)
        if state != self.written or self._beat_due():
            self.written = state
            self.beaten = time.monotonic()
            Version.objects.filter(pk=self.version_id).update(
                progress=state[0], progress_message=state[1], heartbeat=timezone.now()
            )

    def _beat_due(self) -> bool:
        return time.monotonic() - self.beaten >= heartbeat_every()

    def status(self, status: str, value: int, message: str) -> None:
        Version.objects.filter(pk=self.version_id).update(status=status)
        self(value, message)
        self.flush()


T = TypeVar("T")


def _run(work: Callable[[], T], progress: Progress) -> T:
    """Run ``work`` in a worker thread, flushing ``progress`` meanwhile."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        while True:
            try:
                result = future.result(timeout=PROGRESS_EVERY)
            except FutureTimeout:
                progress.flush()
            else:
                progress.flush()
                return result


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n",
        encoding="utf-8",
    )
    tmp.replace(path)


def slow_down_for_tests() -> None:
    """Sleep ``FABRIQUE_TEST_TASK_DELAY`` seconds inside a check (0 by default).

    Lets the production tests stop a real worker in the middle of a run; the
    heartbeat goes on meanwhile, as during a long validation.
    """
    delay = float(os.environ.get("FABRIQUE_TEST_TASK_DELAY") or 0)
    if delay > 0:
        time.sleep(delay)


@task()
def process_version(version_id: int) -> str:
    """Check and store one version; returns its final status.

    The run first claims the queued version (status, heartbeat, one more
    attempt): a version already taken or finished is left as it is, so a
    second copy of the task never checks it twice at once.
    """
    claimed = Version.objects.filter(pk=version_id, status=VersionStatus.QUEUED).update(
        status=VersionStatus.VALIDATING,
        heartbeat=timezone.now(),
        attempts=F("attempts") + 1,
    )
    version = (
        Version.objects.select_related("resource__dataset__commons", "created_by")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        return "missing"
    if not claimed:
        return str(version.status)
    progress = Progress(version.pk)
    try:
        if version.resource.format == ResourceFormat.GTFS:
            _process_gtfs(version, progress)
        else:
            _process_other(version, progress)
    except Exception as exc:
        from fabrique.gtfs.errors import GTFSError

        if isinstance(exc, GTFSError):
            reason = str(exc)
        else:
            log.exception("transport version %s failed", version.pk)
            reason = _("Unexpected error while checking: %(error)s") % {
                "error": f"{type(exc).__name__}: {exc}"[:500]
            }
        Version.objects.filter(pk=version.pk).update(
            status=VersionStatus.FAILED,
            error=reason,
            progress_message="Failed",
        )
        shutil.rmtree(version.directory / storage.STORE_DIR, ignore_errors=True)
        return VersionStatus.FAILED
    return VersionStatus.READY


def _process_gtfs(version: Version, progress: Progress) -> None:
    from fabrique.gtfs.html import render_html
    from fabrique.gtfs.report import build_report
    from fabrique.gtfs.rules import load_rules
    from fabrique.gtfs.rules.registry import CHECKS
    from fabrique.gtfs.validator import validate
    from fabrique.notices import Severity

    directory = version.directory
    source = version.original_path
    if not source.is_file():
        raise FileNotFoundError(_("the version's file is missing from the store"))
    progress.status(VersionStatus.VALIDATING, 2, "Opening the feed")
    load_rules()
    total_checks = max(len(CHECKS), 1)
    seen = {"checks": 0}

    def on_validate(message: str) -> None:
        with progress.lock:
            if message.startswith("checking"):
                seen["checks"] += 1
                value = 30 + 40 * seen["checks"] // total_checks
            elif message.startswith("reading"):
                value = min(progress.value + 2, 28)
            else:
                value = progress.value
        progress(value, message)

    def work() -> Any:
        slow_down_for_tests()
        return validate(source, progress=on_validate)

    result = _run(work, progress)
    report = build_report(result)
    _write_json(directory / storage.REPORT_JSON, report)
    (directory / storage.REPORT_HTML).write_text(render_html(report), encoding="utf-8")
    counts = {
        "errors": result.notices.severity_count(Severity.ERROR),
        "warnings": result.notices.severity_count(Severity.WARNING),
        "infos": result.notices.severity_count(Severity.INFO),
    }
    Version.objects.filter(pk=version.pk).update(**counts)
    missing = _missing_core_files(report)
    if missing:
        Version.objects.filter(pk=version.pk).update(
            status=VersionStatus.READY,
            progress=100,
            progress_message=f"{NOT_STORED}{', '.join(missing)}",
        )
        _after_ready(version)
        return
    progress.status(VersionStatus.INGESTING, 72, "Storing the feed")
    _ingest(version, progress)


def _missing_core_files(report: dict[str, Any]) -> list[str]:
    missing: set[str] = set()
    for notice in report.get("notices", []):
        if notice.get("code") == "missing_required_file":
            for sample in notice.get("sampleNotices", []):
                name = sample.get("filename")
                if name in CORE_FILES:
                    missing.add(name)
    return sorted(missing)


def _ingest(version: Version, progress: Progress) -> None:
    from fabrique.gtfs import geojson as geo
    from fabrique.gtfs.store import ingest, open_store
    from fabrique.gtfs.summary import feed_summary

    directory = version.directory
    store_dir = directory / storage.STORE_DIR
    shutil.rmtree(store_dir, ignore_errors=True)
    _run(
        lambda: ingest(
            version.original_path,
            store_dir,
            progress=lambda message: progress(min(progress.value + 1, 85), message),
        ),
        progress,
    )
    _prepare_queries(store_dir, progress)
    progress(90, "Summarising")
    progress.flush()
    con = open_store(store_dir)
    try:
        summary = feed_summary(con)
        _write_json(directory / storage.SUMMARY_JSON, summary)
        progress(93, "Drawing the map")
        progress.flush()
        (directory / storage.STOPS_GEOJSON).write_text(
            geo.dumps(geo.stops_geojson(con)), encoding="utf-8"
        )
        (directory / storage.LINES_GEOJSON).write_text(
            geo.dumps(geo.lines_geojson(con)), encoding="utf-8"
        )
        progress(96, "Counting trips by day")
        progress.flush()
        _write_json(directory / storage.CALENDAR_JSON, service_calendar(con))
        bbox = _bbox(con)
    finally:
        con.close()
    validity = summary.get("validity") or {}
    valid_from = _date(validity.get("start"))
    valid_until = _date(validity.get("end"))
    diff = _diff_with_previous(version, store_dir)
    Version.objects.filter(pk=version.pk).update(
        summary={**summary, "bbox": bbox},
        valid_from=valid_from,
        valid_until=valid_until,
        diff=diff,
        status=VersionStatus.READY,
        progress=100,
        progress_message="Ready",
        error="",
    )
    _after_ready(version)


def _prepare_queries(store_dir: Path, progress: Progress) -> None:
    """Let the departures API read this store fast, when the engine can."""
    try:
        from fabrique.gtfs import query
    except ImportError:  # pragma: no cover - older engines
        return
    prepare: Callable[[Path], None] | None = getattr(query, "prepare", None)
    if prepare is None:  # pragma: no cover
        return
    progress(87, "Preparing departures")
    _run(lambda: prepare(store_dir), progress)


def service_calendar(con: Any) -> dict[str, int]:
    """``{"YYYY-MM-DD": trips running that day}`` for every day with service."""
    from fabrique.gtfs.summary import service_dates_sql

    rows = con.execute(  # the engine's own SQL, no user input
        f"WITH d AS ({service_dates_sql()}), "  # noqa: S608
        "t AS (SELECT service_id, count(*) AS n FROM trips GROUP BY service_id) "
        "SELECT d.day, sum(t.n) FROM d JOIN t USING (service_id) "
        "GROUP BY d.day ORDER BY d.day"
    ).fetchall()
    return {day.isoformat(): int(n) for day, n in rows if day is not None}


def _bbox(con: Any) -> list[float] | None:
    row = con.execute(
        "SELECT min(stop_lon), min(stop_lat), max(stop_lon), max(stop_lat) "
        "FROM stops WHERE stop_lat BETWEEN -90 AND 90 "
        "AND stop_lon BETWEEN -180 AND 180 "
        "AND NOT (abs(stop_lat) < 1 AND abs(stop_lon) < 1)"
    ).fetchone()
    if not row or None in row:
        return None
    return [float(v) for v in row]


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _diff_with_previous(version: Version, store_dir: Path) -> dict[str, Any] | None:
    from fabrique.gtfs.diff import diff_stores
    from fabrique.gtfs.store import MANIFEST

    previous = (
        Version.objects.filter(
            resource_id=version.resource_id,
            status=VersionStatus.READY,
            number__lt=version.number,
        )
        .order_by("-number")
        .first()
    )
    while previous is not None:
        old_store = previous.directory / storage.STORE_DIR
        if (old_store / MANIFEST).is_file():
            changes = diff_stores(old_store, store_dir)
            changes["against"] = {"version": previous.pk, "number": previous.number}
            return changes
        previous = (
            Version.objects.filter(
                resource_id=version.resource_id,
                status=VersionStatus.READY,
                number__lt=previous.number,
            )
            .order_by("-number")
            .first()
        )
    return None


def _process_other(version: Version, progress: Progress) -> None:
    fmt = version.resource.format
    directory = version.directory
    progress.status(VersionStatus.VALIDATING, 10, "Checking")
    try:
        from fabrique.transport.formats import FORMATS, process
    except ImportError:  # pragma: no cover - formats not installed
        FORMATS, process = (), None  # type: ignore[assignment]
    if process is None or fmt not in FORMATS:
        Version.objects.filter(pk=version.pk).update(
            status=VersionStatus.READY,
            progress=100,
            progress_message="Stored, not checked",
        )
        _after_ready(version)
        return
    gtfs_store = _gtfs_store_of(version)  # read here: no query in the worker
    result = _run(
        lambda: process(
            fmt,
            version.original_path,
            gtfs_store=gtfs_store,
            products_dir=directory,
            netex_xsd_dir=Path(settings.NETEX_XSD_DIR)
            if settings.NETEX_XSD_DIR
            else None,
        ),
        progress,
    )
    _write_json(directory / storage.REPORT_JSON, result.report)
    if result.summary:
        _write_json(directory / storage.SUMMARY_JSON, result.summary)
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.READY,
        progress=100,
        progress_message="Ready",
        errors=result.errors,
        warnings=result.warnings,
        infos=result.infos,
        summary=result.summary,
    )
    _after_ready(version)


def _gtfs_store_of(version: Version) -> Path | None:
    """The store of the dataset's GTFS version in force, if any."""
    from fabrique.transport.realtime import gtfs_store_of

    return gtfs_store_of(version.resource)


def _after_ready(version: Version) -> None:
    version.refresh_from_db()
    dataset = version.resource.dataset
    refresh_dataset(dataset)
    activity.record(
        dataset.commons,
        user=version.created_by,
        verb="transport_version_published",
        summary=_("%(resource)s, version %(number)s: %(errors)s errors")
        % {
            "resource": version.resource.title,
            "number": version.number,
            "errors": version.errors,
        },
        data={
            "version": version.pk,
            "resource": version.resource_id,
            "number": version.number,
            "errors": version.errors,
            "warnings": version.warnings,
        },
    )
    from fabrique.transport.following import record_new_errors

    record_new_errors(version)


def refresh_dataset(dataset: Dataset) -> None:
    """Copy validity, errors and extent of the latest ready GTFS version."""
    latest = (
        Version.objects.filter(
            resource__dataset=dataset,
            resource__format=ResourceFormat.GTFS,
            status=VersionStatus.READY,
        )
        .order_by("-created", "-pk")
        .first()
    )
    formats = sorted(set(dataset.resources.values_list("format", flat=True)))
    fields: dict[str, Any] = {"formats": formats, "updated": timezone.now()}
    if latest is not None:
        bbox = (latest.summary or {}).get("bbox") or [None] * 4
        fields.update(
            valid_from=latest.valid_from,
            valid_until=latest.valid_until,
            has_errors=latest.errors > 0,
            min_lon=bbox[0],
            min_lat=bbox[1],
            max_lon=bbox[2],
            max_lat=bbox[3],
        )
    Dataset.objects.filter(pk=dataset.pk).update(**fields)


@task()
def fetch_resource_task(resource_id: int) -> str:
    """Fetch one resource now (the "fetch now" button, a new address)."""
    from fabrique.transport.models import Resource
    from fabrique.transport.services import TransportError, fetch_resource

    resource = Resource.objects.select_related("dataset").filter(pk=resource_id).first()
    if resource is None:
        return "missing"
    try:
        version = fetch_resource(resource)
    except TransportError:
        return "failed"
    return "unchanged" if version is None else f"version {version.number}"


@task()
def fetch_due_resources() -> int:
    """Fetch every resource whose next fetch is due; returns how many."""
    from fabrique.transport.services import fetch_due

    return len(fetch_due())


@task()
def fetch_realtime_feeds() -> int:
    """Fetch and check every GTFS-RT feed that is due; come back next period."""
    from fabrique.notifications import periodic
    from fabrique.transport.realtime import fetch_due

    try:
        return len(fetch_due())
    finally:
        periodic.schedule_next(fetch_realtime_feeds)


@task()
def warn_expiring_datasets() -> int:
    """Tell followers of data that ends in 30 or 7 days; come back tomorrow."""
    from fabrique.notifications import periodic
    from fabrique.transport.following import warn_expiring

    try:
        return warn_expiring()
    finally:
        periodic.schedule_next(warn_expiring_datasets)
