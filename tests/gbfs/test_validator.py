"""The GBFS checks: each notice triggered by a small change to a valid feed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fabrique.gbfs import validate
from fabrique.notices import Severity
from tests.gbfs.conftest import NOW, edit


def codes(folder: Path) -> dict[str, int]:
    result = validate(folder, now=NOW)
    return {g.code: g.total for g in result.notices.sorted_groups()}


@pytest.mark.parametrize("name", ["v1_0", "v2_3", "v3_0"])
def test_the_fixture_feeds_are_valid(gbfs_data, name):
    result = validate(gbfs_data / name, now=NOW)
    assert result.notices.groups == {}
    assert result.version == name[1:].replace("_", ".")


def test_summary_of_a_station_and_free_floating_feed(gbfs_data):
    summary = validate(gbfs_data / "v2_3", now=NOW).summary
    assert summary["system"]["name"] == "Vélo Exemple"
    assert summary["stations"] == 3
    assert summary["stationsInstalled"] == 2
    assert summary["stationsRenting"] == 1
    assert summary["docksAvailable"] == 32
    assert summary["vehiclesAvailableAtStations"] == 7
    assert summary["vehicles"] == 4
    assert summary["freeFloatingVehicles"] == 3
    assert summary["freeFloatingAvailable"] == 1  # one reserved, one disabled
    assert summary["vehiclesReserved"] == summary["vehiclesDisabled"] == 1
    by_id = {t["id"]: t for t in summary["vehicleTypes"]}
    assert by_id["trott"]["vehicles"] == 2
    assert by_id["trott"]["form_factor"] == "scooter_standing"
    assert summary["bbox"] == pytest.approx([2.33, 48.8443, 2.3744, 48.861])
    assert summary["files"]["station_status"]["lastUpdated"].startswith("2026-01-01")


def test_version_3_reads_localized_names_and_vehicle_status(gbfs_data):
    result = validate(gbfs_data / "v3_0", now=NOW)
    assert result.summary["system"]["name"] == "Trottinettes Trois"
    assert result.stations[0]["name"] == "Hub Nord"
    assert {v["id"] for v in result.vehicles} == {"v1", "v2"}
    features = result.geojson()["features"]
    # v2 is parked at the hub without coordinates: not on the map.
    assert [f["properties"]["id"] for f in features] == ["hub", "v1"]


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[int(last) if last.isdigit() else last]

    return change


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return change


BIKE = {"bike_id": "b9", "is_reserved": False, "is_disabled": False}
CASES = [
    # (feed, file, change, code, expected sample subset)
    (
        "v2_3",
        "station_information",
        _drop("data.stations.0.lat"),
        "missing_required_field",
        {"path": "data.stations[0].lat"},
    ),
    (
        "v2_3",
        "system_information",
        _drop("data.timezone"),
        "missing_required_field",
        {"path": "data.timezone"},
    ),
    (
        "v2_3",
        "station_status",
        _drop("version"),
        "missing_required_field",
        {"path": "version"},
    ),
    (
        "v2_3",
        "station_information",
        _set("data.stations.0.station_id", 7),
        "invalid_field_type",
        {"expected": "ID (a non-empty string)", "value": 7},
    ),
    (
        "v2_3",
        "station_status",
        _set("data.stations.0.is_renting", 1),
        "invalid_field_type",
        {"expected": "true or false"},
    ),
    (
        "v1_0",
        "station_status",
        _set("data.stations.0.is_renting", True),
        "invalid_field_type",
        {"expected": "0 or 1 (booleans are 1/0 before 2.0)"},
    ),
    (
        "v3_0",
        "station_information",
        _set("data.stations.0.name", "Hub"),
        "invalid_field_type",
        {"path": "data.stations[0].name"},
    ),
    (
        "v3_0",
        "station_status",
        _set("data.stations.0.last_reported", 1767225600),
        "invalid_field_type",
        {"expected": "RFC 3339 timestamp"},
    ),
    ("v2_3", "station_status", _set("ttl", -5), "invalid_field_type", {"path": "ttl"}),
    (
        "v2_3",
        "station_status",
        _set("data.stations", {"st1": {}}),
        "invalid_field_type",
        {"path": "data.stations", "expected": "array"},
    ),
    (
        "v2_3",
        "vehicle_types",
        _set("data.vehicle_types.0.form_factor", "hoverboard"),
        "invalid_enum_value",
        {"value": "hoverboard"},
    ),
    (
        "v2_3",
        "station_information",
        _set("data.stations.0.rental_methods", ["CASH"]),
        "invalid_enum_value",
        {"path": "data.stations[0].rental_methods[0]"},
    ),
    (
        "v2_3",
        "station_information",
        _set("data.stations.1.lat", 95.0),
        "number_out_of_range",
        {"path": "data.stations[1].lat"},
    ),
    (
        "v2_3",
        "system_information",
        _set("data.timezone", "Europe/Lutece"),
        "invalid_timezone",
        {"value": "Europe/Lutece"},
    ),
    (
        "v2_3",
        "station_status",
        _set("data.stations.1.station_id", "st1"),
        "duplicate_key",
        {"value": "st1", "firstIndex": 0},
    ),
    (
        "v2_3",
        "station_status",
        _set("data.stations.2.station_id", "st9"),
        "foreign_key_violation",
        {"value": "st9", "references": "station_information.json"},
    ),
    (
        "v2_3",
        "free_bike_status",
        _set("data.bikes.0.vehicle_type_id", "ufo"),
        "foreign_key_violation",
        {"value": "ufo", "references": "vehicle_types.json"},
    ),
    (
        "v2_3",
        "station_information",
        _set("data.stations.0.region_id", "nord"),
        "foreign_key_violation",
        {"references": "system_regions.json"},
    ),
    (
        "v2_3",
        "free_bike_status",
        _set("data.bikes.0.pricing_plan_id", "year"),
        "foreign_key_violation",
        {"references": "system_pricing_plans.json"},
    ),
    (
        "v2_3",
        "free_bike_status",
        _set("data.bikes.3.station_id", "st404"),
        "foreign_key_violation",
        {"path": "data.bikes[3].station_id"},
    ),
    (
        "v2_3",
        "free_bike_status",
        _drop("data.bikes.0.lat"),
        "missing_required_field",
        {"reason": "required for a vehicle not at a station"},
    ),
    (
        "v2_3",
        "free_bike_status",
        _drop("data.bikes.0.current_range_meters"),
        "missing_required_field",
        {"reason": "required for a motorised vehicle"},
    ),
    (
        "v2_3",
        "vehicle_types",
        _drop("data.vehicle_types.1.max_range_meters"),
        "missing_required_field",
        {"reason": "required for a motorised vehicle type"},
    ),
    (
        "v2_3",
        "station_status",
        _drop("data.stations.0.vehicle_types_available"),
        "missing_required_field",
        {"path": "data.stations[0].vehicle_types_available"},
    ),
    (
        "v2_3",
        "station_status",
        _set("data.stations.0.num_bikes_available", 6),
        "vehicle_types_available_mismatch",
        {"sum": 5, "value": 6},
    ),
    (
        "v2_3",
        "station_status",
        _set("data.stations.2.num_docks_available", 7),
        "station_count_above_capacity",
        {"capacity": 8, "vehicles": 2, "docks": 7},
    ),
    (
        "v2_3",
        "station_status",
        _drop("data.stations.2"),
        "station_without_status",
        {"value": "st3"},
    ),
    (
        "v2_3",
        "free_bike_status",
        _set("data.bikes.0", {**BIKE, "lat": 0, "lon": 0.1}),
        "point_near_origin",
        {"path": "data.bikes[0]"},
    ),
    (
        "v2_3",
        "station_status",
        _set("version", "2.2"),
        "version_mismatch",
        {"filename": "station_status.json", "expected": "2.3"},
    ),
    ("v2_3", "gbfs", _set("version", "9.9"), "invalid_version", {"value": "9.9"}),
    (
        "v2_3",
        "gbfs",
        _set("data.fr.feeds.1.name", "system_info"),
        "unknown_feed_name",
        {"value": "system_info"},
    ),
    (
        "v2_3",
        "gbfs",
        _set("data.fr.feeds.1.url", "ftp://x"),
        "invalid_field_type",
        {"expected": "URL"},
    ),
    (
        "v2_3",
        "station_status",
        _set("last_updated", 1767229200),
        "timestamp_in_future",
        {"filename": "station_status.json"},
    ),
    (
        "v2_3",
        "station_status",
        _set("last_updated", 1767139200),
        "stale_feed",
        {"ttl": 60},
    ),
]


@pytest.mark.parametrize(
    ("feed", "file", "change", "code", "sample"),
    CASES,
    ids=[f"{c[3]}-{c[1]}-{i}" for i, c in enumerate(CASES)],
)
def test_each_change_triggers_its_notice(feed_copy, feed, file, change, code, sample):
    folder = feed_copy(feed)
    edit(folder, file, change)
    result = validate(folder, now=NOW)
    group = result.notices.groups.get(code)
    assert group is not None, result.notices.codes()
    assert any(sample.items() <= s.items() for s in group.samples), group.samples


def test_missing_files(feed_copy):
    folder = feed_copy("v2_3")
    (folder / "system_information.json").unlink()
    (folder / "station_status.json").unlink()
    found = validate(folder, now=NOW).notices.groups
    missing = {s["filename"] for s in found["missing_required_file"].samples}
    assert missing == {"system_information.json", "station_status.json"}
    assert {s["filename"] for s in found["listed_file_missing"].samples} == missing


def test_gbfs_json_is_required_from_2_0(feed_copy):
    folder = feed_copy("v2_3")
    (folder / "gbfs.json").unlink()
    assert "missing_required_file" in codes(folder)
    old = feed_copy("v1_0")
    (old / "gbfs.json").unlink()
    assert codes(old) == {"missing_recommended_file": 1}


def test_vehicle_type_ids_without_vehicle_types_file(feed_copy):
    folder = feed_copy("v2_3")
    (folder / "vehicle_types.json").unlink()
    edit(folder, "gbfs", lambda d: d["data"]["fr"]["feeds"].pop(2))
    found = codes(folder)
    assert found["missing_vehicle_types_file"] == 1


def test_unknown_and_out_of_version_files(feed_copy):
    folder = feed_copy("v3_0")
    (folder / "notes.json").write_text('{"hello": 1}')
    (folder / "free_bike_status.json").write_text(
        '{"last_updated": "2026-01-01T00:00:00Z", "ttl": 0, "version": "3.0",'
        ' "data": {"bikes": []}}'
    )
    found = codes(folder)
    assert found["unknown_file"] == 1
    assert found["file_not_in_version"] == 1


def test_broken_json_names_its_line(feed_copy):
    folder = feed_copy("v2_3")
    (folder / "station_status.json").write_text('{\n  "ttl": 60,\n  "data": [\n}')
    group = validate(folder, now=NOW).notices.groups["invalid_json"]
    assert group.samples[0]["filename"] == "station_status.json"
    assert group.samples[0]["line"] == 4


def test_wrong_encoding_and_deep_nesting_are_notices(feed_copy):
    folder = feed_copy("v2_3")
    (folder / "system_regions.json").write_bytes(b'{"a": "\xe9t\xe9"}')
    (folder / "station_status.json").write_text("[" * 100_000 + "]" * 100_000)
    group = validate(folder, now=NOW).notices.groups["invalid_json"]
    messages = {s["filename"]: s["message"] for s in group.samples}
    assert "not UTF-8" in messages["system_regions.json"]
    assert "deep" in messages["station_status.json"]


def test_a_json_document_that_is_not_an_object(feed_copy):
    folder = feed_copy("v2_3")
    (folder / "station_status.json").write_text("[1, 2, 3]")
    group = validate(folder, now=NOW).notices.groups["invalid_field_type"]
    assert {"path": "$", "expected": "object"}.items() <= group.samples[0].items()


def test_report_has_the_report_json_shape(gbfs_data):
    report = validate(gbfs_data / "v1_0", now=NOW).report()
    assert set(report) == {"summary", "notices"}
    json.dumps(report)  # serialisable
    assert report["summary"]["format"] == "gbfs"
    assert report["summary"]["version"] == "1.0"


def test_severity_counts(feed_copy):
    folder = feed_copy("v2_3")
    edit(folder, "station_status", _set("data.stations.2.num_docks_available", 7))
    result = validate(folder, now=NOW)
    assert not result.has_errors
    assert result.notices.severity_count(Severity.WARNING) == 1
