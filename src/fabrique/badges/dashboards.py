"""The ecosystem dashboard's badge chart: badges awarded per month, by kind.

Registered into :data:`fabrique.projects.dashboards.CHARTS` by the app, so
the dashboards module does not import badges. Revoked awards are left out.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.projects.dashboards import Bar, Chart, Segment, _count, _scale

from .models import Award, BadgeKind

MONTHS = 12


def badges_by_month(*, today: datetime.date | None = None) -> Chart:
    today = today or timezone.now().date()
    months: list[datetime.date] = []
    year, month = today.year, today.month
    for _step in range(MONTHS):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    counts: dict[tuple[str, str], int] = {}
    rows_found = (
        Award.objects.filter(revoked__isnull=True, issued__date__gte=months[0])
        .annotate(month=TruncMonth("issued"))
        .values("month", "badge__kind")
        .annotate(n=Count("id"))
    )
    for row in rows_found:
        key = row["month"].strftime("%Y-%m")
        counts[(key, row["badge__kind"])] = row["n"]
    kinds = list(BadgeKind)
    bars, totals, rows = [], [], []
    for first in months:
        key = first.strftime("%Y-%m")
        values = [Decimal(counts.get((key, k.value), 0)) for k in kinds]
        total = sum(values, Decimal(0))
        segments = [
            Segment(0, float(v), i, f"{key} · {k.label}: {_count(v)}")
            for i, (k, v) in enumerate(zip(kinds, values, strict=True))
            if v
        ]
        bars.append(Bar(key, total, _count(total), segments=segments))
        totals.append(total)
        rows.append([key, *(int(v) for v in values), int(total)])
    _scale(bars, totals)
    return Chart(
        "badges",
        _("Badges awarded per month"),
        _("Badges given in the last twelve months, by kind (revoked ones left out)."),
        [_("month"), *(k.label for k in kinds), _("total")],
        rows,
        bars,
        series=[k.label for k in kinds],
    )
