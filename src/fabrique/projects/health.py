"""The health of a commons' community, from the contribution ledger.

- active contributors: distinct people with a confirmed contribution in the
  last 90 days;
- bus factor: the fewest contributors who together made at least half of the
  confirmed contributions (1 means one person carries the commons).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from fabrique.catalog.models import Commons
from fabrique.projects.models import Contribution

ACTIVE_DAYS = 90


def bus_factor(counts: Iterable[int]) -> int:
    """Fewest contributors whose contributions add up to at least half.

    >>> bus_factor([10, 1, 1])
    1
    >>> bus_factor([3, 3, 3, 3])
    2
    """
    ordered = sorted((c for c in counts if c > 0), reverse=True)
    total = sum(ordered)
    if total == 0:
        return 0
    running = 0
    for number, count in enumerate(ordered, start=1):
        running += count
        if 2 * running >= total:
            return number
    return len(ordered)  # unreachable: the loop reaches the total


@dataclass(frozen=True)
class Health:
    contributions: int
    active_contributors: int
    bus_factor: int


def health(commons: Commons, *, now: datetime.datetime | None = None) -> Health:
    """The health figures of ``commons``' community."""
    now = now or timezone.now()
    confirmed = Contribution.objects.filter(
        commons=commons, status=Contribution.Status.CONFIRMED
    ).exclude(contributor=None)
    per_person = list(
        confirmed.values("contributor")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("n", flat=True)
    )
    since = now - datetime.timedelta(days=ACTIVE_DAYS)
    active = (
        confirmed.filter(created__gte=since).values("contributor").distinct().count()
    )
    return Health(
        contributions=sum(per_person),
        active_contributors=active,
        bus_factor=bus_factor(per_person),
    )
