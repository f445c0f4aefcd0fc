"""The HTML report is standalone and escapes feed content."""

from __future__ import annotations

from fabrique.gtfs.html import render_html
from fabrique.gtfs.report import build_report
from fabrique.gtfs.validator import validate

from .conftest import VALIDATION_DATE


def test_hostile_values_from_the_feed_are_escaped(make_feed):
    agency = (
        "agency_id,agency_name,agency_url,agency_timezone\n"
        'A1,<script>alert(1)</script>,javascript:alert(1),"<img src=x>"\n'
    )
    page = render_html(
        build_report(validate(make_feed(agency=agency), today=VALIDATION_DATE))
    )
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x>" not in page
    assert "<script" not in page.lower()


def test_the_page_names_each_notice_with_its_rule_description(make_feed):
    page = render_html(
        build_report(validate(make_feed("invalid_url"), today=VALIDATION_DATE))
    )
    assert "<code>invalid_url</code>" in page
    assert "A URL is not a fully qualified http or https URL." in page
