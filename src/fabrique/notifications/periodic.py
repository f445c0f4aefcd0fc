"""Tasks that come back on their own: e-mail digests, the open data dump.

The tasks API has no calendar, so a periodic task enqueues its next run
(``run_after``) when it finishes. Which tasks are periodic, and how often,
is a setting (``FABRIQUE_PERIODIC_TASKS``: task path → seconds).
``ensure_scheduled`` starts each chain once — after migrations and when the
worker starts — and never doubles one already waiting in the database queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def periodic() -> dict[str, int]:
    """Task path → seconds between two runs."""
    return dict(getattr(settings, "FABRIQUE_PERIODIC_TASKS", {}))


def _waiting(path: str, statuses: tuple[str, ...] = ("READY",)) -> bool:
    """Whether a run of the task at ``path`` already waits in the database queue."""
    if settings.TASKS_BACKEND != "database":
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=path, status__in=statuses).exists()


def schedule_next(task: Any) -> None:
    """Enqueue the next run of a periodic ``task``; log, never raise."""
    seconds = periodic().get(task.module_path)
    if not seconds:
        return
    try:
        if not _waiting(task.module_path):
            later = timezone.now() + timedelta(seconds=seconds)
            task.using(run_after=later).enqueue()
    except Exception:  # a queue that is down must not fail the run itself
        logger.exception("could not schedule the next run of %s", task.module_path)


def ensure_scheduled() -> int:
    """Start every periodic task that has no waiting run; return how many."""
    if settings.TASKS_BACKEND != "database":
        return 0
    started = 0
    for path in periodic():
        try:
            if not _waiting(path, ("READY", "RUNNING")):
                import_string(path).enqueue()
                started += 1
        except Exception:
            logger.exception("could not start %s", path)
    return started


def _after_migrate(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", "") == "notifications":
        ensure_scheduled()


def connect() -> None:
    post_migrate.connect(_after_migrate, dispatch_uid="notifications.periodic")
