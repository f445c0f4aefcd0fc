"""Every rule of the registry is triggered by its own small fixture feed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fabrique.gtfs.rules import load_rules
from fabrique.gtfs.rules.origins import (
    GTFS_GURU,
    MOBILITYDATA,
    MOBILITYDATA_NOTICES,
    MOBILITYDATA_SYSTEM_ERRORS,
)
from fabrique.gtfs.rules.registry import CHECKS, RULES
from fabrique.gtfs.sources import Limits
from fabrique.gtfs.validator import validate
from fabrique.notices import Severity

from .conftest import VALIDATION_DATE

load_rules()
CODES = sorted(RULES)


def test_the_registry_holds_at_least_eighty_rules():
    assert len(RULES) >= 80


@pytest.mark.parametrize(
    "code",
    [
        "missing_required_file",
        "missing_required_column",
        "missing_required_field",
        "csv_parsing_failed",
        "invalid_row_length",
        "duplicate_key",
        "foreign_key_violation",
        "invalid_date",
        "invalid_time",
        "invalid_timezone",
        "invalid_url",
        "invalid_color",
        "number_out_of_range",
        "missing_calendar_and_calendar_date_files",
        "stop_time_with_arrival_before_previous_departure_time",
        "stop_time_with_only_arrival_or_departure_time",
        "missing_trip_edge",
        "decreasing_or_equal_stop_time_distance",
        "block_trips_with_overlapping_stop_times",
        "route_both_short_and_long_name_missing",
        "wrong_parent_location_type",
        "inconsistent_agency_timezone",
        "point_near_origin",
        "expired_calendar",
        "feed_expiration_date7_days",
        "feed_expiration_date30_days",
        "fast_travel_between_consecutive_stops",
        "stop_too_far_from_shape",
        "unusable_trip",
        "unused_shape",
        "stop_without_stop_time",
        "route_color_contrast",
        "missing_recommended_file",
        "unknown_column",
        "unknown_file",
        "unsorted_stop_times",
    ],
)
def test_the_registry_has_the_mobilitydata_code(code):
    assert RULES[code].mobilitydata


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_a_severity_a_one_line_description_and_a_topic(code):
    declared = RULES[code]
    assert isinstance(declared.severity, Severity)
    assert declared.description.endswith(".")
    assert "\n" not in declared.description
    assert declared.topic


@pytest.mark.parametrize("code", CODES)
def test_every_rule_is_emitted_by_a_check_or_the_reader(code):
    emitted_by_checks = {r.code for check in CHECKS for r in check.rules}
    reader_rules = {
        r.code for r in RULES.values() if r.topic in ("Files and CSV", "System")
    }
    assert code in emitted_by_checks | reader_rules


# Internal failures are triggered by breaking the engine (test_validator.py).
SYSTEM = {c for c, r in RULES.items() if r.topic == "System"}


@pytest.mark.parametrize("code", sorted(set(CODES) - SYSTEM))
def test_the_fixture_of_a_rule_triggers_it(code, gtfs_data, make_feed):
    folder = gtfs_data / "rules" / code
    assert folder.is_dir(), f"no fixture for {code}"
    options = validation_options(folder)
    result = validate(make_feed(code), today=VALIDATION_DATE, **options)
    found = result.notices.groups.get(code)
    assert found is not None, sorted(result.notices.codes())
    assert found.severity is RULES[code].severity
    assert found.total >= 1


def test_origins_are_truthful():
    gtfs_guru = pytest.importorskip("gtfs_guru")
    guru_codes = set(gtfs_guru.notice_codes())
    for declared in RULES.values():
        if declared.origin == MOBILITYDATA:
            assert declared.code in MOBILITYDATA_NOTICES | MOBILITYDATA_SYSTEM_ERRORS
        elif declared.origin == GTFS_GURU:
            assert declared.code in guru_codes, declared.code
            assert declared.code not in MOBILITYDATA_NOTICES
        else:
            assert declared.code not in guru_codes, declared.code
    # gtfs-guru implements every MobilityData notice: its list checks ours.
    assert guru_codes >= MOBILITYDATA_NOTICES
    for code in ("service_never_active", "unused_agency", "unused_route"):
        assert RULES[code].origin == GTFS_GURU


def validation_options(folder: Path) -> dict[str, Any]:
    """The validation options a fixture asks for (``VALIDATE.json``)."""
    path = folder / "VALIDATE.json"
    options = json.loads(path.read_text()) if path.is_file() else {}
    if "max_rows" in options:
        options["limits"] = Limits(max_rows=options.pop("max_rows"))
    return options


def test_every_active_mobilitydata_notice_is_implemented():
    assert len(MOBILITYDATA_NOTICES) == 172
    assert MOBILITYDATA_NOTICES - set(RULES) == set()
