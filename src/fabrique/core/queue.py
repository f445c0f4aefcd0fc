"""Queueing background tasks without failing the request that queues them.

Every task is queued through :func:`enqueue`. When the task queue does not
answer (Redis stopped, under the RQ backend), the request still stores its
write and answers as usual: the task is kept in the database (the
``deferred`` tasks backend, django-tasks-db's table) and
:func:`release_deferred` — run by the worker's recovery sweep and by its
own maintenance — moves it to the queue once the queue answers again.

:func:`waiting_args` tells what runs of a task wait in the queue (or among
the kept ones): the recovery sweep uses it to queue again a check that was
queued once but that no worker will ever take (a queue restarted empty, a
run lost between the queue and the worker).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

#: The tasks backend (django-tasks-db) that keeps tasks the queue did not take.
DEFERRED = "deferred"
RELEASE_BATCH = 500
#: django-tasks-db stores "as soon as possible" as the largest date.
FAR_FUTURE = datetime(9000, 1, 1, tzinfo=UTC)


def can_defer() -> bool:
    return DEFERRED in settings.TASKS


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Queue ``task``; never raise.

    Returns ``True`` when the queue took it. ``False`` when it did not: the
    task is then kept in the database and queued by :func:`release_deferred`
    (or, with no ``deferred`` backend configured, only logged).
    """
    try:
        task.enqueue(*args, **kwargs)
        return True
    except Exception:  # the queue backends' errors have no common base
        log.warning(
            "the task queue did not take %s%r", task.module_path, args, exc_info=True
        )
    if not can_defer():
        log.error("%s%r is lost: no deferred backend", task.module_path, args)
        return False
    try:
        task.using(backend=DEFERRED).enqueue(*args, **kwargs)
        log.info("%s%r kept until the queue answers", task.module_path, args)
    except Exception:
        log.exception("could not keep %s%r for later", task.module_path, args)
    return False


def _deferred_rows() -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(backend_name=DEFERRED, status="READY")


def release_deferred(limit: int = RELEASE_BATCH) -> int:
    """Queue the tasks kept while the queue was down; return how many.

    Stops at the first one the queue still refuses (they stay kept). Two
    sweeps at once take different rows (``SKIP LOCKED`` on PostgreSQL).
    """
    if not can_defer():
        return 0
    from django_tasks_db.models import DBTaskResult

    released = 0
    with transaction.atomic():
        rows = list(
            _deferred_rows()
            .select_for_update(skip_locked=True)
            .order_by("enqueued_at")[:limit]
        )
        for row in rows:
            try:
                task = import_string(row.task_path)
            except ImportError:
                log.error("kept task %s no longer exists: dropped", row.task_path)
                DBTaskResult.objects.filter(pk=row.pk).delete()
                continue
            call = row.args_kwargs or {}
            if timezone.now() < row.run_after < FAR_FUTURE:
                task = task.using(run_after=row.run_after)
            try:
                task.enqueue(*call.get("args", []), **call.get("kwargs", {}))
            except Exception:
                log.warning("the task queue is still down", exc_info=True)
                break
            DBTaskResult.objects.filter(pk=row.pk).delete()
            released += 1
    if released:
        log.info("%d kept task(s) queued", released)
    return released


def _backend_kind(task: Any) -> str:
    module = type(task.get_backend()).__module__
    if module.startswith("django_tasks_rq"):
        return "rq"
    if module.startswith("django_tasks_db"):
        return "database"
    return "other"


def waiting_args(task: Any) -> list[list[Any]] | None:
    """The arguments of every run of ``task`` waiting to be taken by a worker.

    Queued, scheduled and kept (deferred) runs wait; a run a worker has
    taken no longer does (the caller knows from its own records whether it
    started). ``None`` when the queue cannot be read: then nobody can tell
    what waits. A backend with no queue (immediate) has nothing waiting.
    """
    found: list[list[Any]] = []
    try:
        kind = _backend_kind(task)
        if kind == "rq":
            found += _waiting_in_rq(task)
        elif kind == "database":
            found += _waiting_in_database(task.module_path, task.get_backend().alias)
    except Exception:
        log.warning("cannot read the task queue", exc_info=True)
        return None
    if can_defer():
        found += [
            list((row.args_kwargs or {}).get("args", []))
            for row in _deferred_rows().filter(task_path=task.module_path)
        ]
    return found


def _waiting_in_database(path: str, alias: str) -> list[list[Any]]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path=path, backend_name=alias, status="READY"
    ).values_list("args_kwargs", flat=True)
    return [list((call or {}).get("args", [])) for call in rows]


def _waiting_in_rq(task: Any) -> list[list[Any]]:
    import django_rq
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    queue = django_rq.get_queue(task.queue_name)
    ids = list(queue.get_job_ids())
    ids += ScheduledJobRegistry(queue=queue).get_job_ids()
    jobs = Job.fetch_many(ids, connection=queue.connection)
    return [
        list(job.args)
        for job in jobs
        if job is not None and job.func_name == task.module_path
    ]
