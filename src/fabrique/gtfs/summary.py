"""Summaries of a loaded feed: the report's summary and the feed overview."""

from __future__ import annotations

from typing import Any

from fabrique.gtfs.reader import Feed


def _one(feed: Feed, sql: str) -> Any:
    row = feed.con.execute(sql).fetchone()
    return row[0] if row else None


def report_summary(feed: Feed) -> dict[str, Any]:
    """The parts of MobilityData's report summary that come from the data."""
    feed_info: dict[str, Any] = {}
    row = feed.con.execute(
        "SELECT feed_publisher_name, feed_publisher_url, feed_lang, "
        "feed_start_date, feed_end_date, feed_contact_email, feed_version "
        "FROM feed_info ORDER BY __row LIMIT 1"
    ).fetchone()
    if row:
        keys = (
            "publisherName",
            "publisherUrl",
            "feedLanguage",
            "feedStartDate",
            "feedEndDate",
            "feedEmail",
            "feedVersion",
        )
        feed_info = {k: v or "" for k, v in zip(keys, row, strict=True)}
    window = feed.con.execute(
        "WITH d AS (SELECT try_strptime(start_date, '%Y%m%d') AS a, "
        "try_strptime(end_date, '%Y%m%d') AS b FROM calendar UNION ALL "
        "SELECT try_strptime(date, '%Y%m%d'), try_strptime(date, '%Y%m%d') "
        "FROM calendar_dates WHERE exception_type = '1') "
        "SELECT min(a)::DATE, max(b)::DATE FROM d"
    ).fetchone()
    if window and window[0]:
        feed_info["feedServiceWindowStart"] = window[0].isoformat()
        feed_info["feedServiceWindowEnd"] = window[1].isoformat()
    agencies = [
        {
            "name": n or "",
            "url": u or "",
            "phone": p or "",
            "email": e or "",
            "timezone": t or "",
        }
        for n, u, p, e, t in feed.con.execute(
            "SELECT agency_name, agency_url, agency_phone, agency_email, "
            "agency_timezone FROM agency ORDER BY __row"
        ).fetchall()
    ]
    counts = {
        "Shapes": _one(feed, "SELECT count(DISTINCT shape_id) FROM shapes"),
        "Stops": feed.rows("stops.txt"),
        "Routes": feed.rows("routes.txt"),
        "Trips": feed.rows("trips.txt"),
        "Agencies": feed.rows("agency.txt"),
        "Blocks": _one(feed, "SELECT count(DISTINCT block_id) FROM trips"),
    }
    return {
        "feedInfo": feed_info,
        "agencies": agencies,
        "files": sorted(feed.source.files),
        "counts": counts,
        "gtfsFeatures": gtfs_features(feed),
    }


# Feature names as MobilityData's report lists them: (name, file, column).
FEATURES = (
    ("Shapes", "shapes.txt", None),
    ("Frequencies", "frequencies.txt", None),
    ("Transfers", "transfers.txt", None),
    ("Fares V1", "fare_attributes.txt", None),
    ("Fare Products", "fare_products.txt", None),
    ("Pathways", "pathways.txt", None),
    ("Levels", "levels.txt", None),
    ("Translations", "translations.txt", None),
    ("Attributions", "attributions.txt", None),
    ("Feed Information", "feed_info.txt", None),
    ("Booking Rules", "booking_rules.txt", None),
    ("Location Groups", "location_groups.txt", None),
    ("Route Colors", "routes.txt", "route_color"),
    ("Headsigns", "trips.txt", "trip_headsign"),
    ("Location Types", "stops.txt", "location_type"),
    ("Text-to-Speech", "stops.txt", "tts_stop_name"),
    ("Stops Wheelchair Accessibility", "stops.txt", "wheelchair_boarding"),
    ("Trips Wheelchair Accessibility", "trips.txt", "wheelchair_accessible"),
    ("Bike Allowed", "trips.txt", "bikes_allowed"),
)


def gtfs_features(feed: Feed) -> list[str]:
    """Optional GTFS features the feed uses (a file with rows, or a column)."""
    found = []
    for name, filename, column in FEATURES:
        if feed.rows(filename) == 0:
            continue
        if column is None or feed.has_column(filename, column):
            found.append(name)
    return found


ROUTE_TYPE_NAMES = {
    0: "tram",
    1: "subway",
    2: "rail",
    3: "bus",
    4: "ferry",
    5: "cable tram",
    6: "aerial lift",
    7: "funicular",
    11: "trolleybus",
    12: "monorail",
}

SERVICE_DATES = """
WITH weekly AS (
  SELECT service_id, start_date AS a, end_date AS b,
    [monday, tuesday, wednesday, thursday, friday, saturday, sunday] AS days
  FROM calendar WHERE start_date IS NOT NULL AND end_date IS NOT NULL
    AND end_date - start_date < 36600
), expanded AS (
  SELECT service_id, days,
    CAST(unnest(generate_series(a, b, INTERVAL 1 DAY)) AS DATE) AS day
  FROM weekly
), removed AS (
  SELECT service_id, date AS day FROM calendar_dates WHERE exception_type = 2
)
SELECT DISTINCT service_id, day FROM (
  SELECT service_id, day FROM expanded WHERE days[isodow(day)] = 1
    AND (service_id, day) NOT IN (SELECT (service_id, day) FROM removed)
  UNION ALL
  SELECT service_id, date FROM calendar_dates WHERE exception_type = 1
)
"""


def service_dates_sql() -> str:
    """SQL of (service_id, day) for every active day, on a typed store."""
    return SERVICE_DATES


def feed_summary(con: Any) -> dict[str, Any]:
    """Summarise a stored feed (see :func:`fabrique.gtfs.store.open_store`).

    >>> feed_summary(open_store(Path("store/v1")))["counts"]["stops"]  # doctest: +SKIP
    5
    """
    agencies = [
        {"agency_id": a, "name": n, "url": u, "timezone": t}
        for a, n, u, t in con.execute(
            "SELECT agency_id, agency_name, agency_url, agency_timezone FROM agency"
        ).fetchall()
    ]
    routes_by_mode = [
        {"route_type": rt, "mode": ROUTE_TYPE_NAMES.get(rt, "other"), "routes": n}
        for rt, n in con.execute(
            "SELECT route_type, count(*) FROM routes GROUP BY route_type "
            "ORDER BY route_type"
        ).fetchall()
    ]
    stops_by_type = dict(
        con.execute(
            "SELECT COALESCE(location_type, 0), count(*) FROM stops GROUP BY 1"
        ).fetchall()
    )
    dates = con.execute(
        f"WITH d AS ({SERVICE_DATES}) SELECT min(day), max(day), "
        "count(DISTINCT day) FROM d WHERE service_id IN (SELECT service_id FROM trips)"
    ).fetchone()
    feed_info = con.execute(
        "SELECT feed_publisher_name, feed_publisher_url, feed_lang, "
        "feed_start_date, feed_end_date, feed_version, feed_contact_email, "
        "feed_contact_url FROM feed_info LIMIT 1"
    ).fetchone()
    info_keys = (
        "feed_publisher_name",
        "feed_publisher_url",
        "feed_lang",
        "feed_start_date",
        "feed_end_date",
        "feed_version",
        "feed_contact_email",
        "feed_contact_url",
    )
    info = (
        {
            k: v.isoformat() if hasattr(v, "isoformat") else v
            for k, v in zip(info_keys, feed_info, strict=True)
        }
        if feed_info
        else None
    )
    start, end, days = dates if dates else (None, None, 0)
    return {
        "agencies": agencies,
        "routes_by_mode": routes_by_mode,
        "counts": {
            "agencies": len(agencies),
            "routes": _one_con(con, "SELECT count(*) FROM routes"),
            "stops": stops_by_type.get(0, 0),
            "stations": stops_by_type.get(1, 0),
            "locations": sum(stops_by_type.values()),
            "trips": _one_con(con, "SELECT count(*) FROM trips"),
            "stop_times": _one_con(con, "SELECT count(*) FROM stop_times"),
            "shapes": _one_con(con, "SELECT count(DISTINCT shape_id) FROM shapes"),
        },
        "service_days": days or 0,
        "validity": {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        },
        "feed_info": info,
    }


def _one_con(con: Any, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
