"""GTFS-RT resources over time: fetch, check, keep, chart, warn, relay.

The worker fetches each GTFS-RT resource with an address every
``TRANSPORT_REALTIME_EVERY`` seconds (or as its ``Cache-Control: max-age``
asks), checks the body against the dataset's GTFS version in force
(:mod:`fabrique.gtfs.realtime`), keeps one :class:`RealtimeFetch` row per
fetch for ``TRANSPORT_REALTIME_KEEP_DAYS`` days, and keeps the last good
body on disk: the caching proxy serves it to every reuser, so the producer
sees one request per period whatever the number of consumers.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabrique.core import activity
from fabrique.core.activity import BY_THE_INSTANCE, VERBS
from fabrique.transport import storage
from fabrique.transport.models import (
    RealtimeFetch,
    Resource,
    ResourceFormat,
    Version,
    VersionStatus,
)

VERBS.setdefault(
    "transport_realtime_stale", gettext_lazy("has a real-time feed gone stale")
)
VERBS.setdefault(
    "transport_realtime_errors", gettext_lazy("has a real-time feed with new errors")
)
BY_THE_INSTANCE.update({"transport_realtime_stale", "transport_realtime_errors"})

MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)", re.IGNORECASE)
#: Errors per fetch this many times the usual level (and at least
#: JUMP_MIN more) tell followers.
JUMP_FACTOR = 2
JUMP_MIN = 5
#: Fetches the "usual level" is the median of.
BASELINE_FETCHES = 10
CHART_POINTS = 500


@dataclass
class Fetched:
    """A fetched body and what the server said of it."""

    body: bytes
    max_age: int | None


class FeedFetchError(Exception):
    """The feed could not be fetched (timeout, refused, HTTP error, too big)."""


def realtime_dir() -> Path:
    directory = storage.root() / "realtime"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def body_path(resource_id: int) -> Path:
    return realtime_dir() / f"{resource_id}.pb"


def memory_path(resource_id: int) -> Path:
    return realtime_dir() / f"{resource_id}.json"


def max_age(header: str | None) -> int | None:
    """Seconds of ``max-age`` (or ``s-maxage``) in a Cache-Control header."""
    if not header:
        return None
    if "no-store" in header.lower():
        return 0
    found = MAX_AGE.search(header)
    return int(found.group(1)) if found else None


def fetch_feed(url: str) -> Fetched:
    """GET ``url`` with the transport fetcher's address checks and caps."""
    import httpx

    from fabrique.transport.services import (
        USER_AGENT,
        FetchError,
        _pinned_transport,
        validate_url,
    )

    limit = int(settings.TRANSPORT_REALTIME_MAX_BYTES)
    seconds = float(settings.TRANSPORT_REALTIME_TIMEOUT)
    deadline = time.monotonic() + seconds
    try:
        validate_url(url)
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=int(settings.TRANSPORT_FETCH_MAX_REDIRECTS),
                headers={"User-Agent": USER_AGENT},
                trust_env=False,
                transport=_pinned_transport(),
                timeout=httpx.Timeout(seconds),
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise FeedFetchError(
                    _("The server answered %(status)s %(reason)s.")
                    % {
                        "status": response.status_code,
                        "reason": response.reason_phrase,
                    }
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FeedFetchError(
                        _("The feed is larger than %(limit)s bytes; not read.")
                        % {"limit": limit}
                    )
                if time.monotonic() > deadline:
                    raise FeedFetchError(
                        _("The server did not send the feed within %(s)s s.")
                        % {"s": int(seconds)}
                    )
                chunks.append(chunk)
            return Fetched(
                b"".join(chunks), max_age(response.headers.get("cache-control"))
            )
    except httpx.TimeoutException as exc:
        raise FeedFetchError(
            _("The server did not answer within %(s)s s.") % {"s": int(seconds)}
        ) from exc
    except httpx.HTTPError as exc:
        raise FeedFetchError(
            _("The address could not be fetched: %(reason)s")
            % {"reason": str(exc)[:300] or type(exc).__name__}
        ) from exc
    except FetchError as exc:
        raise FeedFetchError(str(exc)) from exc
    except ValidationError as exc:
        raise FeedFetchError(
            _("Only http and https addresses can be fetched.")
        ) from exc


def gtfs_store_of(resource: Resource) -> Path | None:
    """The store of the dataset's GTFS version in force, if any.

    The newest ready version whose validity covers today; else the newest
    ready one (a feed published ahead, or one without dates).
    """
    today = timezone.localdate()
    ready = Version.objects.filter(
        resource__dataset_id=resource.dataset_id,
        resource__format=ResourceFormat.GTFS,
        status=VersionStatus.READY,
    ).order_by("-created", "-pk")
    latest = (
        ready.filter(valid_from__lte=today, valid_until__gte=today).first()
        or ready.first()
    )
    if latest is None:
        return None
    store = latest.directory / storage.STORE_DIR
    return store if store.is_dir() else None


def _read_memory(resource_id: int) -> dict[str, Any]:
    try:
        data = json.loads(memory_path(resource_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def poll(resource: Resource, *, now: datetime | None = None) -> RealtimeFetch:
    """Fetch and check ``resource`` once; record, keep and warn."""
    from fabrique.gtfs.realtime import check_bytes

    now = now or timezone.now()
    every = int(settings.TRANSPORT_REALTIME_EVERY) or 60
    row = RealtimeFetch(resource=resource, fetched_at=now)
    try:
        fetched = fetch_feed(resource.url)
    except FeedFetchError as exc:
        row.error = str(exc)
        row.errors = 1
        row.rule_counts = {"fetch_failed": 1}
        row.next_after = now + timedelta(seconds=every)
        row.save()
        _after(resource, row)
        return row
    kept = _read_memory(resource.pk)
    result = check_bytes(
        fetched.body,
        filename=f"resource-{resource.pk}.pb",
        gtfs_store=gtfs_store_of(resource),
        now=now.astimezone(UTC),
        max_bytes=int(settings.TRANSPORT_REALTIME_MAX_BYTES),
        previous=kept.get("memory"),
    )
    summary = result.summary()
    counts = {g.code: g.total for g in result.notices.groups.values()}
    row.ok = result.decoded
    row.size = len(fetched.body)
    row.errors = sum(
        g.total for g in result.notices.groups.values() if g.severity == "ERROR"
    )
    row.warnings = sum(
        g.total for g in result.notices.groups.values() if g.severity == "WARNING"
    )
    row.rule_counts = counts
    row.entities = int(summary["entities"])
    row.trip_updates = int(summary["tripUpdates"])
    row.vehicles = int(summary["vehiclePositions"])
    row.alerts = int(summary["alertCount"])
    row.age_seconds = result.age_seconds
    stamp = result.memory.get("headerTimestamp") if result.memory else None
    row.header_time = datetime.fromtimestamp(stamp, UTC) if stamp else None
    row.validation_ms = int(result.seconds * 1000)
    row.next_after = now + timedelta(seconds=max(every, fetched.max_age or 0))
    row.save()
    if result.decoded:
        # Only a real FeedMessage is relayed; junk never reaches reusers.
        _write(body_path(resource.pk), fetched.body)
        _write(
            memory_path(resource.pk),
            json.dumps(
                {
                    "fetchedAt": now.isoformat(),
                    "maxAge": fetched.max_age,
                    "memory": result.memory,
                    "report": result.report(),
                },
                ensure_ascii=False,
            ).encode(),
        )
    _after(resource, row)
    return row


def _after(resource: Resource, row: RealtimeFetch) -> None:
    prune(resource)
    warn_followers(resource, row)


def prune(resource: Resource | None = None, *, now: datetime | None = None) -> int:
    """Remove fetch rows older than the kept period; return how many."""
    now = now or timezone.now()
    days = int(settings.TRANSPORT_REALTIME_KEEP_DAYS)
    rows = RealtimeFetch.objects.filter(fetched_at__lt=now - timedelta(days=days))
    if resource is not None:
        rows = rows.filter(resource=resource)
    deleted, _kinds = rows.delete()
    return deleted


def warn_followers(resource: Resource, row: RealtimeFetch) -> str:
    """Tell followers, once per episode, of a stale feed or jumping errors."""
    earlier = list(
        RealtimeFetch.objects.filter(resource=resource, fetched_at__lt=row.fetched_at)
        .order_by("-fetched_at")
        .values("errors", "age_seconds", "ok")[:BASELINE_FETCHES]
    )
    limit = int(settings.TRANSPORT_REALTIME_STALE_SECONDS)
    commons = resource.dataset.commons

    def stale(fetch: dict[str, Any]) -> bool:
        return fetch["ok"] and (fetch["age_seconds"] or 0) > limit

    if stale({"ok": row.ok, "age_seconds": row.age_seconds}) and not (
        earlier and stale(earlier[0])
    ):
        activity.record(
            commons,
            user=None,
            verb="transport_realtime_stale",
            summary=_("%(resource)s: the feed is %(s)s s old when fetched")
            % {"resource": resource.title, "s": row.age_seconds},
            data={"resource": resource.pk, "age_seconds": row.age_seconds},
        )
        return "stale"
    if not earlier:
        return ""
    usual = sorted(f["errors"] for f in earlier)[len(earlier) // 2]
    jumped = row.errors >= max(usual * JUMP_FACTOR, usual + JUMP_MIN)
    was_jumping = earlier[0]["errors"] >= max(usual * JUMP_FACTOR, usual + JUMP_MIN)
    if jumped and not was_jumping:
        activity.record(
            commons,
            user=None,
            verb="transport_realtime_errors",
            summary=_("%(resource)s: %(n)s errors in the feed (usually %(usual)s)")
            % {"resource": resource.title, "n": row.errors, "usual": usual},
            data={"resource": resource.pk, "errors": row.errors, "usual": usual},
        )
        return "errors"
    return ""


def due(now: datetime | None = None) -> list[Resource]:
    """GTFS-RT resources with an address whose next fetch is due."""
    now = now or timezone.now()
    resources = list(
        Resource.objects.filter(format=ResourceFormat.GTFS_RT)
        .exclude(url="")
        .filter(dataset__commons__hidden=False)
        .select_related("dataset__commons")
        .order_by("pk")
    )
    last = {
        r["resource_id"]: r["next_after"]
        for r in RealtimeFetch.objects.filter(resource__in=resources)
        .order_by("resource_id", "-fetched_at")
        .values("resource_id", "next_after")
    }
    return [r for r in resources if last.get(r.pk) is None or last[r.pk] <= now]


def fetch_due(now: datetime | None = None) -> list[RealtimeFetch]:
    """Poll every due GTFS-RT resource; never raises for one of them."""
    return [poll(resource, now=now) for resource in due(now)]


# Reading ----------------------------------------------------------------------


@dataclass
class Relayed:
    """The last good body of a feed and when it was fetched."""

    path: Path
    fetched_at: datetime
    max_age: int | None


def relayed(resource: Resource) -> Relayed | None:
    """The last good body kept for ``resource``, if any."""
    path = body_path(resource.pk)
    kept = _read_memory(resource.pk)
    if not path.is_file() or "fetchedAt" not in kept:
        return None
    return Relayed(path, datetime.fromisoformat(kept["fetchedAt"]), kept.get("maxAge"))


def last_report(resource: Resource) -> dict[str, Any] | None:
    report = _read_memory(resource.pk).get("report")
    return report if isinstance(report, dict) else None


def series(resource: Resource, *, hours: int = 24) -> dict[str, Any]:
    """Per-fetch figures of the last ``hours`` for the charts (oldest first)."""
    since = timezone.now() - timedelta(hours=hours)
    rows = list(
        RealtimeFetch.objects.filter(resource=resource, fetched_at__gte=since)
        .order_by("-fetched_at")
        .values(
            "fetched_at",
            "ok",
            "errors",
            "warnings",
            "age_seconds",
            "entities",
            "trip_updates",
            "vehicles",
            "alerts",
            "rule_counts",
        )[:CHART_POINTS]
    )
    rows.reverse()
    rules: dict[str, int] = {}
    for row in rows:
        for code, count in (row["rule_counts"] or {}).items():
            rules[code] = rules.get(code, 0) + int(count)
    return {
        "points": [
            {
                "at": row["fetched_at"].isoformat(),
                "ok": row["ok"],
                "errors": row["errors"],
                "warnings": row["warnings"],
                "ageSeconds": row["age_seconds"],
                "entities": row["entities"],
                "tripUpdates": row["trip_updates"],
                "vehicles": row["vehicles"],
                "alerts": row["alerts"],
                "rules": row["rule_counts"] or {},
            }
            for row in rows
        ],
        "rules": dict(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def delays_of(resource: Resource) -> dict[str, Any]:
    """Delays per route and stop the last good fetch gave."""
    kept = _read_memory(resource.pk)
    found = ((kept.get("report") or {}).get("summary") or {}).get("delays") or {}
    return {
        "fetchedAt": kept.get("fetchedAt"),
        "byRoute": found.get("byRoute") or [],
        "byStop": found.get("byStop") or [],
    }


def vehicles_geojson(resource: Resource) -> dict[str, Any]:
    """Located vehicles of the last good fetch, for the dataset map."""
    summary = ((last_report(resource) or {}).get("summary")) or {}
    features = []
    for entity in summary.get("entityList") or []:
        position = entity.get("position")
        if entity.get("kind") != "vehicle" or not position:
            continue
        trip = entity.get("trip") or {}
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": position},
                "properties": {
                    "kind": "vehicle",
                    "id": entity.get("id"),
                    "tripId": trip.get("tripId"),
                    "routeId": trip.get("routeId"),
                    "timestamp": entity.get("timestamp"),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
