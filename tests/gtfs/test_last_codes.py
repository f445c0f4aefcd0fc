"""invalid_phone_number and too_many_rows, with MobilityData's semantics.

Phone numbers: MobilityData's validator checks them only when it is given the
feed's country, with libphonenumber's ``isPossibleNumber(value, country)``
(``UK`` read as ``GB``, an unknown country leaves them unchecked). Rows: it
stops reading a file at the first row numbered past its limit (the header is
row 1) and reports that row's number.
"""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.rules.fields import phone_region, possible_phone_number
from fabrique.gtfs.sources import Limits
from fabrique.gtfs.store import ingest, open_store
from fabrique.gtfs.validator import validate

from .conftest import VALIDATION_DATE

AGENCY = (
    "agency_id,agency_name,agency_url,agency_timezone,agency_lang,agency_phone\n"
    "A1,Fabrique Transit,https://transit.example.org,Europe/Paris,fr,{phone}\n"
)


def phone_notices(path: Path, country: str | None) -> list[dict[str, object]]:
    result = validate(path, today=VALIDATION_DATE, country_code=country)
    group = result.notices.groups.get("invalid_phone_number")
    return [] if group is None else list(group.samples)


def test_a_number_too_short_for_the_country_is_reported_with_its_row(make_feed):
    path = make_feed(agency=AGENCY.format(phone="01 23"))
    [notice] = phone_notices(path, "FR")
    assert notice == {
        "filename": "agency.txt",
        "csvRowNumber": 2,
        "fieldName": "agency_phone",
        "fieldValue": "01 23",
    }


def test_without_a_country_phone_numbers_are_not_checked(make_feed):
    path = make_feed(agency=AGENCY.format(phone="01 23"))
    assert phone_notices(path, None) == []
    assert phone_notices(path, "XX") == []  # not a country: unknown


@pytest.mark.parametrize(
    ("phone", "country"),
    [
        ("01 23 45 67 89", "FR"),
        ("+33 1 23 45 67 89", "FR"),
        ("+33 1 23 45 67 89", "US"),  # international: its own country's plan
        ("(201) 555-0123", "us"),  # case-insensitive
        ("1-800-FLOWERS", "US"),  # letters of a keypad
        ("0121 234 5678", "UK"),  # UK is GB
    ],
)
def test_numbers_possible_from_the_country_pass(make_feed, phone, country):
    path = make_feed(agency=AGENCY.format(phone=f'"{phone}"'))
    assert phone_notices(path, country) == []


@pytest.mark.parametrize(
    ("phone", "country"),
    [
        ("12", "FR"),
        ("0123456789012345678", "FR"),
        ("abc", "US"),
        ("+1", "GB"),
        ("+999 123", "FR"),  # no such calling code
        ("(201) 555-0123", "FR"),  # nine digits: not a French length
    ],
)
def test_numbers_impossible_from_the_country_are_reported(make_feed, phone, country):
    path = make_feed(agency=AGENCY.format(phone=f'"{phone}"'))
    assert [n["fieldValue"] for n in phone_notices(path, country)] == [phone]


def test_booking_rules_and_attributions_phones_are_checked(make_feed):
    path = make_feed(
        booking_rules="booking_rule_id,booking_type,phone_number\n"
        "B1,0,01 23 45 67 89\nB2,0,555\n",
        attributions="attribution_id,organization_name,is_producer,"
        "attribution_phone\nAT1,Fabrique,1,+33 1 23\nAT2,Fabrique,1,0123456789\n",
    )
    found = {(n["filename"], n["csvRowNumber"]) for n in phone_notices(path, "FR")}
    assert found == {("booking_rules.txt", 3), ("attributions.txt", 2)}


def test_every_row_with_a_bad_number_is_counted(make_feed):
    agency = (
        "agency_id,agency_name,agency_url,agency_timezone,agency_phone\n"
        + "".join(
            f"A{i},T{i},https://t.example.org,Europe/Paris,{'12' if i % 2 else ''}\n"
            for i in range(1, 8)
        )
    )
    result = validate(
        make_feed(agency=agency), today=VALIDATION_DATE, country_code="FR"
    )
    assert result.notices.groups["invalid_phone_number"].total == 4


def test_the_command_line_takes_the_country(make_feed, tmp_path):
    from click.testing import CliRunner

    from fabrique.gtfs.cli import gtfs

    path = make_feed(agency=AGENCY.format(phone="01 23"))
    report = tmp_path / "report.json"
    args = ["validate", str(path), "--date", "2026-03-01", "--json", str(report)]
    CliRunner().invoke(gtfs, [*args, "--country-code", "FR"])
    assert "invalid_phone_number" in report.read_text()
    CliRunner().invoke(gtfs, args)
    assert "invalid_phone_number" not in report.read_text()


def test_the_report_names_the_country_numbers_were_checked_from(make_feed):
    from fabrique.gtfs.report import build_report

    path = make_feed()
    for asked, named in (("uk", "GB"), ("XX", "ZZ"), (None, "ZZ")):
        result = validate(path, today=VALIDATION_DATE, country_code=asked)
        assert build_report(result)["summary"]["countryCode"] == named


REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(REGIONS), st.sampled_from([0, 1, 2]))
def test_a_country_s_example_number_is_possible_however_written(region, style):
    example = phonenumbers.example_number(region)
    if example is None:
        return
    written = phonenumbers.format_number(example, style)
    assert possible_phone_number(written, region)
    assert phone_region(region.lower()) == region


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="+0123456789 ()-.", max_size=20), st.sampled_from(REGIONS))
def test_a_number_s_verdict_is_libphonenumber_s(value, region):
    """The check is libphonenumber's ``isPossibleNumber``, never an exception."""
    try:
        expected = phonenumbers.is_possible_number(phonenumbers.parse(value, region))
    except phonenumbers.NumberParseException:
        expected = False
    assert possible_phone_number(value, region) is expected


# Rows ---------------------------------------------------------------------


def stops(n: int) -> str:
    rows = "".join(f"S{i},Stop {i},48.85,2.3{i:03d}\n" for i in range(1, n + 1))
    return "stop_id,stop_name,stop_lat,stop_lon\n" + rows


# The base feed's largest file, stop_times.txt, has 12 rows (numbered 2-13).
LIMIT = 13


def test_a_file_with_as_many_rows_as_the_limit_is_cut_after_it(make_feed):
    # Data rows are numbered from 2: the 13th is row 14, past a limit of 13.
    result = validate(
        make_feed(stops=stops(13)),
        today=VALIDATION_DATE,
        limits=Limits(max_rows=LIMIT),
    )
    group = result.notices.groups["too_many_rows"]
    assert group.total == 1
    assert group.samples == [{"filename": "stops.txt", "rowNumber": 14}]


def test_a_file_under_the_limit_is_read_whole(make_feed):
    result = validate(
        make_feed(stops=stops(12)),
        today=VALIDATION_DATE,
        limits=Limits(max_rows=LIMIT),
    )
    assert "too_many_rows" not in result.notices.groups


def test_rows_past_the_limit_are_not_read(make_feed):
    # The base feed's 12 stop times use S1-S4; stops S5-S14 have none. With
    # the limit at 13, S13 and S14 (rows 14 and 15) are not read: 8 stops
    # without stop times are left, where the whole file has 10.
    feed = make_feed(stops=stops(14))
    cut = validate(feed, today=VALIDATION_DATE, limits=Limits(max_rows=LIMIT))
    assert cut.notices.groups["too_many_rows"].samples == [
        {"filename": "stops.txt", "rowNumber": 14}
    ]
    assert cut.notices.groups["stop_without_stop_time"].total == 8
    whole = validate(feed, today=VALIDATION_DATE)
    assert "too_many_rows" not in whole.notices.groups
    assert whole.notices.groups["stop_without_stop_time"].total == 10


def test_the_default_limit_is_mobilitydata_s_billion():
    assert Limits().max_rows == 1_000_000_000


def test_ingest_fails_when_rows_are_past_the_limit(make_feed, tmp_path):
    feed = make_feed(stops=stops(14))
    with pytest.raises(GTFSError, match=r"too_many_rows x1: stops\.txt from row 14"):
        ingest(feed, tmp_path / "store", limits=Limits(max_rows=LIMIT))
    ingest(feed, tmp_path / "whole")
    con = open_store(tmp_path / "whole")
    assert con.execute("SELECT count(*) FROM stops").fetchone() == (14,)
