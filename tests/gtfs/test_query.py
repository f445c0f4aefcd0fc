"""Queries on a stored feed: stops, routes, trips and departures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.gtfs import query
from fabrique.gtfs.store import ingest

STOPS = """\
stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station
STA,,Gare Centrale,48.8500,2.3000,1,
S1,101,Gare Centrale quai 1,48.8501,2.3001,0,STA
S5,105,Gare Centrale quai 2,48.8502,2.3002,0,STA
S2,102,Place Verte,48.8500,2.3100,0,
S3,103,Rue Haute,48.8500,2.3200,0,
S4,104,Parc Ouest,48.8500,2.3300,0,
FAR,900,Loin,45.0000,5.0000,0,
"""
TRIPS = """\
route_id,service_id,trip_id,trip_headsign,direction_id
R1,WK,T1,Parc Ouest,0
R1,WK,T2,Gare Centrale,1
R2,WE,T3,Parc Ouest,0
R1,WK,TN,Parc Ouest (nuit),0
R2,EXTRA,TX,Fête,0
R2,OLD,TO,Ancien,0
"""
CALENDAR = """\
service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
WK,1,1,1,1,1,0,0,20260101,20261231
WE,0,0,0,0,0,1,1,20260101,20261231
OLD,1,1,1,1,1,1,1,20200101,20201231
"""
CALENDAR_DATES = """\
service_id,date,exception_type
WK,20260501,2
EXTRA,20260308,1
"""
STOP_TIMES = """\
trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type
T1,08:00:00,08:00:00,S1,1,0
T1,08:03:00,08:03:30,S2,2,0
T1,08:09:00,08:09:00,S4,3,0
T2,08:30:00,08:30:00,S4,1,0
T2,08:36:00,08:36:30,S2,2,0
T2,08:39:00,08:39:00,S1,3,0
T3,10:00:00,10:00:00,S5,1,0
T3,10:03:00,10:03:00,S2,2,0
T3,10:09:00,10:09:00,S4,3,0
TN,25:00:00,25:00:00,S1,1,0
TN,25:10:00,25:10:00,S2,2,0
TN,25:20:00,25:20:00,S4,3,0
TX,12:00:00,12:00:00,S2,1,0
TX,12:05:00,12:05:00,S3,2,1
TX,12:10:00,12:10:00,S4,3,0
TO,09:00:00,09:00:00,S2,1,0
TO,09:10:00,09:10:00,S4,2,0
"""
FRIDAY = dt.date(2026, 3, 6)
SATURDAY = dt.date(2026, 3, 7)
SUNDAY = dt.date(2026, 3, 8)
MONDAY = dt.date(2026, 3, 9)


@pytest.fixture(params=["prepared", "raw"])
def feed(request, make_feed, tmp_path) -> Path:
    """The store of the fixture feed, prepared for queries or not (same answers)."""
    directory = tmp_path / "store"
    ingest(
        make_feed(
            stops=STOPS,
            trips=TRIPS,
            calendar=CALENDAR,
            calendar_dates=CALENDAR_DATES,
            stop_times=STOP_TIMES,
        ),
        directory,
    )
    if request.param == "prepared":
        query.prepare(directory)
        assert query.is_prepared(directory)
    yield directory
    query.forget(directory)


def trips_of(rows):
    return [(r["trip_id"], r["departure_time"]) for r in rows]


def test_weekday_departures_use_the_calendar(feed):
    rows = query.departures(feed, "S2", FRIDAY)
    assert trips_of(rows) == [
        ("TN", "01:10:00"),
        ("T1", "08:03:30"),
        ("T2", "08:36:30"),
    ]
    first = rows[1]
    assert first["route_short_name"] == "1"
    assert first["route_long_name"] == "Gare Centrale - Parc Ouest"
    assert first["headsign"] == "Parc Ouest"
    assert first["arrival_time"] == "08:03:00"
    assert first["departure"] == "2026-03-06T08:03:30+01:00"
    assert first["timezone"] == "Europe/Paris"
    assert first["previous_day"] is False


def test_exception_type_2_removes_a_day(feed):
    # Friday 1 May: no weekday service; only Thursday's night trip, at 01:10.
    may_day = query.departures(feed, "S2", dt.date(2026, 5, 1))
    assert trips_of(may_day) == [("TN", "01:10:00")]
    assert may_day[0]["service_date"] == "2026-04-30"
    # Saturday 2 May: Friday's night trip did not run either.
    assert "TN" not in [
        r["trip_id"] for r in query.departures(feed, "S2", dt.date(2026, 5, 2))
    ]
    assert trips_of(query.departures(feed, "S2", dt.date(2026, 5, 4)))[0][0] == "T1"


def test_exception_type_1_adds_a_day(feed):
    assert trips_of(query.departures(feed, "S2", SUNDAY)) == [
        ("T3", "10:03:00"),
        ("TX", "12:00:00"),
    ]
    assert "TX" not in [r["trip_id"] for r in query.departures(feed, "S2", SATURDAY)]


def test_inactive_service_never_departs(feed):
    for day in (FRIDAY, SATURDAY, SUNDAY, dt.date(2026, 12, 31)):
        assert "TO" not in [r["trip_id"] for r in query.departures(feed, "S2", day)]
    assert [
        r["trip_id"] for r in query.departures(feed, "S2", dt.date(2020, 6, 1))
    ] == ["TO"]


def test_times_past_midnight_appear_on_the_next_day_marked(feed):
    saturday = query.departures(feed, "S2", SATURDAY)
    night = [r for r in saturday if r["trip_id"] == "TN"]
    assert len(night) == 1
    row = night[0]
    assert row["departure_time"] == "01:10:00"
    assert row["gtfs_departure_time"] == "25:10:00"
    assert row["previous_day"] is True
    assert row["service_date"] == "2026-03-06"
    assert row["departure"] == "2026-03-07T01:10:00+01:00"
    # First on the board: 01:10 comes before the Saturday trips.
    assert saturday[0]["trip_id"] == "TN"
    # Friday's 01:10 is Thursday's trip; Monday has none (Sunday runs no
    # weekday service).
    friday = [r for r in query.departures(feed, "S2", FRIDAY) if r["trip_id"] == "TN"]
    assert [r["service_date"] for r in friday] == ["2026-03-05"]
    assert "TN" not in [r["trip_id"] for r in query.departures(feed, "S2", MONDAY)]


def test_a_parent_station_includes_its_platforms(feed):
    friday = query.departures(feed, "STA", FRIDAY)
    assert [(r["trip_id"], r["stop_id"]) for r in friday] == [
        ("TN", "S1"),
        ("T1", "S1"),
    ]
    sunday = query.departures(feed, "STA", SUNDAY)
    assert [(r["trip_id"], r["stop_id"]) for r in sunday] == [("T3", "S5")]
    # A platform alone gives only its own departures.
    assert query.departures(feed, "S5", FRIDAY) == []


def test_trips_ending_at_the_stop_and_no_pickup_are_left_out_unless_asked(feed):
    assert "T2" not in [r["trip_id"] for r in query.departures(feed, "S1", FRIDAY)]
    with_terminus = query.departures(feed, "S1", FRIDAY, include_terminus=True)
    t2 = [r for r in with_terminus if r["trip_id"] == "T2"]
    assert t2
    assert t2[0]["terminus"] is True
    assert query.departures(feed, "S3", SUNDAY) == []  # TX: pickup_type 1


def test_after_and_limit(feed):
    later = query.departures(feed, "S2", FRIDAY, after=8 * 3600 + 10 * 60)
    assert trips_of(later) == [("T2", "08:36:30")]
    assert len(query.departures(feed, "S2", FRIDAY, limit=1)) == 1
    with pytest.raises(query.QueryError):
        query.departures(feed, "S2", FRIDAY, after=25 * 3600)
    with pytest.raises(query.QueryError):
        query.departures(feed, "S2", FRIDAY, limit=0)


def test_after_applies_to_past_midnight_trips_by_their_clock_time(feed):
    late = query.departures(feed, "S2", SATURDAY, after=3600 + 15 * 60)
    assert "TN" not in [r["trip_id"] for r in late]
    early = query.departures(feed, "S2", SATURDAY, after=3600)
    assert early[0]["trip_id"] == "TN"


def test_daylight_saving_day_uses_noon_minus_twelve_hours(feed):
    # 29 March 2026: Paris moves from +01:00 to +02:00 at 02:00.
    rows = query.departures(feed, "S2", dt.date(2026, 3, 30), after=3 * 3600)
    assert rows[0]["departure"] == "2026-03-30T08:03:30+02:00"
    sunday = query.departures(feed, "S2", dt.date(2026, 3, 29))
    assert sunday[0]["departure"] == "2026-03-29T10:03:00+02:00"


def test_unknown_stop_is_not_found(feed):
    with pytest.raises(query.NotFound, match="NOPE"):
        query.departures(feed, "NOPE", FRIDAY)


def test_a_stop_id_with_a_quote_is_only_a_value(feed):
    with pytest.raises(query.NotFound):
        query.departures(feed, "S2') OR true --", FRIDAY)


def test_stops_in_bbox(feed):
    page = query.stops_in_bbox(feed, 2.2999, 48.8499, 2.3101, 48.8503)
    assert [s["stop_id"] for s in page.items] == ["S1", "S2", "S5", "STA"]
    assert page.total == 4
    assert page.items[0]["parent_station"] == "STA"
    with pytest.raises(query.QueryError, match="min"):
        query.stops_in_bbox(feed, 3, 48, 2, 49)
    with pytest.raises(query.QueryError, match="latitude"):
        query.stops_in_bbox(feed, 2, 48, 3, 91)


def test_stops_near_are_ordered_by_distance(feed):
    page = query.stops_near(feed, 48.8500, 2.3300, 800)
    assert [s["stop_id"] for s in page.items] == ["S4", "S3"]
    assert page.items[0]["distance_m"] == 0
    assert 700 < page.items[1]["distance_m"] < 760
    wide = query.stops_near(feed, 48.8500, 2.3100, 5000)
    assert "FAR" not in [s["stop_id"] for s in wide.items]
    assert wide.total == 6
    with pytest.raises(query.QueryError, match="radius"):
        query.stops_near(feed, 48.85, 2.31, 0)


def test_stop_lists_the_platforms_of_a_station(feed):
    station = query.stop(feed, "STA")
    assert [c["stop_id"] for c in station["children"]] == ["S1", "S5"]
    with pytest.raises(query.NotFound):
        query.stop(feed, "NOPE")


def test_routes_and_route(feed):
    page = query.routes(feed)
    assert [r["route_id"] for r in page.items] == ["R1", "R2"]
    r1 = query.route(feed, "R1")
    assert r1["trips"] == 3
    assert r1["agency"]["timezone"] == "Europe/Paris"
    assert {d["headsign"] for d in r1["directions"]} == {
        "Parc Ouest",
        "Gare Centrale",
        "Parc Ouest (nuit)",
    }
    with pytest.raises(query.NotFound):
        query.route(feed, "R9")


def test_trips_of_a_route_on_a_date(feed):
    friday = query.trips(feed, route_id="R1", date=FRIDAY)
    assert [t["trip_id"] for t in friday.items] == ["T1", "T2", "TN"]
    assert friday.items[0]["first_departure"] == "08:00:00"
    assert friday.items[2]["last_arrival"] == "25:20:00"
    assert query.trips(feed, route_id="R1", date=SATURDAY).total == 0
    assert query.trips(feed, date=SUNDAY).total == 2
    assert query.trips(feed).total == 6
    with pytest.raises(query.NotFound):
        query.trips(feed, route_id="R9")


def test_trip_with_its_stop_times(feed):
    found = query.trip(feed, "TN")
    assert found["route"]["route_short_name"] == "1"
    assert [s["stop_id"] for s in found["stop_times"]] == ["S1", "S2", "S4"]
    assert found["stop_times"][1]["arrival_time"] == "25:10:00"
    assert found["stop_times"][1]["stop_name"] == "Place Verte"
    with pytest.raises(query.NotFound):
        query.trip(feed, "T9")


def test_opened_stores_are_cached_and_bounded(feed, tmp_path):
    assert query.store(feed) is query.store(feed)
    for i in range(query.MAX_OPEN + 2):
        other = tmp_path / f"copy{i}"
        other.mkdir()
        for path in feed.iterdir():
            if path.is_file():
                (other / path.name).write_bytes(path.read_bytes())
        query.store(other)
    assert len(query._open) <= query.MAX_OPEN
    # Evicted, reopened: still answers.
    assert query.departures(feed, "S2", FRIDAY)


def test_a_missing_store_is_an_error(tmp_path):
    with pytest.raises(query.QueryError.__mro__[1]):
        query.store(tmp_path / "nothing")


@given(st.integers(min_value=0, max_value=47 * 3600 + 59 * 60 + 59))
def test_time_round_trip(seconds):
    assert query.parse_time(query.format_time(seconds)) == seconds


@given(st.text(max_size=12))
def test_parse_time_accepts_only_times(text):
    try:
        seconds = query.parse_time(text)
    except query.QueryError:
        return
    assert 0 <= seconds < 48 * 3600


@given(st.dates())
def test_date_round_trip(day):
    if day.year >= 1000:
        assert query.parse_date(day.isoformat()) == day
        assert query.parse_date(day.strftime("%Y%m%d")) == day


@pytest.mark.parametrize("text", ["2026-02-30", "tomorrow", "", "2026-1-1", "20261301"])
def test_bad_dates_are_refused(text):
    with pytest.raises(query.QueryError, match="date"):
        query.parse_date(text)


@pytest.mark.parametrize(
    "text", ["8", "24:60", "48:00", "-1:00", "8h30", "08:00:00:00"]
)
def test_bad_times_are_refused(text):
    with pytest.raises(query.QueryError, match="time"):
        query.parse_time(text)


def test_a_feed_larger_than_the_memory_limit_is_prepared_by_spilling(
    make_feed, tmp_path
):
    """200,000 stop times prepared in 24 MB: the sorts spill to a folder of
    the store, which is gone afterwards, and the answers match the raw
    store's."""
    trips, stop_times = (
        ["route_id,service_id,trip_id,trip_headsign"],
        ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"],
    )
    for n in range(5000):
        trips.append(f"R1,WK,trip-{n:05d},Terminus {n % 7}")
        start = 5 * 3600 + n * 11
        for k in range(40):
            clock = query.format_time(start + 90 * k)
            stop = ("S1", "S2", "S3", "S4")[k % 4]
            stop_times.append(f"trip-{n:05d},{clock},{clock},{stop},{k + 1}")
    directory = tmp_path / "store"
    ingest(
        make_feed(
            stops=STOPS,
            trips="\n".join(trips) + "\n",
            calendar=CALENDAR,
            stop_times="\n".join(stop_times) + "\n",
        ),
        directory,
    )
    raw = query.departures(directory, "S2", FRIDAY, limit=50)
    query.forget(directory)
    query.prepare(directory, memory_limit="24MB")
    assert query.is_prepared(directory)
    assert not (directory / "prepare.spill").exists()
    assert query.departures(directory, "S2", FRIDAY, limit=50) == raw
    query.forget(directory)
