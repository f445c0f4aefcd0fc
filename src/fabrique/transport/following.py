"""What a dataset page tells its followers and visitors beyond the files.

- Followers of a dataset follow its commons (one follow for both pages); they
  hear of a new version (its activity), of **new errors** (a version with more
  errors than the one before) and of the **coming expiry** of the data, 30 and
  7 days before (:func:`warn_expiring`, run by the worker every day).
- **Reuses** declared by anyone signed in: title, address, kind, who made it.
- **Update frequency** read from the dates of the versions, **temporal
  coverage** from the validity of the stored versions, **downloads** counted
  per version file.

Pages and API share these functions.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fabrique.core import activity
from fabrique.core.activity import BY_THE_INSTANCE, SUMMARIES, VERBS
from fabrique.transport.models import (
    Dataset,
    ResourceFormat,
    Reuse,
    ReuseKind,
    Version,
    VersionStatus,
)

VERBS.setdefault("transport_new_errors", gettext_lazy("found new errors in the data"))
VERBS.setdefault(
    "transport_expires_soon", gettext_lazy("is about to see its data expire")
)
VERBS.setdefault("transport_reuse_declared", gettext_lazy("declared a reuse"))
BY_THE_INSTANCE.update({"transport_new_errors", "transport_expires_soon"})

#: Days before the end of validity at which followers are warned.
EXPIRY_WARNINGS = (30, 7)


# Notifications -----------------------------------------------------------------


def previous_ready(version: Version) -> Version | None:
    return (
        Version.objects.filter(
            resource_id=version.resource_id,
            status=VersionStatus.READY,
            number__lt=version.number,
        )
        .order_by("-number")
        .first()
    )


def record_new_errors(version: Version) -> bool:
    """Tell followers when ``version`` has more errors than the one before it."""
    before = previous_ready(version)
    baseline = before.errors if before is not None else 0
    if version.errors <= baseline:
        return False
    dataset = version.resource.dataset
    activity.record(
        dataset.commons,
        user=None,
        verb="transport_new_errors",
        summary=ngettext(
            "%(resource)s, version %(number)s: %(n)s error (%(before)s before)",
            "%(resource)s, version %(number)s: %(n)s errors (%(before)s before)",
            version.errors,
        )
        % {
            "resource": version.resource.title,
            "number": version.number,
            "n": version.errors,
            "before": baseline,
        },
        data={"version": version.pk, "errors": version.errors, "before": baseline},
    )
    return True


def warn_expiring(today: dt.date | None = None) -> int:
    """Record, once each, the 30- and 7-day expiry warnings due; return how many.

    A dataset whose data ends within a threshold gets one activity entry for
    that threshold and that end date, so its followers are notified once; a
    new version with a later end date starts the count again.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(EXPIRY_WARNINGS))
    written = 0
    rows = Dataset.objects.filter(
        valid_until__gte=today, valid_until__lte=horizon, commons__hidden=False
    ).select_related("commons")
    for dataset in rows:
        assert dataset.valid_until is not None
        left = (dataset.valid_until - today).days
        threshold = min(d for d in EXPIRY_WARNINGS if left <= d)
        end = dataset.valid_until.isoformat()
        done = activity.for_object(dataset.commons).filter(
            verb="transport_expires_soon",
            data__valid_until=end,
            data__threshold__lte=threshold,
        )
        if done.exists():
            continue
        activity.record(
            dataset.commons,
            user=None,
            verb="transport_expires_soon",
            summary=_expiry_summary(dataset.valid_until, left),
            data={"valid_until": end, "threshold": threshold, "days_left": left},
        )
        written += 1
    return written


def _expiry_summary(end: dt.date, left: int) -> str:
    return ngettext(
        "The data ends on %(end)s, in %(n)s day.",
        "The data ends on %(end)s, in %(n)s days.",
        left,
    ) % {"end": formats.date_format(end, "DATE_FORMAT"), "n": left}


def _expiry_summary_of(entry: Any) -> str:
    """An expiry warning as its reader reads it: their language, their dates."""
    end = dt.date.fromisoformat(entry.data["valid_until"])
    return _expiry_summary(end, int(entry.data["days_left"]))


SUMMARIES["transport_expires_soon"] = _expiry_summary_of


# Reuses ----------------------------------------------------------------------


def add_reuse(
    dataset: Dataset,
    *,
    user: Any,
    title: str,
    url: str,
    kind: str = ReuseKind.APPLICATION,
    by: str = "",
) -> Reuse:
    """Declare a reuse of ``dataset``; ValidationError names a wrong field."""
    from fabrique.transport.services import validate_url

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("You need to be signed in to do this."))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the reuse a title.")]
    elif len(title) > 200:
        errors["title"] = [_("A title has at most 200 characters.")]
    if kind not in ReuseKind.values:
        errors["kind"] = [
            _("%(kind)s is not a kind of reuse; choose one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(ReuseKind.values)}
        ]
    try:
        url = validate_url(url)
    except ValidationError:
        url = ""
        errors["url"] = [_("Give the reuse's address, starting with https://.")]
    if not url and "url" not in errors:
        errors["url"] = [_("Give the reuse's address, starting with https://.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            reuse = Reuse.objects.create(
                dataset=dataset,
                title=title,
                url=url,
                kind=kind,
                by=(by or "").strip()[:200],
                created_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            {"url": [_("This reuse is already declared for this dataset.")]}
        ) from None
    activity.record(
        dataset.commons,
        user=user,
        verb="transport_reuse_declared",
        summary=title,
        data={"reuse": reuse.pk},
    )
    return reuse


def reuses_of(dataset: Dataset) -> list[Reuse]:
    return list(dataset.reuses.filter(hidden=False).select_related("created_by"))


# Frequency, coverage, downloads ---------------------------------------------


@dataclass(frozen=True)
class Frequency:
    """How often new content arrived: the median gap between versions."""

    days: float | None
    versions: int

    @property
    def label(self) -> str:
        if self.days is None:
            return (
                _("one version so far") if self.versions == 1 else _("no version yet")
            )
        if self.days <= 1.5:
            return _("about every day")
        if self.days <= 10:
            return _("about every week")
        if self.days <= 45:
            return _("about every month")
        if self.days <= 135:
            return _("about every quarter")
        if self.days <= 450:
            return _("about every year")
        return _("less than once a year")


def update_frequency(dates: list[dt.datetime]) -> Frequency:
    """The median gap, in days, between successive ``dates`` (any order)."""
    ordered = sorted(dates)
    gaps = [(b - a).total_seconds() / 86_400 for a, b in itertools.pairwise(ordered)]
    gaps = [g for g in gaps if g > 0]
    return Frequency(
        days=statistics.median(gaps) if gaps else None, versions=len(ordered)
    )


def dataset_frequency(dataset: Dataset) -> Frequency:
    """From the versions with new content (every version has new content)."""
    dates = list(
        Version.objects.filter(resource__dataset=dataset)
        .exclude(status=VersionStatus.FAILED)
        .values_list("created", flat=True)
    )
    return update_frequency(dates)


@dataclass(frozen=True)
class Coverage:
    """The days the data covers: now (latest version), and over its history."""

    current_from: dt.date | None
    current_until: dt.date | None
    first_from: dt.date | None
    last_until: dt.date | None


def temporal_coverage(dataset: Dataset) -> Coverage:
    history = Version.objects.filter(
        resource__dataset=dataset,
        resource__format=ResourceFormat.GTFS,
        status=VersionStatus.READY,
    ).aggregate(first=Min("valid_from"), last=Max("valid_until"))
    return Coverage(
        current_from=dataset.valid_from,
        current_until=dataset.valid_until,
        first_from=history["first"],
        last_until=history["last"],
    )


def count_download(version: Version) -> None:
    Version.objects.filter(pk=version.pk).update(downloads=F("downloads") + 1)


def downloads_by_resource(dataset: Dataset) -> dict[int, int]:
    """Resource id → downloads of all its versions' files."""
    rows = (
        Version.objects.filter(resource__dataset=dataset)
        .values("resource_id")
        .annotate(n=Sum("downloads"))
    )
    return {row["resource_id"]: row["n"] or 0 for row in rows}
