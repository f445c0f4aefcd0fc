"""Tasks that come back on their own: digests, dumps, clean-up and recovery.

The tasks API has no calendar, so a periodic task enqueues its next run
(``run_after``) when it finishes. Which tasks are periodic, and how often,
is a setting (``FABRIQUE_PERIODIC_TASKS``: task path → seconds).
``ensure_scheduled`` starts each chain once — after migrations and when the
worker starts — and never doubles one already waiting in the queue (the
database queue, or RQ's queue and registries of scheduled and started jobs).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.module_loading import import_string

from fabrique.core import queue

logger = logging.getLogger(__name__)

#: Seconds after which a periodic run still marked running is taken for dead.
RUNNING_FOR_AT_MOST = 600


def periodic() -> dict[str, int]:
    """Task path → seconds between two runs."""
    return dict(getattr(settings, "FABRIQUE_PERIODIC_TASKS", {}))


def _waiting(path: str, statuses: tuple[str, ...] = ("READY",)) -> bool:
    """Whether a run of the task at ``path`` already waits in the queue.

    ``READY`` is a run queued or scheduled for later, ``RUNNING`` one a worker
    has taken. Other backends (immediate) keep no queue: nothing waits there.
    """
    if settings.TASKS_BACKEND == "rq":
        return _waiting_in_rq(path, statuses)
    if settings.TASKS_BACKEND != "database":
        return False
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    waiting = Q(status="READY") if "READY" in statuses else Q(pk__in=[])
    if "RUNNING" in statuses:
        # A run whose worker was killed stays RUNNING in the database queue:
        # past its own period (ten minutes at least) it no longer counts.
        started = timezone.now() - timedelta(
            seconds=max(periodic().get(path, 0), RUNNING_FOR_AT_MOST)
        )
        waiting |= Q(status="RUNNING", started_at__gt=started)
    return DBTaskResult.objects.filter(waiting, task_path=path).exists()


def _waiting_in_rq(path: str, statuses: tuple[str, ...]) -> bool:
    import django_rq
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    queue = django_rq.get_queue(import_string(path).queue_name)
    ids: list[str] = []
    if "READY" in statuses:
        ids += queue.get_job_ids()
        ids += ScheduledJobRegistry(queue=queue).get_job_ids()
    if "RUNNING" in statuses:
        ids += StartedJobRegistry(queue=queue).get_job_ids()
    jobs = Job.fetch_many(ids, connection=queue.connection)
    return any(job is not None and job.func_name == path for job in jobs)


def schedule_next(task: Any) -> None:
    """Enqueue the next run of a periodic ``task``; log, never raise."""
    seconds = periodic().get(task.module_path)
    if not seconds:
        return
    try:
        if not _waiting(task.module_path):
            later = timezone.now() + timedelta(seconds=seconds)
            queue.enqueue(task.using(run_after=later))
    except Exception:  # a queue that is down must not fail the run itself
        logger.exception("could not schedule the next run of %s", task.module_path)


def ensure_scheduled() -> int:
    """Start every periodic task that has no waiting run; return how many.

    Under the database queue and RQ (whose worker runs its scheduler for the
    runs set for later); the immediate backend has no worker to come back to.
    """
    if settings.TASKS_BACKEND not in ("database", "rq"):
        return 0
    started = 0
    for path in periodic():
        try:
            if not _waiting(path, ("READY", "RUNNING")):
                queue.enqueue(import_string(path))
                started += 1
        except Exception:
            logger.exception("could not start %s", path)
    return started


def _after_migrate(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", "") == "notifications":
        ensure_scheduled()


def connect() -> None:
    post_migrate.connect(_after_migrate, dispatch_uid="notifications.periodic")
