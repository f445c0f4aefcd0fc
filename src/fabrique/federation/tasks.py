"""Background work of the network: harvesting the sources that are due."""

from __future__ import annotations

from django_tasks import task


@task()
def harvest_due() -> int:
    """Run the harvest sources whose time has come, then come back (periodic)."""
    from fabrique.federation import changes, harvest
    from fabrique.notifications import periodic

    try:
        changes.prune()
        return len(harvest.run_due())
    finally:
        periodic.schedule_next(harvest_due)
