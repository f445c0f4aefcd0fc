"""The notice container."""

from __future__ import annotations

from fabrique.notices import Notices, Severity


def test_totals_count_every_notice_and_samples_stop_at_the_limit():
    notices = Notices(sample_limit=2)
    for row in range(5):
        notices.add("invalid_url", Severity.ERROR, csvRowNumber=row)
    assert notices.count("invalid_url") == 5
    assert [s["csvRowNumber"] for s in notices.groups["invalid_url"].samples] == [0, 1]
    assert notices.has_errors


def test_groups_sort_by_severity_then_code():
    notices = Notices()
    notices.add("unknown_file", Severity.INFO)
    notices.add("b_warning", Severity.WARNING)
    notices.add("a_error", Severity.ERROR)
    assert [g.code for g in notices.sorted_groups()] == [
        "a_error",
        "b_warning",
        "unknown_file",
    ]
    assert notices.severity_count(Severity.WARNING) == 1


def test_add_many_respects_the_room_left_for_samples():
    notices = Notices(sample_limit=3)
    notices.add("x", Severity.INFO, n=0)
    notices.add_many("x", Severity.INFO, 10, ({"n": i} for i in range(1, 10)))
    assert notices.count("x") == 11
    assert len(notices.groups["x"].samples) == 3
