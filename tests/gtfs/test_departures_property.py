"""Departure boards checked against a direct reading of the raw files.

Hypothesis writes small feeds around the night the clocks go forward in
Europe/Paris (29 March 2026): services from calendar.txt, calendar_dates.txt
or both, stop times up to three days past midnight, stations with platforms
and lone stops. For a stop and a day, the expected board is computed here
from the CSV text alone (service days, the day each time falls on, the
instant of "noon minus 12 h" plus the time) and compared with the engine's
answer, in the order of the instants, on a prepared store and on a raw
one. partridge's service-by-date reading of the same zip checks the service
days of that computation.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
import zipfile
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.gtfs import query
from fabrique.gtfs.store import ingest

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAY = 86_400
# The window of service days: the spring-forward night is 28-29 March.
FIRST = dt.date(2026, 3, 24)
DAYS = 10
WINDOW = [FIRST + dt.timedelta(days=i) for i in range(DAYS)]


@dataclass(frozen=True)
class Service:
    service_id: str
    weekly: tuple[bool, ...] | None  # None: only in calendar_dates.txt
    start: dt.date
    end: dt.date
    exceptions: tuple[tuple[dt.date, int], ...]


@dataclass(frozen=True)
class StopTime:
    trip_id: str
    stop_id: str
    sequence: int
    seconds: int
    pickup_type: int


@dataclass(frozen=True)
class Feed:
    stations: dict[str, tuple[str, ...]]  # station -> its platforms
    lone: tuple[str, ...]
    services: tuple[Service, ...]
    trips: tuple[tuple[str, str], ...]  # (trip_id, service_id)
    stop_times: tuple[StopTime, ...]

    @property
    def stops(self) -> list[str]:
        platforms = [p for members in self.stations.values() for p in members]
        return platforms + list(self.lone)


def gtfs_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def gtfs_date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


window_days = st.sampled_from(WINDOW)


@st.composite
def services(draw: st.DrawFn, service_id: str) -> Service:
    weekly = draw(st.one_of(st.none(), st.tuples(*[st.booleans()] * 7)))
    start = draw(window_days)
    end = draw(window_days.filter(lambda d: d >= start))
    exceptions = draw(
        st.lists(
            st.tuples(window_days, st.sampled_from([1, 2])),
            max_size=4,
            unique_by=lambda e: e[0],
        )
    )
    return Service(service_id, weekly, start, end, tuple(exceptions))


@st.composite
def feeds(draw: st.DrawFn) -> Feed:
    stations = {
        f"STA{i}": tuple(
            f"STA{i}P{j}" for j in range(draw(st.integers(min_value=1, max_value=3)))
        )
        for i in range(draw(st.integers(min_value=1, max_value=2)))
    }
    lone = tuple(f"L{i}" for i in range(draw(st.integers(min_value=0, max_value=2))))
    platforms = [p for members in stations.values() for p in members] + list(lone)
    service_list = tuple(
        draw(services(f"SV{i}"))
        for i in range(draw(st.integers(min_value=1, max_value=3)))
    )
    trips = []
    stop_times = []
    for t in range(draw(st.integers(min_value=1, max_value=6))):
        trip_id = f"T{t}"
        trips.append((trip_id, draw(st.sampled_from(service_list)).service_id))
        # First departure up to 80:00, the last stops up to three days on.
        seconds = draw(st.integers(min_value=0, max_value=80 * 3600))
        for sequence in range(draw(st.integers(min_value=2, max_value=4))):
            stop_times.append(
                StopTime(
                    trip_id,
                    draw(st.sampled_from(platforms)),
                    sequence * 10 + 1,
                    seconds,
                    draw(st.sampled_from([0, 0, 0, 1])),
                )
            )
            seconds += draw(st.integers(min_value=1, max_value=4 * 3600))
    return Feed(stations, lone, service_list, tuple(trips), tuple(stop_times))


def write_zip(feed: Feed, target: Path) -> Path:
    stops = ["stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station"]
    for station, members in feed.stations.items():
        stops.append(f"{station},Gare {station},48.85,2.30,1,")
        stops.extend(f"{p},Quai {p},48.85,2.30,0,{station}" for p in members)
    stops.extend(f"{s},Arrêt {s},48.86,2.31,0," for s in feed.lone)
    calendar = [
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date"
    ]
    dates = ["service_id,date,exception_type"]
    for service in feed.services:
        if service.weekly is not None:
            days = ",".join("1" if on else "0" for on in service.weekly)
            calendar.append(
                f"{service.service_id},{days},{gtfs_date(service.start)},"
                f"{gtfs_date(service.end)}"
            )
        dates.extend(
            f"{service.service_id},{gtfs_date(day)},{kind}"
            for day, kind in service.exceptions
        )
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
        "A1,Fabrique,https://transit.example.org,Europe/Paris",
        "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,A1,1,2",
        "stops.txt": "\n".join(stops),
        "trips.txt": "\n".join(
            ["route_id,service_id,trip_id"]
            + [f"R1,{service},{trip}" for trip, service in feed.trips]
        ),
        "stop_times.txt": "\n".join(
            ["trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type"]
            + [
                f"{s.trip_id},{gtfs_time(s.seconds)},{gtfs_time(s.seconds)},"
                f"{s.stop_id},{s.sequence},{s.pickup_type}"
                for s in feed.stop_times
            ]
        ),
        "calendar.txt": "\n".join(calendar),
        "calendar_dates.txt": "\n".join(dates),
    }
    with zipfile.ZipFile(target, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text + "\n")
    return target


# The expected answers, from the feed's own terms -----------------------------


def runs(service: Service, day: dt.date) -> bool:
    """Whether a service runs on ``day``: calendar, then its exceptions."""
    for exception_day, kind in service.exceptions:
        if exception_day == day:
            return kind == 1
    return (
        service.weekly is not None
        and service.start <= day <= service.end
        and service.weekly[day.weekday()]
    )


def instant(service_day: dt.date, seconds: int) -> dt.datetime:
    """Noon of the service day, local, minus 12 hours, plus the time."""
    noon = dt.datetime(
        service_day.year, service_day.month, service_day.day, 12, tzinfo=PARIS
    )
    return dt.datetime.fromtimestamp(noon.timestamp() - 43_200 + seconds, tz=PARIS)


def expected_board(
    feed: Feed, stop_id: str, day: dt.date, include_terminus: bool
) -> list[tuple[str, str, str, str]]:
    members = set(feed.stations.get(stop_id, (stop_id,)))
    service_of = dict(feed.trips)
    by_id = {s.service_id: s for s in feed.services}
    last = {}
    for s in feed.stop_times:
        last[s.trip_id] = max(last.get(s.trip_id, 0), s.sequence)
    found = []
    for s in feed.stop_times:
        if s.stop_id not in members or s.pickup_type == 1:
            continue
        if s.sequence == last[s.trip_id] and not include_terminus:
            continue
        days_before = s.seconds // DAY
        service_day = day - dt.timedelta(days=days_before)
        if not runs(by_id[service_of[s.trip_id]], service_day):
            continue
        at = instant(service_day, s.seconds)
        found.append(
            (
                at.timestamp(),
                (s.trip_id, s.stop_id, service_day.isoformat(), at.isoformat()),
            )
        )
    found.sort(key=lambda item: (item[0], item[1][0], item[1][1]))
    return [row for _, row in found]


def board(directory: Path, stop_id: str, day: dt.date, include_terminus: bool):
    rows = query.departures(
        directory, stop_id, day, limit=1000, include_terminus=include_terminus
    )
    return [
        (r["trip_id"], r["stop_id"], r["service_date"], r["departure"]) for r in rows
    ]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(feed=feeds(), include_terminus=st.booleans())
def test_departure_boards_match_the_raw_files(feed, include_terminus):
    with tempfile.TemporaryDirectory(prefix="fabrique-departures-") as work:
        folder = Path(work)
        archive = write_zip(feed, folder / "feed.zip")
        check_service_days(feed, archive)
        raw = folder / "raw"
        prepared = folder / "prepared"
        ingest(archive, raw)
        ingest(archive, prepared)
        query.prepare(prepared)
        try:
            for stop_id in [*feed.stations, *feed.stops]:
                for day in [*WINDOW, WINDOW[-1] + dt.timedelta(days=4)]:
                    expected = expected_board(feed, stop_id, day, include_terminus)
                    assert board(raw, stop_id, day, include_terminus) == expected
                    assert board(prepared, stop_id, day, include_terminus) == expected
        finally:
            query.forget(raw)
            query.forget(prepared)


def check_service_days(feed: Feed, archive: Path) -> None:
    """partridge's service days agree with :func:`runs` for used services."""
    partridge = pytest.importorskip("partridge")
    used = {service for _trip, service in feed.trips}
    if not any(
        runs(s, d) for s in feed.services for d in WINDOW if s.service_id in used
    ):
        return  # partridge refuses a feed whose trips never run
    with warnings.catch_warnings():
        # partridge 1.1 still uses pandas arguments that pandas 3 deprecates.
        warnings.simplefilter("ignore")
        by_date = partridge.read_service_ids_by_date(str(archive))
    for day in [*WINDOW, WINDOW[0] - dt.timedelta(days=1)]:
        ours = {s.service_id for s in feed.services if runs(s, day)} & used
        assert set(by_date.get(day, ())) & used == ours, day


def test_the_spring_forward_night_shortens_the_service_day():
    # On 29 March 2026 the clocks go from 02:00 to 03:00: "noon minus 12 h"
    # of the 29th is 23:00 on the 28th, so 00:30 on the 29th is 23:30 the
    # evening before, 03:30 is 03:30 (summer time), and 25:30 on the 28th
    # (noon minus 12 h: midnight) is 01:30 in winter time.
    assert instant(dt.date(2026, 3, 29), 1800).isoformat() == (
        "2026-03-28T23:30:00+01:00"
    )
    assert instant(dt.date(2026, 3, 29), 3 * 3600 + 1800).isoformat() == (
        "2026-03-29T03:30:00+02:00"
    )
    assert instant(dt.date(2026, 3, 28), 25 * 3600 + 1800).isoformat() == (
        "2026-03-29T01:30:00+01:00"
    )


def test_a_board_after_the_clock_change_is_in_the_order_of_its_instants():
    # Found by the property test: on Monday 30 March, Sunday's 25:45:49 is
    # 01:45:49 summer time, after Monday's own 00:45:49. Sunday's time
    # origin is 23:00 on the 28th, so the day before is 24 h back, not 25.
    sunday_and_monday = (True, False, False, False, False, False, True)
    service = Service("SV1", sunday_and_monday, FIRST, WINDOW[-1], ())
    feed = Feed(
        {"STA0": ("STA0P0",)},
        (),
        (service,),
        (("T0", "SV1"), ("T3", "SV1")),
        (
            StopTime("T0", "STA0P0", 1, 25 * 3600 + 2749, 0),
            StopTime("T0", "STA0P0", 11, 25 * 3600 + 2750, 0),
            StopTime("T3", "STA0P0", 1, 2749, 0),
            StopTime("T3", "STA0P0", 11, 2750, 0),
        ),
    )
    monday = dt.date(2026, 3, 30)
    assert query.day_shifts(monday, PARIS)[:2] == [0, -DAY]
    with tempfile.TemporaryDirectory(prefix="fabrique-departures-") as work:
        folder = Path(work)
        archive = write_zip(feed, folder / "feed.zip")
        raw, prepared = folder / "raw", folder / "prepared"
        ingest(archive, raw)
        ingest(archive, prepared)
        query.prepare(prepared)
        try:
            expected = expected_board(feed, "STA0", monday, True)
            assert [row[0] for row in expected] == ["T3", "T3", "T0", "T0"]
            assert board(raw, "STA0", monday, True) == expected
            assert board(prepared, "STA0", monday, True) == expected
        finally:
            query.forget(raw)
            query.forget(prepared)
