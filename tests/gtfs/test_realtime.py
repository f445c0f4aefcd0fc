"""GTFS Realtime: decoding, entities, alerts and ids checked against a store."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from google.transit import gtfs_realtime_pb2 as pb
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.cli import main
from fabrique.gtfs.realtime import check, decode, referenced_ids
from fabrique.gtfs.store import ingest
from fabrique.notices import Notices

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
STAMP = int(NOW.timestamp()) - 30


def message() -> pb.FeedMessage:
    """A feed with a trip update, a vehicle and an alert on the base feed."""
    feed = pb.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    feed.header.incrementality = pb.FeedHeader.FULL_DATASET
    feed.header.timestamp = STAMP
    update = feed.entity.add(id="tu1").trip_update
    update.trip.trip_id = "T1"
    update.trip.route_id = "R1"
    update.trip.schedule_relationship = pb.TripDescriptor.SCHEDULED
    update.timestamp = STAMP
    for seq, stop in ((1, "S1"), (2, "S2")):
        stu = update.stop_time_update.add(stop_sequence=seq, stop_id=stop)
        stu.arrival.delay = 60
    vehicle = feed.entity.add(id="v1").vehicle
    vehicle.trip.trip_id = "T2"
    vehicle.vehicle.id = "bus-7"
    vehicle.position.latitude = 48.85
    vehicle.position.longitude = 2.30
    vehicle.stop_id = "S3"
    vehicle.timestamp = STAMP
    alert = feed.entity.add(id="a1").alert
    period = alert.active_period.add(start=STAMP, end=STAMP + 3600)
    assert period.end > period.start
    alert.cause = pb.Alert.CONSTRUCTION
    alert.effect = pb.Alert.DETOUR
    alert.header_text.translation.add(text="Travaux rue Haute", language="fr")
    alert.header_text.translation.add(text="Works on High Street", language="en")
    alert.description_text.translation.add(text="Arrêt S2 non desservi", language="fr")
    alert.informed_entity.add(route_id="R1")
    alert.informed_entity.add(stop_id="S2")
    return feed


def write(tmp_path: Path, feed: pb.FeedMessage | bytes, name: str = "rt.pb") -> Path:
    path = tmp_path / name
    path.write_bytes(feed if isinstance(feed, bytes) else feed.SerializeToString())
    return path


@pytest.fixture(scope="module")
def store(gtfs_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("store") / "v1"
    ingest(gtfs_data_dir / "base", directory)
    return directory


@pytest.fixture(scope="module")
def gtfs_data_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "gtfs"


def test_decode_lists_entities_and_alerts(tmp_path):
    result = check(write(tmp_path, message()), now=NOW)
    assert result.header["gtfsRealtimeVersion"] == "2.0"
    assert result.header["incrementality"] == "FULL_DATASET"
    assert result.header["timestamp"] == datetime.fromtimestamp(STAMP, UTC).isoformat()
    assert [(e["id"], e["kind"]) for e in result.entities] == [
        ("tu1", "trip_update"),
        ("v1", "vehicle"),
        ("a1", "alert"),
    ]
    assert result.entities[0]["stopTimeUpdates"] == 2
    assert result.entities[1]["position"] == pytest.approx([2.30, 48.85])
    (alert,) = result.alerts
    assert alert["cause"] == "CONSTRUCTION"
    assert alert["effect"] == "DETOUR"
    assert alert["activePeriods"] == [
        {
            "start": datetime.fromtimestamp(STAMP, UTC).isoformat(),
            "end": datetime.fromtimestamp(STAMP + 3600, UTC).isoformat(),
        }
    ]
    assert alert["headerText"] == [
        {"language": "fr", "text": "Travaux rue Haute"},
        {"language": "en", "text": "Works on High Street"},
    ]
    assert alert["informedEntities"] == [{"routeId": "R1"}, {"stopId": "S2"}]
    assert result.notices.codes() == {"ids_not_checked"}


def test_known_ids_pass_against_the_store(tmp_path, store):
    result = check(write(tmp_path, message()), gtfs_store=store, now=NOW)
    assert result.unknown_ids == {}
    assert result.notices.codes() == set()
    assert result.checked_against == "v1"


def test_unknown_ids_are_reported(tmp_path, store):
    feed = message()
    feed.entity[0].trip_update.trip.trip_id = "T404"
    feed.entity[0].trip_update.stop_time_update[1].stop_id = "S404"
    feed.entity[2].alert.informed_entity.add(route_id="R404")
    added = feed.entity.add(id="tu2").trip_update
    added.trip.trip_id = "EXTRA"
    added.trip.schedule_relationship = pb.TripDescriptor.ADDED
    result = check(write(tmp_path, feed), gtfs_store=store, now=NOW)
    assert result.unknown_ids == {
        "trip_id": ["T404"],
        "stop_id": ["S404"],
        "route_id": ["R404"],
    }
    samples = result.notices.groups["unknown_stop_id"].samples
    assert samples == [
        {
            "filename": "rt.pb",
            "path": "entity[0].trip_update.stop_time_update[1]",
            "value": "S404",
        }
    ]
    # an ADDED trip is not expected in the schedule
    assert "EXTRA" not in referenced_ids(feed)["trip_id"]


def test_a_folder_that_is_not_a_store(tmp_path):
    result = check(write(tmp_path, message()), gtfs_store=tmp_path, now=NOW)
    assert result.notices.count("gtfs_store_unreadable") == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            lambda f: f.entity[2].alert.ClearField("informed_entity"),
            "alert_without_informed_entity",
        ),
        (
            lambda f: f.entity[2].alert.ClearField("header_text"),
            "alert_without_header_text",
        ),
        (
            lambda f: setattr(f.entity[2].alert.active_period[0], "end", STAMP - 10),
            "active_period_end_before_start",
        ),
        (lambda f: setattr(f.header, "timestamp", STAMP * 1000), "invalid_timestamp"),
        (
            lambda f: setattr(f.header, "timestamp", STAMP + 86_400),
            "timestamp_in_future",
        ),
        (lambda f: f.header.ClearField("timestamp"), "missing_header_timestamp"),
        (
            lambda f: setattr(f.header, "gtfs_realtime_version", "9"),
            "unknown_gtfs_realtime_version",
        ),
        (lambda f: setattr(f.entity[1], "id", "tu1"), "duplicate_entity_id"),
        (lambda f: f.entity.add(id="empty"), "entity_without_content"),
        (
            lambda f: setattr(f.entity[1].vehicle.position, "latitude", 123.0),
            "number_out_of_range",
        ),
        (
            lambda f: setattr(
                f.entity[0].trip_update.stop_time_update[1], "stop_sequence", 1
            ),
            "stop_sequence_not_increasing",
        ),
        (
            lambda f: f.entity[2].alert.informed_entity.add(),
            "informed_entity_without_selector",
        ),
    ],
)
def test_each_problem_has_its_notice(tmp_path, change, code):
    feed = message()
    change(feed)
    result = check(write(tmp_path, feed), now=NOW)
    assert code in result.notices.codes()


def test_garbage_is_refused_with_a_clear_notice(tmp_path):
    for name, data in (
        ("random.pb", os.urandom(4096)),
        ("truncated.pb", message().SerializeToString()[:-7]),
        ("empty.pb", b""),
        ("html.pb", b"<html><body>502 Bad Gateway</body></html>"),
    ):
        result = check(write(tmp_path, data, name), now=NOW)
        group = result.notices.groups["protobuf_decode_failed"]
        assert "not a GTFS Realtime FeedMessage" in group.samples[0]["message"]
        assert result.entities == []
        json.dumps(result.report())


def test_a_file_above_the_cap(tmp_path):
    path = write(tmp_path, message())
    result = check(path, now=NOW, max_bytes=10)
    assert result.notices.count("file_too_large") == 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_any_bytes_decode_or_give_a_notice(data):
    notices = Notices()
    decoded = decode(data, notices)
    assert (decoded is None) == (notices.count("protobuf_decode_failed") == 1)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=64))
def test_any_prefix_of_a_valid_message_is_handled(cut):
    data = message().SerializeToString()
    notices = Notices()
    decoded = decode(data[: len(cut) % (len(data) + 1)], notices)
    assert decoded is not None or notices.count("protobuf_decode_failed") == 1


def test_real_brest_alerts(shared_data):
    result = check(shared_data / "gtfs-rt" / "bibus-brest-gtfs-rt-alerts.pb", now=NOW)
    assert result.header["gtfsRealtimeVersion"] == "2.0"
    assert len(result.alerts) == 12
    assert {a["effect"] for a in result.alerts} >= {"DETOUR"}
    assert all(a["activePeriods"] for a in result.alerts)
    assert result.alerts[0]["informedEntities"] == [{"routeId": "45"}]


def test_cli(tmp_path, store):
    path = write(tmp_path, message())
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["gtfs", "rt", str(path), "--gtfs", str(store), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "alert CONSTRUCTION/DETOUR: Travaux rue Haute" in result.output
    assert json.loads(out.read_text())["summary"]["alertCount"] == 1
    feed = message()
    feed.entity[0].trip_update.trip.trip_id = "T404"
    bad = write(tmp_path, feed, "bad.pb")
    result = CliRunner().invoke(main, ["gtfs", "rt", str(bad), "--gtfs", str(store)])
    assert result.exit_code == 1
    assert "unknown trip_id: T404" in result.output


def test_the_summary_lists_trip_updates_and_vehicles(tmp_path):
    summary = check(write(tmp_path, message()), now=NOW).summary()
    assert [(e["id"], e["kind"]) for e in summary["entityList"]] == [
        ("tu1", "trip_update"),
        ("v1", "vehicle"),
    ]
    assert summary["entityList"][0]["trip"] == {
        "tripId": "T1",
        "routeId": "R1",
        "scheduleRelationship": "SCHEDULED",
    }
