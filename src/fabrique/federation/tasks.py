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


@task()
def harvest_source(source_pk: int, dry_run: bool = False) -> int | None:
    """Harvest one source now (an administrator asked); the run's id."""
    from fabrique.federation import harvest
    from fabrique.federation.models import HarvestSource

    source = HarvestSource.objects.filter(pk=source_pk).first()
    if source is None:
        return None  # deleted since it was queued
    return harvest.run_source(source, dry_run=dry_run).pk
