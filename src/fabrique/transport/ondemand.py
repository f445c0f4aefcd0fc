"""On-demand validation: anyone sends a GTFS file or address and gets a report.

Shared by the page (``/transport/valider/``) and the API
(``/api/1/transport/validations/``). A :class:`ValidationJob` is created at
once; the background task :func:`run_job` fetches the address if there is
one (with the resource fetcher's timeouts, redirect and size caps), runs the
validator with progress, and writes ``report.json`` and ``report.html`` in
the job's folder. Jobs are removed after ``TRANSPORT_JOB_HOURS``.

A client (an address, kept as a digest) has at most
``TRANSPORT_VALIDATIONS_PER_CLIENT`` jobs queued or running at once
(:class:`TooManyJobs`, a 429 on the page and the API); the recovery sweep
ends every job, so a client is never blocked for good.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from fabrique.core import queue
from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.html import render_html
from fabrique.gtfs.report import build_report
from fabrique.gtfs.rules import load_rules
from fabrique.gtfs.rules.registry import CHECKS
from fabrique.gtfs.validator import Validation, validate
from fabrique.transport import services, storage
from fabrique.transport.models import (
    JobStatus,
    ResourceFormat,
    ValidationJob,
    heartbeat_every,
)
from fabrique.transport.services import TransportError
from fabrique.transport.tasks import slow_down_for_tests

log = logging.getLogger(__name__)

RATE_SCOPE = "transport-validate"
RATE_SETTING = "RATELIMIT_TRANSPORT_VALIDATE"
# Room for the multipart envelope around the file itself.
MULTIPART_SLACK = 64 * 1024
PROGRESS_EVERY = 0.5  # seconds between progress writes
PURGE_BATCH = 50


class JobError(TransportError):
    """A validation request that cannot be taken; the message says why."""


class TooManyJobs(JobError):
    """The client already has as many unfinished jobs as it may."""

    #: Seconds after which a client is told to try again (jobs are short).
    retry_after = 30

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            ngettext(
                "You already have %(n)d validation waiting or running, the most "
                "one client may have at once: wait until it ends, then send "
                "another.",
                "You already have %(n)d validations waiting or running, the most "
                "one client may have at once: wait until one ends, then send "
                "another.",
                limit,
            )
            % {"n": limit}
        )


def client_key(address: str) -> str:
    """What a job keeps of its client: a digest of the address."""
    return hashlib.sha256(f"validation-client:{address}".encode()).hexdigest()[:32]


def jobs_per_client() -> int:
    """Unfinished jobs one client may have (0: no limit; off with the rate limits)."""
    if not settings.RATELIMIT_ENABLED:
        return 0
    return max(0, int(settings.TRANSPORT_VALIDATIONS_PER_CLIENT))


def check_client(client: str) -> None:
    """Raise :class:`TooManyJobs` when ``client`` has no job left to start.

    Inside a transaction, the count is taken under a lock of the client
    (PostgreSQL; SQLite writes one transaction at a time), so two requests
    at once cannot both take the last place.
    """
    limit = jobs_per_client()
    if not client or limit < 1:
        return
    if connection.in_atomic_block and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(client[:15], 16)])
    unfinished = ValidationJob.objects.filter(
        client=client,
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
        expires_at__gt=timezone.now(),
    ).count()
    if unfinished >= limit:
        raise TooManyJobs(limit)


def max_upload() -> int:
    return int(settings.TRANSPORT_MAX_UPLOAD)


def body_too_large(request: HttpRequest) -> bool:
    """True when the request announces more than a file of the size limit.

    Checked before the body is read, so an oversized upload is refused
    without being stored anywhere.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_upload() + MULTIPART_SLACK


def too_large_message() -> str:
    return services.too_large_message(max_upload())


def _expiry() -> datetime:
    return timezone.now() + timedelta(hours=int(settings.TRANSPORT_JOB_HOURS))


def enqueue(job: ValidationJob) -> None:
    """Queue the validation of ``job``; never raise.

    A queue that is down leaves the job queued, its page saying so: it is
    queued once the queue answers (fabrique.core.queue), or by the recovery
    sweep, which fails it with a reason after its last attempt.
    """
    if not queue.enqueue(run_job, str(job.pk)):
        ValidationJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            progress_message=_(
                "Waiting for the task queue, which does not answer: the "
                "validation starts as soon as it is back"
            )
        )


def input_format(path: Path) -> str:
    """``netex`` for a NeTEx XML file or a zip of XML files (no .txt), else ``gtfs``.

    A lone file is NeTEx when its first 8 KB name the NeTEx root or namespace
    (an HTML error page served instead of a feed stays a GTFS failure).
    """
    import zipfile

    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n.lower() for n in archive.namelist()]
            if any(n.endswith(".txt") for n in names):
                return ResourceFormat.GTFS
            if any(n.endswith(".xml") for n in names):
                return ResourceFormat.NETEX
            return ResourceFormat.GTFS
        with path.open("rb") as handle:
            head = handle.read(8192)
    except (OSError, zipfile.BadZipFile):
        return ResourceFormat.GTFS
    if b"PublicationDelivery" in head or b"www.netex.org.uk" in head:
        return ResourceFormat.NETEX
    return ResourceFormat.GTFS


def start_from_upload(file: Any, *, client: str = "") -> ValidationJob:
    """Keep an uploaded file in a new job and queue its validation.

    Raises :class:`TransportError` (too large, empty, not a zip, unsafe or
    bomb-like archive; :class:`TooManyJobs` for ``client``, a
    :func:`client_key`) before anything is kept.
    """
    purge_expired()
    check_client(client)  # before reading the file; again below, under lock
    received = services.receive_upload(file, max_bytes=max_upload())
    try:
        services.check_file(received, input_format(received.path))
        job = ValidationJob(
            filename=received.filename,
            size=received.size,
            expires_at=_expiry(),
            progress_message=_("Waiting for a worker"),
            client=client,
        )
        directory = job.directory
        directory.mkdir(parents=True, exist_ok=True)
        try:
            shutil.move(received.path, directory / received.filename)
            with transaction.atomic():
                check_client(client)
                job.save(force_insert=True)
                transaction.on_commit(lambda: enqueue(job))
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
    finally:
        received.discard()
    return job


def start_from_url(url: str, *, client: str = "") -> ValidationJob:
    """Queue the fetch and validation of ``url``; refuse what is not http(s).

    Raises :class:`TooManyJobs` when ``client`` has no job left to start.
    """
    from django.core.exceptions import ValidationError

    try:
        url = services.validate_url(url)
    except ValidationError as exc:
        raise JobError(_("Enter an http or https address.")) from exc
    if not url:
        raise JobError(_("Enter an http or https address."))
    purge_expired()
    job = ValidationJob(
        source_url=url,
        expires_at=_expiry(),
        progress_message=_("Waiting for a worker"),
        client=client,
    )
    with transaction.atomic():
        check_client(client)
        job.save(force_insert=True)
        transaction.on_commit(lambda: enqueue(job))
    return job


def live_job(job_id: uuid.UUID | str) -> ValidationJob | None:
    """The job with this id, unless it has expired."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return ValidationJob.objects.filter(pk=key, expires_at__gt=timezone.now()).first()


# The task -----------------------------------------------------------------------


class _Progress:
    """Turn the validator's progress lines into a percentage on the job.

    The validator reports from its own worker threads; :meth:`record` only
    notes the latest state, and :meth:`flush`, called from the task's thread,
    writes it to the database (no connection is opened in other threads).
    """

    def __init__(self, job: ValidationJob) -> None:
        load_rules()
        self.job = job
        self.checks = max(1, len(CHECKS))
        self.checked = 0
        self.percent = 0
        self.message = ""
        self.written: tuple[int, str] | None = None
        self.beaten = time.monotonic()
        self.lock = threading.Lock()

    def record(self, line: str) -> None:
        with self.lock:
            if line.startswith("checking "):
                self.checked += 1
                percent = 40 + int(55 * self.checked / self.checks)
                message = _("Checking the rules (%(done)d of %(total)d)") % {
                    "done": min(self.checked, self.checks),
                    "total": self.checks,
                }
            elif line.startswith("reading "):
                percent = 20
                message = _("Reading %(file)s") % {
                    "file": line.removeprefix("reading ")
                }
            else:
                percent = 10
                message = _("Opening the feed")
            if percent >= self.percent:
                self.percent, self.message = min(percent, 95), message

    def flush(self) -> None:
        with self.lock:
            state = (self.percent, self.message)
        due = time.monotonic() - self.beaten >= heartbeat_every()
        if (state != self.written or due) and state[1]:
            self.update(*state)

    def update(self, percent: int, message: str) -> None:
        """Write the progress; each write is also the run's heartbeat."""
        self.written = (percent, message)
        self.beaten = time.monotonic()
        ValidationJob.objects.filter(pk=self.job.pk).update(
            progress=percent, progress_message=message[:200], heartbeat=timezone.now()
        )


def _validate(path: Path, progress: _Progress) -> Validation:
    """Run the validator in a helper thread; write its progress from this one."""

    def work() -> Validation:
        slow_down_for_tests()
        return validate(path, progress=progress.record)

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        while True:
            try:
                result = future.result(timeout=PROGRESS_EVERY)
            except TimeoutError:
                progress.flush()
                continue
            progress.flush()
            return result


def _fail(job: ValidationJob, message: str) -> None:
    ValidationJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        error=message,
        progress_message="",
        finished=timezone.now(),
    )


def _fetch(job: ValidationJob, progress: _Progress) -> None:
    progress.update(5, _("Downloading %(url)s") % {"url": job.source_url[:150]})
    received = services.download(job.source_url, max_bytes=max_upload())
    try:
        services.check_file(received, input_format(received.path))
        shutil.move(received.path, job.directory / received.filename)
    finally:
        received.discard()
    job.filename, job.size = received.filename, received.size
    ValidationJob.objects.filter(pk=job.pk).update(filename=job.filename, size=job.size)


def process(job: ValidationJob) -> None:
    """Fetch (if needed) and validate ``job``, writing its report files."""
    directory = job.directory
    directory.mkdir(parents=True, exist_ok=True)
    progress = _Progress(job)
    if job.source_url and not job.filename:
        _fetch(job, progress)
    original = directory / job.filename
    if not job.filename or not original.is_file():
        raise JobError(_("The file to validate is missing; please send it again."))
    if input_format(original) == ResourceFormat.NETEX:
        _process_netex(job, original, progress)
        return
    result = _validate(original, progress)
    report = build_report(result)
    report["summary"]["gtfsInput"] = job.filename
    (directory / storage.REPORT_JSON).write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (directory / storage.REPORT_HTML).write_text(render_html(report), encoding="utf-8")
    totals = {"ERROR": 0, "WARNING": 0, "INFO": 0}
    for notice in report["notices"]:
        totals[notice["severity"]] = totals.get(notice["severity"], 0) + int(
            notice["totalNotices"]
        )
    ValidationJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        progress=100,
        progress_message="",
        errors=totals["ERROR"],
        warnings=totals["WARNING"],
        infos=totals["INFO"],
        finished=timezone.now(),
    )


def _process_netex(job: ValidationJob, original: Path, progress: _Progress) -> None:
    """Validate a NeTEx file or zip: schema, references, French profile."""
    from fabrique.netex import validate as validate_netex
    from fabrique.netex.report import to_html
    from fabrique.netex.xsd import default_dir

    progress.update(10, _("Checking the NeTEx files"))
    configured = settings.NETEX_XSD_DIR
    result = validate_netex(
        original, xsd_dir=Path(configured) if configured else default_dir()
    )
    report = result.report()
    directory = job.directory
    (directory / storage.REPORT_JSON).write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (directory / storage.REPORT_HTML).write_text(
        to_html(report, title=f"NeTEx: {job.filename}"), encoding="utf-8"
    )
    ValidationJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        progress=100,
        progress_message="",
        errors=result.errors,
        warnings=result.warnings,
        infos=report["summary"]["infos"],
        finished=timezone.now(),
    )


@task()
def run_job(job_id: str) -> str:
    """Background task: validate one on-demand job; return its final status."""
    claimed = ValidationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        progress=1,
        progress_message=_("Starting"),
        heartbeat=timezone.now(),
        attempts=F("attempts") + 1,
    )
    job = ValidationJob.objects.filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job else "missing"
    try:
        process(job)
    except (TransportError, GTFSError) as exc:
        _fail(job, str(exc))
    except Exception:
        log.exception("on-demand validation %s failed", job.pk)
        _fail(job, _("The validation failed on an internal error; it has been logged."))
    job.refresh_from_db()
    return str(job.status)


# Expiry -------------------------------------------------------------------------


def purge_expired(now: datetime | None = None, *, limit: int = PURGE_BATCH) -> int:
    """Delete up to ``limit`` expired jobs and their folders; return how many."""
    now = now or timezone.now()
    expired = list(
        ValidationJob.objects.filter(expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in expired:
        shutil.rmtree(storage.job_dir(pk), ignore_errors=True)
    ValidationJob.objects.filter(pk__in=expired).delete()
    return len(expired)


@task()
def purge_expired_jobs() -> int:
    """Periodic task: delete every expired job and its folder; return how many."""
    from fabrique.notifications.periodic import schedule_next

    removed = 0
    try:
        while True:
            batch = purge_expired()
            removed += batch
            if batch < PURGE_BATCH:
                return removed
    finally:
        schedule_next(purge_expired_jobs)
