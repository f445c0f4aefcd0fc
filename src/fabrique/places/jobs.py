"""Batch geocoding jobs: a CSV too big to answer at once, geocoded in the background.

``/search/csv/`` answers small files at once, as Addok does
(:mod:`fabrique.places.batch`); a file over ``GEOCODER_CSV_SYNC_ROWS`` rows,
or one that takes longer than ``GEOCODER_CSV_SYNC_SECONDS``, becomes a job.
The web request only copies the upload; :data:`run_batch_job` geocodes it
in the worker, writing its progress, and the result is downloaded from the
job's page or its API. Jobs are removed after ``GEOCODER_JOB_HOURS``.

A job is a folder under ``GEOCODER_JOBS`` named by its id: ``input.csv``
(the upload as sent), ``job.json`` (its state, replaced atomically) and,
once done, ``result.csv``. Files, not rows: the web processes and the
worker already share the data folder, and the Addok routes stay free of
database queries.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.datastructures import MultiValueDict
from django_tasks import task

from fabrique.core import concurrency, queue

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
PROGRESS_EVERY = 0.5  # seconds between two writes of job.json
#: A running job whose state was not written for this long lost its worker.
STALE_AFTER = 600
STALE_REASON = "The worker stopped while geocoding this file; please send it again."
#: Times a queued job no worker took is queued again before it fails.
QUEUE_ATTEMPTS = 3
NEVER_TAKEN_REASON = (
    "No worker took this file in time (the task queue may be down); please "
    "send it again later."
)
JOB_SCOPE = "geocoder-job"


def jobs_folder() -> Path:
    return Path(settings.GEOCODER_JOBS)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Job:
    """One batch geocoding job, as stored in its ``job.json``."""

    id: str
    filename: str
    is_reverse: bool
    params: dict[str, list[str]]
    rows_total: int
    created: str
    expires_at: str
    status: str = QUEUED
    rows_done: int = 0
    error: str = ""
    finished: str = ""
    out_encoding: str = "utf-8"
    lease: list[str] = field(default_factory=list)
    attempts: int = 0  # times queued again because no worker took it

    @property
    def directory(self) -> Path:
        return jobs_folder() / self.id

    @property
    def input_path(self) -> Path:
        return self.directory / "input.csv"

    @property
    def result_path(self) -> Path:
        return self.directory / "result.csv"

    @property
    def result_name(self) -> str:
        return self.filename.rsplit(".", 1)[0] + ".geocoded.csv"

    @property
    def percent(self) -> int:
        if self.status == DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))

    @property
    def pending(self) -> bool:
        return self.status in (QUEUED, RUNNING)

    def save(self) -> None:
        """Write ``job.json`` atomically (readers never see half a file)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(self), out)
        os.replace(temporary, self.directory / "job.json")

    def form(self) -> MultiValueDict[str, str]:
        """The upload's form fields, read as the request's were."""
        return MultiValueDict(self.params)


def load(job_id: Any) -> Job | None:
    """The job with this id, unless it does not exist or has expired."""
    try:
        key = str(uuid.UUID(str(job_id)))
    except ValueError:
        return None
    try:
        data = json.loads((jobs_folder() / key / "job.json").read_text("utf-8"))
        job = Job(**data)
    except (OSError, ValueError, TypeError):
        return None
    if datetime.fromisoformat(job.expires_at) <= _now():
        return None
    if job.status == RUNNING and _silent_for(job) > STALE_AFTER:
        # Progress is written every PROGRESS_EVERY seconds while rows flow:
        # a long silence means the worker died (killed, restarted).
        _finish(job, FAILED, STALE_REASON)
    return job


def _silent_for(job: Job) -> float:
    try:
        return time.time() - (job.directory / "job.json").stat().st_mtime
    except OSError:
        return 0.0


def create(
    upload: IO[bytes],
    *,
    spooled_path: str | None = None,
    filename: str,
    params: Any,
    is_reverse: bool,
    rows: int,
    lease: concurrency.Lease,
) -> Job:
    """Keep the upload in a new job and queue it; the job holds ``lease``.

    An upload Django spooled to disk (``spooled_path``) is moved, not copied.
    """
    purge_expired()
    now = _now()
    job = Job(
        id=str(uuid.uuid4()),
        filename=filename,
        is_reverse=is_reverse,
        params={key: list(params.getlist(key)) for key in params},
        rows_total=rows,
        created=now.isoformat(),
        expires_at=(
            now + timedelta(hours=int(settings.GEOCODER_JOB_HOURS))
        ).isoformat(),
        lease=[lease.key, lease.token],
    )
    job.directory.mkdir(parents=True)
    try:
        if spooled_path:
            # Django ignores its temporary file being gone when it closes it.
            shutil.move(spooled_path, job.input_path)
        else:
            upload.seek(0)
            with job.input_path.open("wb") as out:
                shutil.copyfileobj(upload, out, 1024 * 1024)
        job.save()
    except BaseException:
        shutil.rmtree(job.directory, ignore_errors=True)
        raise
    # A queue that is down keeps the job, queued once it answers; with
    # nowhere to keep it, the job fails at once with the reason.
    if not queue.enqueue(run_batch_job, job.id) and not queue.can_defer():
        _finish(job, FAILED, "The job could not be queued; please send it again.")
    return job


def _finish(job: Job, status: str, error: str = "") -> None:
    job.status, job.error, job.finished = status, error, _now().isoformat()
    job.save()
    concurrency.release(concurrency.Lease(*job.lease) if job.lease else None)


def requeue_untaken() -> tuple[int, int]:
    """Queue again the jobs queued for ``STALE_AFTER`` that wait nowhere.

    A queue restarted empty loses its queued jobs: each is queued again,
    ``QUEUE_ATTEMPTS`` times at most, then failed with the reason. Returns
    how many were queued again and how many failed. Run by the worker's
    recovery sweep.
    """
    folder = jobs_folder()
    if not folder.is_dir():
        return 0, 0
    silent = [
        job
        for job in (load(directory.name) for directory in folder.iterdir())
        if job is not None and job.status == QUEUED and _silent_for(job) > STALE_AFTER
    ]
    # The queue is read only when something may be missing from it.
    waiting = queue.waiting_args(run_batch_job) if silent else []
    if waiting is None:  # a queue that cannot be read: nobody can tell
        return 0, 0
    in_queue = {str(args[0]) for args in waiting if args}
    requeued = failed = 0
    for job in silent:
        if job.id in in_queue:
            continue
        if job.attempts >= QUEUE_ATTEMPTS:
            _finish(job, FAILED, NEVER_TAKEN_REASON)
            failed += 1
            continue
        job.attempts += 1
        job.save()
        log.warning("batch geocoding job %s queued again: no worker took it", job.id)
        queue.enqueue(run_batch_job, job.id)
        requeued += 1
    return requeued, failed


def purge_expired(now: datetime | None = None) -> int:
    """Remove the folders of expired jobs; return how many."""
    now = now or _now()
    folder = jobs_folder()
    if not folder.is_dir():
        return 0
    removed = 0
    for directory in folder.iterdir():
        try:
            data = json.loads((directory / "job.json").read_text("utf-8"))
            expired = datetime.fromisoformat(data["expires_at"]) <= now
        except (OSError, ValueError, KeyError, TypeError):
            # A folder without a readable state, older than a day, is debris.
            expired = time.time() - directory.stat().st_mtime > 86_400
        if expired:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed


@task()
def run_batch_job(job_id: str) -> str:
    """Background task: geocode one job's CSV; return its final status."""
    from .batch import CsvFailure, geocode_file

    job = load(job_id)
    if job is None:
        return "gone"
    if not job.pending:
        return job.status
    job.status = RUNNING
    job.save()
    last = [time.monotonic()]

    def progress(rows: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = time.monotonic()
            job.rows_done = rows
            job.save()

    partial = job.directory / "result.csv.part"
    try:
        with job.input_path.open("rb") as source, partial.open("wb") as target:
            job.out_encoding = geocode_file(
                source,
                target,
                job.form(),
                is_reverse=job.is_reverse,
                name=job.filename,
                progress=progress,
            )
        os.replace(partial, job.result_path)
    except CsvFailure as exc:
        partial.unlink(missing_ok=True)
        _finish(job, FAILED, f"{exc.title}: {exc.description}")
        return FAILED
    except Exception as exc:
        log.exception("batch geocoding job %s failed", job.id)
        partial.unlink(missing_ok=True)
        _finish(job, FAILED, f"Unexpected error: {type(exc).__name__}")
        return FAILED
    job.rows_done = job.rows_total
    job.input_path.unlink(missing_ok=True)
    _finish(job, DONE)
    return DONE
