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
    }
