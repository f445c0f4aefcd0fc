"""Departures of real feeds against a plain-Python reading of their files.

The oracle below reads calendar.txt, calendar_dates.txt, trips.txt, stops.txt
and stop_times.txt with the csv module and applies the GTFS rules directly;
the engine's answers (prepared store, and the same store unprepared) must be
the same for seeded random stops and dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from fabrique.gtfs import query
from fabrique.gtfs.store import ingest

FEEDS = ("cairns.zip", "annarbor.zip")
DAY = 86_400


def seconds(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    h, m, s = (int(part) for part in text.split(":"))
    return h * 3600 + m * 60 + s


class Oracle:
    """The GTFS rules applied by hand to the feed's text files."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())

            def rows(name: str) -> list[dict[str, str]]:
                if name not in names:
                    return []
                with archive.open(name) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                    return [
                        {k.strip(): (v or "").strip() for k, v in row.items() if k}
                        for row in csv.DictReader(text)
                    ]

            self.calendar = rows("calendar.txt")
            self.dates = rows("calendar_dates.txt")
            self.trips = {t["trip_id"]: t for t in rows("trips.txt")}
            stops = rows("stops.txt")
            stop_times = rows("stop_times.txt")
        self.children: dict[str, set[str]] = defaultdict(set)
        for stop in stops:
            self.children[stop["stop_id"]].add(stop["stop_id"])
            if stop.get("parent_station"):
                self.children[stop["parent_station"]].add(stop["stop_id"])
        last: dict[str, int] = {}
        for st in stop_times:
            sequence = int(st["stop_sequence"])
            last[st["trip_id"]] = max(last.get(st["trip_id"], sequence), sequence)
        self.at_stop: dict[str, list[dict[str, str]]] = defaultdict(list)
        for st in stop_times:
            if int(st["stop_sequence"]) == last[st["trip_id"]]:
                continue  # the trip ends here: no departure
            if st.get("pickup_type") == "1":
                continue
            self.at_stop[st["stop_id"]].append(st)

    def active(self, day: dt.date) -> set[str]:
        weekday = day.strftime("%A").lower()
        stamp = day.strftime("%Y%m%d")
        services = {
            c["service_id"]
            for c in self.calendar
            if c["start_date"] <= stamp <= c["end_date"] and c[weekday] == "1"
        }
        for d in self.dates:
            if d["date"] == stamp:
                if d["exception_type"] == "1":
                    services.add(d["service_id"])
                elif d["exception_type"] == "2":
                    services.discard(d["service_id"])
        return services

    def departures(self, stop_id: str, day: dt.date) -> list[tuple[str, int, bool]]:
        today, yesterday = self.active(day), self.active(day - dt.timedelta(days=1))
        found = []
        for stop in self.children[stop_id]:
            for st in self.at_stop[stop]:
                t = seconds(st["departure_time"])
                if t is None:
                    t = seconds(st["arrival_time"])
                if t is None:
                    continue
                service = self.trips[st["trip_id"]]["service_id"]
                if service in today and t < DAY:
                    found.append((st["trip_id"], t, False))
                if service in yesterday and t >= DAY:
                    found.append((st["trip_id"], t - DAY, True))
        return sorted(found, key=lambda x: (x[1], x[0]))


@pytest.fixture(scope="module", params=FEEDS)
def feed(request, shared_data, tmp_path_factory):
    path = shared_data / "gtfs" / request.param
    if not path.is_file():
        pytest.skip(f"{request.param} not found in the shared data folder")
    store = tmp_path_factory.mktemp("departures") / "store"
    ingest(path, store)
    query.prepare(store)
    yield path, store, Oracle(path)
    query.forget(store)


def sample(oracle: Oracle, count: int, seed: int) -> list[tuple[str, dt.date]]:
    rng = random.Random(seed)
    stops = sorted(s for s in oracle.at_stop if oracle.at_stop[s])
    stations = sorted(s for s, kids in oracle.children.items() if len(kids) > 1)
    starts = [c["start_date"] for c in oracle.calendar] + [
        d["date"] for d in oracle.dates
    ]
    first = dt.datetime.strptime(min(starts), "%Y%m%d").date()
    pairs = []
    for _ in range(count):
        stop = rng.choice(stations) if stations and rng.random() < 0.3 else None
        day = first + dt.timedelta(days=rng.randint(0, 60))
        pairs.append((stop or rng.choice(stops), day))
    return pairs


def engine_answer(store: Path, stop_id: str, day: dt.date):
    rows = query.departures(store, stop_id, day, limit=query.MAX_LIMIT)
    return sorted(
        (
            r["trip_id"],
            query.parse_time(r["gtfs_departure_time"])
            - (DAY if r["previous_day"] else 0),
            r["previous_day"],
        )
        for r in rows
    )


def test_departures_agree_with_the_plain_reading(feed):
    _path, store, oracle = feed
    compared = nonempty = 0
    for stop_id, day in sample(oracle, 60, seed=7):
        expected = oracle.departures(stop_id, day)
        if len(expected) > query.MAX_LIMIT:
            continue
        assert engine_answer(store, stop_id, day) == sorted(expected), (stop_id, day)
        compared += 1
        nonempty += bool(expected)
    assert compared >= 50
    assert nonempty >= 10, "the sample should hit running days"


def test_an_unprepared_store_gives_the_same_answers(feed, tmp_path):
    _path, store, oracle = feed
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in store.iterdir():
        if path.suffix in (".parquet", ".json"):
            (raw / path.name).symlink_to(path)
    assert not query.is_prepared(raw)
    try:
        for stop_id, day in sample(oracle, 10, seed=11):
            assert engine_answer(raw, stop_id, day) == engine_answer(
                store, stop_id, day
            )
    finally:
        query.forget(raw)


def test_departures_are_in_time_order_and_within_the_day(feed):
    _path, store, oracle = feed
    for stop_id, day in sample(oracle, 20, seed=3):
        rows = query.departures(store, stop_id, day, limit=50)
        instants = [dt.datetime.fromisoformat(r["departure"]) for r in rows]
        assert instants == sorted(instants)
        for row, instant in zip(rows, instants, strict=True):
            assert instant.date() == day or row["previous_day"]
            if row["previous_day"]:
                assert query.parse_time(row["gtfs_departure_time"]) >= DAY
