"""The real GBFS feeds of the shared data folder (skipped without it)."""

from __future__ import annotations

from datetime import UTC, datetime

from fabrique.gbfs import validate

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_velib_a_station_based_system(shared_data):
    result = validate(shared_data / "gbfs" / "velib_2022", now=NOW)
    summary = result.summary
    assert summary["version"] == "1.0"
    assert summary["stations"] == 1439
    assert summary["docksAvailable"] > 0
    assert summary["vehiclesAvailableAtStations"] > 0
    assert summary["freeFloatingVehicles"] == 0
    groups = result.notices.groups
    # Vélib' publishes numeric station ids (the spec wants strings), no
    # last_updated (it writes lastUpdatedOther) and lists a
    # system_information.json that the saved copy does not have.
    assert groups["invalid_field_type"].samples[0]["path"].endswith("station_id")
    assert {"filename": "gbfs.json", "path": "last_updated"} in groups[
        "missing_required_field"
    ].samples
    assert groups["missing_required_file"].samples[0]["filename"] == (
        "system_information.json"
    )


def test_tier_a_free_floating_system(shared_data):
    result = validate(shared_data / "gbfs" / "tier_wolfsburg_2023", now=NOW)
    summary = result.summary
    assert summary["version"] == "2.3"
    assert summary["stations"] == 0
    assert summary["freeFloatingVehicles"] == 840
    assert [t["id"] for t in summary["vehicleTypes"]] == ["okai_escooter"]
    assert summary["vehicleTypes"][0]["vehicles"] == 840
    assert summary["system"]["timezone"] == "Europe/Berlin"
    assert not result.has_errors
    assert result.notices.codes() == {"stale_feed"}
