"""The RQ worker ``fabrique worker`` starts when ``REDIS_URL`` is set.

RQ's own worker, whose maintenance also restarts the periodic tasks and
queues the tasks kept while Redis was down (:mod:`fabrique.core.queue`).
The periodic tasks come back by queueing their next run: a Redis restarted
empty loses that run, and without this nothing would ever sweep again.
Maintenance runs every ``MAINTENANCE_EVERY`` seconds at most (RQ's own
every ten minutes), between two jobs.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connections
from rq.worker import Worker as RQWorker

log = logging.getLogger(__name__)

MAINTENANCE_EVERY = 60


class Worker(RQWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_EVERY)
        super().__init__(*args, **kwargs)

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from fabrique.core.queue import release_deferred
        from fabrique.notifications.periodic import ensure_scheduled

        try:
            release_deferred()
            ensure_scheduled()
        except Exception:  # the worker itself must go on
            log.exception("worker maintenance failed")
        finally:
            # Jobs run in forked processes: none may inherit this connection.
            connections.close_all()
