"""Checks whose worker died are taken again, then failed with the reason.

A run writes a heartbeat on its version (or on-demand job) at least every
few seconds. :func:`recover` finds the runs with no heartbeat for
``TRANSPORT_TASK_LEASE`` seconds — their worker was killed, lost its
machine or its queue — and queues them again, until
``TRANSPORT_TASK_ATTEMPTS`` runs have started; then the version or job is
failed with a reason its page shows.

It also queues the tasks kept while the queue was down
(:func:`fabrique.core.queue.release_deferred`), and queues again a version
or job queued for a lease that no worker took and that no longer waits in
the queue (a queue restarted empty): each time is an attempt, and after
the last one it fails with a reason too. Batch geocoding jobs are swept the
same way (:func:`fabrique.places.jobs.requeue_untaken`).
:data:`recover_stuck` runs it as a periodic task under both queue backends,
and ``fabrique worker`` once when it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from fabrique.core import queue
from fabrique.transport.models import (
    JobStatus,
    ValidationJob,
    Version,
    VersionStatus,
    lease,
)

log = logging.getLogger(__name__)

#: Stored progress message of a version queued again (translated when shown).
REQUEUED = "Waiting for a worker (new attempt)"
RUNNING_VERSION = (VersionStatus.VALIDATING, VersionStatus.INGESTING)


@dataclass
class Recovered:
    requeued: int = 0
    failed: int = 0
    released: int = 0


def max_attempts() -> int:
    return max(1, int(settings.TRANSPORT_TASK_ATTEMPTS))


def gave_up_message(attempts: int) -> str:
    return ngettext(
        "The worker stopped while checking this file (it may be too large for "
        "the server's memory or time limit). Check it again, or tell the "
        "administrators if it keeps failing.",
        "The worker stopped %(count)d times while checking this file (it may be "
        "too large for the server's memory or time limit). Check it again, or "
        "tell the administrators if it keeps failing.",
        attempts,
    ) % {"count": attempts}


def never_taken_message(attempts: int) -> str:
    return ngettext(
        "No worker took this file in time: the task queue may be down. Try "
        "again later, or tell the administrators if it keeps failing.",
        "No worker took this file in time, after %(count)d attempts: the task "
        "queue may be down. Try again later, or tell the administrators if it "
        "keeps failing.",
        attempts,
    ) % {"count": attempts}


def recover() -> Recovered:
    """Queue again, or fail, every run whose heartbeat is older than the lease.

    Also queue the tasks kept while the queue was down, and the queued
    versions and jobs that no worker took (see the module's text).
    """
    from fabrique.transport import ondemand
    from fabrique.transport.services import enqueue_processing

    done = Recovered(released=queue.release_deferred())
    now = timezone.now()
    cutoff = now - lease()
    # Runs left before heartbeats existed have none: their age is the version's.
    silent = Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, created__lt=cutoff)
    for version in Version.objects.filter(silent, status__in=RUNNING_VERSION).only(
        "pk", "attempts", "heartbeat", "status"
    ):
        # Conditional on the heartbeat read: a run that came back to life, or
        # another recoverer, wins.
        still = Version.objects.filter(
            pk=version.pk, status=version.status, heartbeat=version.heartbeat
        )
        _fail_or_queue_again(
            done,
            still,
            version.attempts,
            failed={
                "status": VersionStatus.FAILED,
                "error": gave_up_message(version.attempts),
                "progress_message": "Failed",
                "heartbeat": now,
            },
            queued={
                "status": VersionStatus.QUEUED,
                "progress": 0,
                "progress_message": REQUEUED,
                "heartbeat": now,
            },
            queue_again=lambda version=version: enqueue_processing(version),
            why=f"version {version.pk}: its worker died",
        )
    for job in ValidationJob.objects.filter(silent, status=JobStatus.RUNNING).only(
        "pk", "attempts", "heartbeat"
    ):
        still_job = ValidationJob.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, heartbeat=job.heartbeat
        )
        _fail_or_queue_again(
            done,
            still_job,
            job.attempts,
            failed={
                "status": JobStatus.FAILED,
                "error": gave_up_message(job.attempts),
                "progress_message": "",
                "finished": now,
                "heartbeat": now,
            },
            queued={
                "status": JobStatus.QUEUED,
                "progress": 0,
                "progress_message": _("Waiting for a worker"),
                "heartbeat": now,
            },
            queue_again=lambda job=job: ondemand.enqueue(job),
            why=f"validation {job.pk}: its worker died",
        )
    _requeue_untaken(done, silent)
    from fabrique.places.jobs import requeue_untaken

    requeued, failed = requeue_untaken()
    done.requeued += requeued
    done.failed += failed
    return done


def _requeue_untaken(done: Recovered, silent: Q) -> None:
    """Queue again the versions and jobs queued for a lease that wait nowhere."""
    from fabrique.transport import ondemand
    from fabrique.transport.services import enqueue_processing
    from fabrique.transport.tasks import process_version

    now = timezone.now()
    versions = list(
        Version.objects.filter(silent, status=VersionStatus.QUEUED).only(
            "pk", "attempts", "heartbeat", "status"
        )
    )
    # The queue is read only when something may be missing from it.
    waiting = queue.waiting_args(process_version) if versions else []
    if waiting is not None:  # a queue that cannot be read: nobody can tell
        in_queue = {args[0] for args in waiting if args}
        for version in versions:
            if version.pk in in_queue:
                continue
            still = Version.objects.filter(
                pk=version.pk, status=VersionStatus.QUEUED, heartbeat=version.heartbeat
            )
            _fail_or_queue_again(
                done,
                still,
                version.attempts,
                failed={
                    "status": VersionStatus.FAILED,
                    "error": never_taken_message(version.attempts),
                    "progress_message": "Failed",
                    "heartbeat": now,
                },
                queued={
                    "attempts": F("attempts") + 1,
                    "progress_message": REQUEUED,
                    "heartbeat": now,
                },
                queue_again=lambda version=version: enqueue_processing(version),
                why=f"version {version.pk}: no worker took it",
            )
    jobs = list(
        ValidationJob.objects.filter(silent, status=JobStatus.QUEUED).only(
            "pk", "attempts", "heartbeat"
        )
    )
    waiting = queue.waiting_args(ondemand.run_job) if jobs else []
    if waiting is None:
        return
    in_queue = {str(args[0]) for args in waiting if args}
    for job in jobs:
        if str(job.pk) in in_queue:
            continue
        still_job = ValidationJob.objects.filter(
            pk=job.pk, status=JobStatus.QUEUED, heartbeat=job.heartbeat
        )
        _fail_or_queue_again(
            done,
            still_job,
            job.attempts,
            failed={
                "status": JobStatus.FAILED,
                "error": never_taken_message(job.attempts),
                "progress_message": "",
                "finished": now,
                "heartbeat": now,
            },
            queued={
                "attempts": F("attempts") + 1,
                "progress_message": _("Waiting for a worker"),
                "heartbeat": now,
            },
            queue_again=lambda job=job: ondemand.enqueue(job),
            why=f"validation {job.pk}: no worker took it",
        )


def _fail_or_queue_again(
    done: Recovered,
    still: QuerySet[Any],
    attempts: int,
    *,
    failed: dict[str, Any],
    queued: dict[str, Any],
    queue_again: Callable[[], object],
    why: str,
) -> None:
    """Fail a run after its last attempt, or put it back in the queue.

    ``still`` selects the run as it was read (status, heartbeat): a run that
    came back to life, or another recoverer, wins and nothing is done here.
    """
    if attempts >= max_attempts():
        if still.update(**failed):
            log.warning("%s; failed after %d attempts", why, attempts)
            done.failed += 1
    elif still.update(**queued):
        log.warning("%s; queued again", why)
        queue_again()
        done.requeued += 1


@task()
def recover_stuck() -> dict[str, int]:
    """Periodic task: :func:`recover`, then come back."""
    from fabrique.notifications.periodic import schedule_next

    try:
        found = recover()
        return {
            "requeued": found.requeued,
            "failed": found.failed,
            "released": found.released,
        }
    finally:
        schedule_next(recover_stuck)
