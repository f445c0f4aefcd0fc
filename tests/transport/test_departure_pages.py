"""Departures a page at a time: walking the pages forward and back gives the
day's whole list, once each, in order — on real feeds."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from fabrique.gtfs import query
from fabrique.gtfs.store import ingest
from fabrique.transport import departures

FEEDS = ("cairns.zip", "annarbor.zip")


@pytest.fixture(scope="module", params=FEEDS)
def store(request, shared_data, tmp_path_factory):
    path = shared_data / "gtfs" / request.param
    if not path.is_file():
        pytest.skip(f"{request.param} not found in the shared data folder")
    directory = tmp_path_factory.mktemp("pages") / "store"
    ingest(path, directory)
    query.prepare(directory)
    yield directory
    query.forget(directory)


def busy_stops(directory, count):
    """(stop_id, day) pairs with many departures, some at equal times."""
    with query.store(directory).cursor() as cur:
        rows = cur.execute(
            "SELECT d.stop_id, min(s.day), count(*) AS n FROM q_departures d "
            "JOIN q_service_days s USING (service_id) WHERE NOT terminus "
            "GROUP BY d.stop_id ORDER BY n DESC, d.stop_id LIMIT ?",
            [count],
        ).fetchall()
    return [(stop_id, day) for stop_id, day, _n in rows]


def key(row):
    return (row["trip_id"], row["stop_id"], row["stop_sequence"], row["service_date"])


def test_walking_the_pages_forward_gives_the_whole_day(store):
    for stop_id, day in busy_stops(store, 4):
        everything = query.departures(store, stop_id, day, limit=query.MAX_LIMIT)
        assert everything, stop_id
        limit = random.Random(stop_id).choice([2, 3, 7])
        seen, after, skip, pages = [], 0, 0, 0
        while True:
            page = departures.page(
                store, stop_id, day, after=after, skip=skip, limit=limit
            )
            seen.extend(page.rows)
            pages += 1
            if page.next is None:
                break
            after, skip = page.next
            assert pages < 2000
        assert [key(r) for r in seen] == [key(r) for r in everything]
        assert len({key(r) for r in seen}) == len(seen)


def test_the_previous_page_is_the_one_before(store):
    for stop_id, day in busy_stops(store, 3):
        limit = 5
        positions = [(0, 0)]
        pages = []
        while len(pages) < 6:
            after, skip = positions[-1]
            page = departures.page(
                store,
                stop_id,
                day,
                after=after,
                skip=skip,
                limit=limit,
                with_previous=True,
            )
            pages.append(page)
            if page.next is None:
                break
            positions.append(page.next)
        assert pages[0].previous is None
        for earlier, later in itertools.pairwise(pages):
            assert later.previous is not None
            back = departures.page(
                store,
                stop_id,
                day,
                after=later.previous[0],
                skip=later.previous[1],
                limit=limit,
            )
            assert [key(r) for r in back.rows] == [key(r) for r in earlier.rows]


def test_the_previous_page_in_the_afternoon(store):
    """Far from midnight the previous page is read from a window before it."""
    for stop_id, day in busy_stops(store, 3):
        first = departures.page(store, stop_id, day, after=15 * 3600, limit=4)
        if first.next is None:
            continue
        second = departures.page(
            store,
            stop_id,
            day,
            after=first.next[0],
            skip=first.next[1],
            limit=4,
            with_previous=True,
        )
        assert second.previous is not None
        back = departures.page(
            store,
            stop_id,
            day,
            after=second.previous[0],
            skip=second.previous[1],
            limit=4,
        )
        assert [key(r) for r in back.rows] == [key(r) for r in first.rows]


def test_a_platform_reads_as_its_code_or_name(store):
    with query.store(store).cursor() as cur:
        row = cur.execute(
            "SELECT parent_station FROM stops WHERE parent_station IS NOT NULL "
            "AND parent_station <> '' LIMIT 1"
        ).fetchone()
    if row is None:
        stop_id = busy_stops(store, 1)[0][0]
        names = departures.platforms(store, stop_id)
        assert set(names) == {stop_id}
        return
    names = departures.platforms(store, row[0])
    stop = query.stop(store, row[0])
    for child in stop["children"]:
        label = names[child["stop_id"]]
        if child["platform_code"]:
            assert label == child["platform_code"]
        elif child["stop_name"] and child["stop_name"] != stop["stop_name"]:
            assert label
            assert label in child["stop_name"]
        else:
            assert label == ""


def test_effective_seconds_of_a_trip_of_the_day_before():
    row = {"gtfs_departure_time": "25:10:00", "service_date": "2026-03-01"}
    assert departures.effective_seconds(row, dt.date(2026, 3, 2)) == 4200
    row = {"gtfs_departure_time": "07:05:30", "service_date": "2026-03-02"}
    assert departures.effective_seconds(row, dt.date(2026, 3, 2)) == 25530
