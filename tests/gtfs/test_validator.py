"""The validator end to end on the small base feed."""

from __future__ import annotations

from fabrique.gtfs.notices import Severity
from fabrique.gtfs.validator import validate

from .conftest import VALIDATION_DATE


def test_the_base_fixture_feed_has_no_error_and_no_warning(make_feed):
    result = validate(make_feed(), today=VALIDATION_DATE)
    found = {
        g.code: g.samples[:2]
        for g in result.notices.sorted_groups()
        if g.severity is not Severity.INFO
    }
    assert found == {}


def test_a_folder_feed_validates_like_its_zip(gtfs_data):
    result = validate(gtfs_data / "base", today=VALIDATION_DATE)
    assert not result.notices.has_errors
    assert result.summary["counts"]["Trips"] == 3
