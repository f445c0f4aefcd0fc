"""Each GTFS Realtime rule of the registry, triggered by a small change."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2
from google.transit import gtfs_realtime_pb2 as pb
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.gtfs.realtime import check, check_bytes
from fabrique.gtfs.realtime_rules import RULES, render_markdown
from fabrique.gtfs.store import ingest

from .test_realtime import NOW, STAMP, message

DOC = Path(__file__).resolve().parents[2] / "docs" / "gtfs-rt" / "rules.md"
BASE = Path(__file__).resolve().parents[1] / "data" / "gtfs" / "base"
TD = pb.TripDescriptor
STU = pb.TripUpdate.StopTimeUpdate
# 1 March 2026, midnight in Paris.
MIDNIGHT = int(datetime(2026, 2, 28, 23, tzinfo=UTC).timestamp())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base feed plus a loop trip T4 and frequencies for T2 and T3."""
    source = tmp_path_factory.mktemp("feed") / "feed"
    shutil.copytree(BASE, source)
    with (source / "trips.txt").open("a") as trips:
        trips.write("R1,WK,T4,Boucle,0,,SH1,1,1\n")
    with (source / "stop_times.txt").open("a") as times:
        times.write(
            "T4,09:00:00,09:00:00,S1,1,0,0,0,1\n"
            "T4,09:03:00,09:03:00,S2,2,0,0,730,1\n"
            "T4,09:06:00,09:06:00,S1,3,0,0,1460,1\n"
        )
    (source / "frequencies.txt").write_text(
        "trip_id,start_time,end_time,headway_secs,exact_times\n"
        "T2,08:00:00,10:00:00,600,1\n"
        "T3,10:00:00,12:00:00,900,0\n"
    )
    directory = tmp_path_factory.mktemp("store") / "v1"
    ingest(source, directory)
    return directory


def frequency_update(
    feed: pb.FeedMessage, trip_id: str = "T3", start: str = "10:15:00"
) -> pb.TripUpdate:
    """A clean update of a frequency-based trip instance."""
    update = feed.entity.add(id=f"f-{trip_id}").trip_update
    update.trip.trip_id = trip_id
    update.trip.start_date = "20260301"
    update.trip.start_time = start
    if trip_id == "T3":
        update.trip.schedule_relationship = TD.UNSCHEDULED
    else:
        update.trip.schedule_relationship = TD.SCHEDULED
    update.vehicle.id = "bus-9"
    update.timestamp = STAMP
    second = "S2" if trip_id == "T3" else "S3"
    stu = update.stop_time_update.add(stop_sequence=2, stop_id=second)
    stu.arrival.time = STAMP + 120
    return update


def stu(feed: pb.FeedMessage, index: int) -> STU:
    return feed.entity[0].trip_update.stop_time_update[index]


def set_times(feed: pb.FeedMessage, *pairs: tuple[int, str, int]) -> None:
    for index, name, value in pairs:
        event = getattr(stu(feed, index), name)
        event.ClearField("delay")
        event.time = value


Change = Callable[[pb.FeedMessage], object]

MESSAGE_ONLY: list[tuple[str, Change]] = [
    ("missing_incrementality", lambda f: f.header.ClearField("incrementality")),
    ("stale_feed", lambda f: setattr(f.header, "timestamp", STAMP - 600)),
    (
        "timestamp_after_header",
        lambda f: setattr(f.entity[0].trip_update, "timestamp", STAMP + 10),
    ),
    (
        "missing_entity_timestamp",
        lambda f: f.entity[0].trip_update.ClearField("timestamp"),
    ),
    (
        "deleted_entity_in_full_dataset",
        lambda f: f.entity.add(id="gone", is_deleted=True),
    ),
    ("repeated_stop_sequence", lambda f: setattr(stu(f, 1), "stop_sequence", 1)),
    ("repeated_stop_id", lambda f: setattr(stu(f, 1), "stop_id", "S1")),
    (
        "trip_update_without_stop_time_updates",
        lambda f: f.entity[0].trip_update.ClearField("stop_time_update"),
    ),
    (
        "no_data_with_times",
        lambda f: setattr(stu(f, 0), "schedule_relationship", STU.NO_DATA),
    ),
    ("stop_time_update_without_times", lambda f: stu(f, 0).ClearField("arrival")),
    (
        "stop_time_event_without_delay_or_time",
        lambda f: (
            stu(f, 0).ClearField("arrival"),
            setattr(stu(f, 0).arrival, "uncertainty", 30),
        ),
    ),
    (
        "times_not_increasing",
        lambda f: set_times(f, (0, "arrival", STAMP + 600), (1, "arrival", STAMP)),
    ),
    (
        "departure_before_arrival",
        lambda f: set_times(
            f, (0, "arrival", STAMP + 600), (0, "departure", STAMP + 500)
        ),
    ),
    (
        "invalid_start_time",
        lambda f: setattr(f.entity[0].trip_update.trip, "start_time", "8:00"),
    ),
    (
        "invalid_start_date",
        lambda f: setattr(f.entity[0].trip_update.trip, "start_date", "2026-03-01"),
    ),
    (
        "trip_update_without_trip_id",
        lambda f: f.entity[0].trip_update.trip.ClearField("trip_id"),
    ),
    (
        "missing_schedule_relationship",
        lambda f: f.entity[0].trip_update.trip.ClearField("schedule_relationship"),
    ),
    (
        "invalid_vehicle_bearing",
        lambda f: setattr(f.entity[1].vehicle.position, "bearing", 400),
    ),
    ("missing_vehicle_id", lambda f: f.entity[1].vehicle.ClearField("vehicle")),
    (
        "unrealistic_vehicle_speed",
        lambda f: setattr(f.entity[1].vehicle.position, "speed", 60),
    ),
    (
        "duplicate_vehicle_id",
        lambda f: f.entity.add(id="v2").vehicle.CopyFrom(f.entity[1].vehicle),
    ),
    (
        "alert_route_mismatch",
        lambda f: f.entity[2].alert.informed_entity.add(
            route_id="R1", trip=TD(trip_id="T3", route_id="R2")
        ),
    ),
]

AGAINST_SCHEDULE: list[tuple[str, Change]] = [
    (
        "unknown_agency_id",
        lambda f: f.entity[2].alert.informed_entity.add(agency_id="A404"),
    ),
    ("stop_not_a_stop_point", lambda f: setattr(f.entity[1].vehicle, "stop_id", "STA")),
    (
        "added_trip_in_schedule",
        lambda f: f.entity.add(id="x").trip_update.trip.CopyFrom(
            TD(trip_id="T3", schedule_relationship=TD.ADDED)
        ),
    ),
    (
        "trip_route_mismatch",
        lambda f: setattr(f.entity[0].trip_update.trip, "route_id", "R2"),
    ),
    (
        "alert_trip_route_mismatch",
        lambda f: f.entity[2].alert.informed_entity.add(
            route_id="R2", trip=TD(trip_id="T1")
        ),
    ),
    (
        "direction_id_mismatch",
        lambda f: setattr(f.entity[0].trip_update.trip, "direction_id", 1),
    ),
    (
        "start_time_not_first_arrival",
        lambda f: setattr(f.entity[0].trip_update.trip, "start_time", "08:05:00"),
    ),
    (
        "stop_sequence_missing_for_loop",
        lambda f: f.entity.add(id="loop").trip_update.CopyFrom(
            pb.TripUpdate(
                trip=TD(trip_id="T4", schedule_relationship=TD.SCHEDULED),
                timestamp=STAMP,
                stop_time_update=[
                    STU(stop_id="S1", arrival=pb.TripUpdate.StopTimeEvent(delay=0))
                ],
            )
        ),
    ),
    (
        "stop_sequence_stop_id_mismatch",
        lambda f: setattr(stu(f, 1), "stop_id", "S3"),
    ),
    ("unknown_stop_sequence", lambda f: setattr(stu(f, 1), "stop_sequence", 9)),
    (
        "frequency_trip_incomplete",
        lambda f: frequency_update(f).trip.ClearField("start_time"),
    ),
    (
        "frequency_trip_scheduled",
        lambda f: setattr(frequency_update(f).trip, "schedule_relationship", 0),
    ),
    (
        "frequency_trip_without_vehicle_id",
        lambda f: frequency_update(f).ClearField("vehicle"),
    ),
    (
        "frequency_trip_with_delay",
        lambda f: setattr(frequency_update(f).stop_time_update[0].arrival, "delay", 60),
    ),
    (
        "exact_times_trip_incomplete",
        lambda f: frequency_update(f, "T2", "08:10:00").trip.ClearField("start_date"),
    ),
    (
        "frequency_start_time_not_on_headway",
        lambda f: frequency_update(f, "T2", "08:05:00"),
    ),
    (
        "frequency_start_time_outside_window",
        lambda f: frequency_update(f, "T2", "11:00:00"),
    ),
]


@pytest.mark.parametrize(("code", "change"), MESSAGE_ONLY)
def test_a_message_only_rule_fires_on_its_fixture(code, change):
    feed = message()
    change(feed)
    result = check_bytes(feed.SerializeToString(), now=NOW)
    assert code in result.notices.codes()
    assert result.notices.groups[code].severity == RULES[code].severity


@pytest.mark.parametrize(("code", "change"), AGAINST_SCHEDULE)
def test_a_schedule_rule_fires_on_its_fixture(code, change, store):
    feed = message()
    change(feed)
    result = check_bytes(feed.SerializeToString(), gtfs_store=store, now=NOW)
    assert code in result.notices.codes()


def test_the_clean_message_and_clean_frequency_trips_pass(store):
    feed = message()
    frequency_update(feed)
    frequency_update(feed, "T2", "08:20:00")
    result = check_bytes(feed.SerializeToString(), gtfs_store=store, now=NOW)
    assert result.notices.codes() == set()


def later(feed: pb.FeedMessage, seconds: int) -> pb.FeedMessage:
    copy = pb.FeedMessage()
    copy.CopyFrom(feed)
    copy.header.timestamp += seconds
    return copy


def test_rules_between_two_fetches(store):
    first = message()
    frequency_update(first)
    before = check_bytes(first.SerializeToString(), gtfs_store=store, now=NOW)

    def codes(feed: pb.FeedMessage) -> set[str]:
        return check_bytes(
            feed.SerializeToString(),
            gtfs_store=store,
            now=NOW,
            previous=before.memory,
        ).notices.codes()

    assert codes(later(first, 20)) == set()
    assert "header_timestamp_decreased" in codes(later(first, -20))
    changed = later(first, 0)
    changed.entity[0].trip_update.stop_time_update[0].arrival.delay = 240
    assert "same_timestamp_changed_content" in codes(changed)
    assert "slow_refresh" in codes(later(first, 120))
    jumped = later(first, 10)
    jumped.entity[1].vehicle.timestamp = STAMP + 10
    jumped.entity[1].vehicle.position.latitude += 0.5  # 55 km in 10 s
    assert "vehicle_jump" in codes(jumped)
    restarted = later(first, 10)
    restarted.entity[3].trip_update.trip.start_time = "10:16:00"
    assert "frequency_start_time_changed" in codes(restarted)


def test_another_protobuf_is_not_taken_for_gtfs_realtime():
    other = descriptor_pb2.FileDescriptorProto(name="x.proto", package="y")
    result = check_bytes(other.SerializeToString(), now=NOW)
    assert result.notices.codes() == {"protobuf_decode_failed"}


def test_a_body_above_the_cap_is_not_decoded():
    result = check_bytes(message().SerializeToString(), now=NOW, max_bytes=8)
    assert result.notices.codes() == {"file_too_large"}
    assert result.memory == {}


def test_a_missing_file_is_unreadable(tmp_path):
    assert check(tmp_path / "absent.pb").notices.codes() == {"file_unreadable"}


def test_delays_per_route_and_stop_from_delay_and_from_time(store):
    feed = message()
    feed.entity[0].trip_update.trip.start_date = "20260301"
    # S1 at 08:00 in Paris, announced two minutes late as an absolute time.
    set_times(feed, (0, "arrival", MIDNIGHT + 8 * 3600 + 120))
    result = check_bytes(feed.SerializeToString(), gtfs_store=store, now=NOW)
    by_stop = {row["id"]: row for row in result.delays["byStop"]}
    assert by_stop["S1"]["meanSeconds"] == 120
    assert by_stop["S2"]["meanSeconds"] == 60
    (route,) = result.delays["byRoute"]
    assert route == {"id": "R1", "count": 2, "meanSeconds": 90, "maxSeconds": 120}
    assert result.report()["summary"]["delays"] == result.delays


# Rules whose fixtures live in other tests (file, store and fetch problems).
ELSEWHERE = {
    "protobuf_decode_failed",
    "file_too_large",
    "file_unreadable",
    "fetch_failed",
    "ids_not_checked",
    "gtfs_store_unreadable",
    "header_timestamp_decreased",
    "same_timestamp_changed_content",
    "slow_refresh",
    "vehicle_jump",
    "frequency_start_time_changed",
    # tests/gtfs/test_realtime.py
    "unknown_gtfs_realtime_version",
    "missing_header_timestamp",
    "timestamp_in_future",
    "invalid_timestamp",
    "duplicate_entity_id",
    "entity_without_content",
    "stop_sequence_not_increasing",
    "stop_time_update_without_stop",
    "number_out_of_range",
    "alert_without_informed_entity",
    "informed_entity_without_selector",
    "alert_without_header_text",
    "active_period_end_before_start",
    "unknown_trip_id",
    "unknown_route_id",
    "unknown_stop_id",
}


def test_every_registered_rule_has_a_fixture():
    covered = {code for code, _ in MESSAGE_ONLY + AGAINST_SCHEDULE} | ELSEWHERE
    assert set(RULES) == covered


def test_the_committed_catalogue_matches_the_registry():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/gtfs-rt/rules.md is stale: run "
        "`python -m fabrique.gtfs.realtime_rules > docs/gtfs-rt/rules.md`"
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**63 - 1),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
)
def test_odd_values_give_notices_never_a_crash(store, stamp, text, number):
    feed = message()
    feed.header.timestamp = stamp
    trip = feed.entity[0].trip_update.trip
    trip.start_date, trip.start_time = text, text
    stu(feed, 0).arrival.time = stamp
    feed.entity[1].vehicle.position.bearing = number
    feed.entity[1].vehicle.position.speed = number
    result = check_bytes(feed.SerializeToString(), gtfs_store=store, now=NOW)
    result.report()
