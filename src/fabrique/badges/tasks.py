"""Background work of badges: rules evaluated by the worker.

:data:`evaluate_badge_rules` runs when a ledger entry is confirmed (queued
after the commit) and periodically (``FABRIQUE_PERIODIC_TASKS``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task

from fabrique.core import queue
from fabrique.projects.models import Contribution


@task()
def evaluate_badge_rules() -> int:
    """Give rule badges to whoever now meets their rule; return how many."""
    from . import rules

    return len(rules.evaluate())


def _contribution_saved(sender: type, instance: Contribution, **kwargs: Any) -> None:
    if instance.status == Contribution.Status.CONFIRMED:
        transaction.on_commit(lambda: queue.enqueue(evaluate_badge_rules))


post_save.connect(_contribution_saved, sender=Contribution, dispatch_uid="badge-rules")
