"""The ecosystem's dashboards, read from the counters kept by ``aggregates``.

Each chart is a :class:`Chart`: a title, the columns and rows of its table
alternative (also its CSV download) and the geometry of its SVG bars, so the
page draws it on the server with no script. The page and the API read
:func:`charts`; no request recounts the source tables — the counters are
current, and only the few commons a chart shows are looked up.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Commons, Kind, Maturity
from fabrique.community.lifecycle import State
from fabrique.projects import aggregates
from fabrique.projects.health import ACTIVE_DAYS, bus_factor
from fabrique.projects.models import EcosystemCount

TOP = 15
MONTHS = 24
BAR_WIDTH = 480  # px of the longest bar
LABEL_WIDTH = 240  # px left of the bars, for their names
ROW = 28  # px per horizontal bar


@dataclass
class Segment:
    x: float
    width: float
    series: int
    title: str


@dataclass
class Bar:
    label: str
    value: Decimal
    shown: str
    url: str = ""
    segments: list[Segment] = field(default_factory=list)
    # vertical bars (months): x, y, height; horizontal ones: y, value_x
    x: float = 0
    y: float = 0
    height: float = 0
    value_x: float = 0


@dataclass
class Chart:
    slug: str
    title: Any
    description: Any
    columns: list[Any]
    rows: list[list[Any]]
    bars: list[Bar]
    series: list[Any] = field(default_factory=list)
    vertical: bool = False
    height: int = 0
    width: int = LABEL_WIDTH + BAR_WIDTH + 190

    def __post_init__(self) -> None:
        if not self.vertical:
            self.height = max(len(self.bars), 1) * ROW + 4


def _count(value: Decimal) -> str:
    return number_format(int(value), force_grouping=True)


def _money(value: Decimal) -> str:
    return number_format(value, decimal_pos=0, force_grouping=True)


def _scale(bars: list[Bar], totals: list[Decimal]) -> None:
    """Lay horizontal bars out: one row each, the longest BAR_WIDTH wide."""
    top = max(totals, default=Decimal(0)) or Decimal(1)
    for row, bar in enumerate(bars):
        x = float(LABEL_WIDTH)
        for segment in bar.segments:
            width = round(float(Decimal(segment.width) / top) * BAR_WIDTH, 1)
            segment.x, segment.width = round(x, 1), width
            x += width
        bar.y = row * ROW
        bar.value_x = round(x + 6, 1)


def _rows(metric: str, **filters: Any) -> list[EcosystemCount]:
    return list(EcosystemCount.objects.filter(metric=metric, **filters))


def commons_by_kind() -> Chart:
    counts = {row.key: row.value for row in _rows("commons")}
    maturities = list(Maturity)
    bars, totals, rows = [], [], []
    for kind in Kind:
        values = [counts.get(f"{kind.value}|{m.value}", Decimal(0)) for m in maturities]
        total = sum(values, Decimal(0))
        segments = [
            Segment(0, float(v), i, f"{kind.label} · {m.label}: {_count(v)}")
            for i, (m, v) in enumerate(zip(maturities, values, strict=True))
            if v
        ]
        bars.append(Bar(str(kind.label), total, _count(total), segments=segments))
        totals.append(total)
        rows.append([kind.label, *(int(v) for v in values), int(total)])
    _scale(bars, totals)
    return Chart(
        "commons",
        _("Commons by kind and maturity"),
        _("How many commons of each kind, and how far each has come."),
        [_("kind"), *(m.label for m in maturities), _("total")],
        rows,
        bars,
        series=[m.label for m in maturities],
    )


def contributions_by_month(*, today: datetime.date | None = None) -> Chart:
    today = today or timezone.now().date()
    months = []
    year, month = today.year, today.month
    for _step in range(MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    counts = {
        row.key: row.value
        for row in _rows("contrib_month", key__gte=months[0], key__lte=months[-1])
    }
    values = [counts.get(m, Decimal(0)) for m in months]
    top = max(values, default=Decimal(0)) or Decimal(1)
    height, step = 160, 24
    bars = []
    for i, (key, value) in enumerate(zip(months, values, strict=True)):
        h = float(value / top) * height
        bars.append(
            Bar(key, value, _count(value), x=i * step + 4, y=height - h, height=h)
        )
    return Chart(
        "contributions",
        _("Confirmed contributions per month"),
        _("Ledger entries confirmed by a holder, by the month they were recorded."),
        [_("month"), _("contributions")],
        [[m, int(v)] for m, v in zip(months, values, strict=True)],
        bars,
        vertical=True,
        height=height,
        width=MONTHS * step + 8,
    )


def challenges_by_state() -> Chart:
    counts = {row.key: row.value for row in _rows("challenges")}
    bars, totals, rows = [], [], []
    for state in State:
        value = counts.get(state.value, Decimal(0))
        segment = Segment(0, float(value), 0, f"{state.label}: {_count(value)}")
        bars.append(Bar(str(state.label), value, _count(value), segments=[segment]))
        totals.append(value)
        rows.append([state.label, int(value)])
    _scale(bars, totals)
    return Chart(
        "challenges",
        _("Micro-challenges by state"),
        _("Where the micro-challenges stand in their lifecycle."),
        [_("state"), _("micro-challenges")],
        rows,
        bars,
    )


def _commons_named(ids: list[int]) -> dict[int, tuple[str, str]]:
    pattern = reverse("catalog:commons", args=["__slug__"])
    return {
        pk: (title, pattern.replace("__slug__", slug))
        for pk, title, slug in Commons.objects.filter(
            pk__in=ids, hidden=False
        ).values_list("pk", "title", "slug")
    }


def _funding_rows(
    currency: str,
) -> list[tuple[str, str, Decimal, Decimal, Decimal, Decimal]]:
    """The top commons in ``currency``: title, address, still pledged,
    granted, spent and the total promised and paid."""
    top = list(
        EcosystemCount.objects.filter(metric="funding_total", key=currency)
        .order_by("-value", "ref")
        .values_list("ref", "value")[: TOP + 10]
    )
    named = _commons_named([ref for ref, _v in top])
    top = [(ref, v) for ref, v in top if ref in named][:TOP]
    parts: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in EcosystemCount.objects.filter(
        metric="funding", ref__in=[ref for ref, _v in top]
    ):
        kind, _sep, cur = row.key.partition("|")
        if cur == currency:
            parts[row.ref][kind] = row.value
    return [
        (
            *named[ref],
            parts[ref].get("pledge", Decimal(0)),
            parts[ref].get("grant", Decimal(0)),
            parts[ref].get("spent", Decimal(0)),
            total,
        )
        for ref, total in top
    ]


def _funding_currencies() -> list[str]:
    """Currencies with funding, the one most commons received first."""
    rows = (
        EcosystemCount.objects.filter(metric="funding_total")
        .values("key")
        .annotate(n=Count("id"))
        .order_by("-n", "key")
    )
    return [row["key"] for row in rows]


def funding_by_commons(currency: str | None = None) -> Chart:
    """Per currency, the commons that received the most; the bars show the
    first currency (the one most commons received), the table every one."""
    found = [currency] if currency else _funding_currencies()
    bars, totals, rows = [], [], []
    for index, cur in enumerate(found or ["EUR"]):
        for title, url, pledged, granted, spent, total in _funding_rows(cur):
            rows.append([title, cur, pledged, granted, spent, total])
            if index:
                continue
            segments = [
                Segment(0, float(v), i, f"{title} · {label}: {_money(v)} {cur}")
                for i, (label, v) in enumerate(
                    ((_("granted"), granted), (_("still pledged"), pledged))
                )
                if v
            ]
            bars.append(Bar(title, total, f"{_money(total)} {cur}", url, segments))
            totals.append(total)
    _scale(bars, totals)
    return Chart(
        "funding",
        _("Funding by commons"),
        _(
            "The commons that received the most: what pledges still promise, "
            "what was granted and what was spent, each currency apart. A pledge "
            "paid by a grant counts once, as granted; hidden funders are left out."
        ),
        [
            _("commons"),
            _("currency"),
            _("still pledged"),
            _("granted"),
            _("spent"),
            _("total"),
        ],
        rows,
        bars,
        series=[_("granted"), _("still pledged")],
    )


def health_by_commons(*, now: datetime.datetime | None = None) -> Chart:
    now = now or timezone.now()
    since = now - datetime.timedelta(days=ACTIVE_DAYS)
    top = list(
        EcosystemCount.objects.filter(metric="commons_contribs")
        .order_by("-value", "ref")
        .values_list("ref", "value")[: TOP + 10]
    )
    named = _commons_named([ref for ref, _v in top])
    top = [(ref, v) for ref, v in top if ref in named][:TOP]
    refs = [ref for ref, _v in top]
    contributors = EcosystemCount.objects.filter(metric="contributor", ref__in=refs)
    per_person: dict[int, list[int]] = defaultdict(list)
    for ref, value in contributors.values_list("ref", "value"):
        per_person[ref].append(int(value))
    active: dict[int, int] = defaultdict(
        int,
        contributors.filter(last__gte=since)
        .values("ref")
        .annotate(n=Count("id"))
        .values_list("ref", "n"),
    )
    bars, totals, rows = [], [], []
    for ref, total in top:
        title, url = named[ref]
        factor = bus_factor(per_person[ref])
        shown = _("%(contributions)s · %(active)s · bus factor %(factor)s") % {
            "contributions": ngettext(
                "%(n)s contribution", "%(n)s contributions", int(total)
            )
            % {"n": _count(total)},
            "active": ngettext("%(n)s active", "%(n)s active", active[ref])
            % {"n": active[ref]},
            "factor": factor,
        }
        segment = Segment(0, float(total), 0, f"{title}: {shown}")
        bars.append(Bar(title, total, str(shown), url, [segment]))
        totals.append(total)
        rows.append([title, int(total), active[ref], len(per_person[ref]), factor])
    _scale(bars, totals)
    return Chart(
        "health",
        _("Health of each community"),
        _(
            "The commons with the most confirmed contributions: people active in "
            "the last 90 days, and the bus factor — the fewest people who made "
            "half of the contributions."
        ),
        [
            _("commons"),
            _("contributions"),
            _("active contributors (90 days)"),
            _("contributors"),
            _("bus factor"),
        ],
        rows,
        bars,
    )


CHARTS = {
    "commons": commons_by_kind,
    "contributions": contributions_by_month,
    "challenges": challenges_by_state,
    "funding": funding_by_commons,
    "health": health_by_commons,
}


CACHE_SECONDS = 600


def _plain(value: Any) -> Any:
    """Lazy translations as text, so a chart can be cached per language."""
    if isinstance(value, (Decimal, int, float, str)):
        return value
    return str(value)


def _settle(chart: Chart) -> Chart:
    chart.title, chart.description = str(chart.title), str(chart.description)
    chart.columns = [str(c) for c in chart.columns]
    chart.series = [str(s) for s in chart.series]
    chart.rows = [[_plain(v) for v in row] for row in chart.rows]
    return chart


def charts() -> list[Chart]:
    """Every chart of the dashboard page, in page order.

    Cached under the counters' version, which every counted write moves in
    its own transaction, and today's date (the last 90 days and the months
    shown move with it).
    """
    found: list[Chart] | None = cache.get(cache_key())
    if found is None:
        found = [_settle(make()) for make in CHARTS.values()]
        cache.set(cache_key(), found, CACHE_SECONDS)
    return found


def cache_key(part: str = "charts") -> str:
    """Where the dashboards' ``part`` is cached: the counters' version,
    the language, and today (the last 90 days and the months move with it)."""
    return (
        f"dashboards:{part}:{aggregates.version()}:{get_language()}:"
        f"{timezone.now().date().isoformat()}"
    )


def chart(slug: str) -> Chart | None:
    return next((c for c in charts() if c.slug == slug), None)
