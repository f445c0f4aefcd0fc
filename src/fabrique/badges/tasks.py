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
def evaluate_badge_rules(user_id: int | None = None) -> int:
    """Give rule badges to whoever now meets their rule (only ``user_id`` when
    given); return how many."""
    from . import rules

    return len(rules.evaluate(None if user_id is None else [user_id]))


def _contribution_saved(sender: type, instance: Contribution, **kwargs: Any) -> None:
    if instance.status == Contribution.Status.CONFIRMED:
        # Only the contributor can have just met a rule: the periodic run
        # looks at everyone.
        user_id = instance.contributor_id
        transaction.on_commit(lambda: queue.enqueue(evaluate_badge_rules, user_id))


post_save.connect(_contribution_saved, sender=Contribution, dispatch_uid="badge-rules")
