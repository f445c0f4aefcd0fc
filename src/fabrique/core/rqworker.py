"""The RQ worker ``fabrique worker`` starts when ``REDIS_URL`` is set.

RQ's own worker, whose maintenance also restarts the periodic tasks and
queues the tasks kept while Redis was down (:mod:`fabrique.core.queue`).
The periodic tasks come back by queueing their next run: a Redis restarted
empty loses that run, and without this nothing would ever sweep again.
Maintenance runs every ``MAINTENANCE_EVERY`` seconds at most (RQ's own
every ten minutes), between two jobs.

RQ's loop quits on any Redis error outside waiting for a job (a heartbeat,
maintenance, a lost connection while a job starts): the worker then ends
without having been asked to. :func:`stopped_on_request` tells ``fabrique
worker`` which of the two happened, so that it starts the loop again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connections
from rq.worker import Worker as RQWorker

log = logging.getLogger(__name__)

MAINTENANCE_EVERY = 60

_stopped_on_request = False


def stopped_on_request() -> bool:
    """Whether the last worker of this process ended because it was asked to."""
    return _stopped_on_request


class Worker(RQWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_EVERY)
        super().__init__(*args, **kwargs)

    def teardown(self) -> None:
        global _stopped_on_request
        _stopped_on_request = bool(self._stop_requested)
        super().teardown()

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
