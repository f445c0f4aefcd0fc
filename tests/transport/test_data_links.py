"""Addresses that come from data become links only when they are http(s).

A GTFS feed is anyone's file: its ``agency_url`` or ``feed_publisher_url``
may be ``javascript:alert(1)``. The report pages (of a dataset version and of
an anonymous on-demand validation) show such a value as text, never as a link.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fabrique.core.templatetags.fabrique import data_link, web_address
from fabrique.transport.models import ValidationJob, Version, VersionStatus
from tests.transport.factories import make_dataset, make_resource, make_user
from tests.transport.report_helpers import feed_bytes

HOSTILE = "javascript:alert(1)"
AGENCY = (
    "agency_id,agency_name,agency_url,agency_timezone\n"
    f"A1,Fabrique Transit,{HOSTILE},Europe/Paris\n"
    "A2,Autre Transit,https://autre.example.org/,Europe/Paris\n"
)
FEED_INFO = (
    "feed_publisher_name,feed_publisher_url,feed_lang\n"
    "Fabrique,data:text/html;base64,PHNjcmlwdD4=,fr\n"
)
# Links the page must never carry: any scheme that is not http(s).
BAD_HREF = re.compile(r'href="\s*(?!https?://|/|\?|#)[^"]*"', re.IGNORECASE)


def hostile_feed(tmp_path) -> bytes:
    return feed_bytes(tmp_path, agency=AGENCY, feed_info=FEED_INFO)


def assert_no_hostile_link(html: str) -> None:
    assert 'href="javascript' not in html.lower()
    assert not BAD_HREF.findall(html), BAD_HREF.findall(html)
    assert 'href="https://autre.example.org/"' in html


@pytest.mark.django_db
def test_the_on_demand_report_shows_hostile_addresses_as_text(
    client, django_capture_on_commit_callbacks, tmp_path
):
    upload = SimpleUploadedFile("feed.zip", hostile_feed(tmp_path), "application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("transport:validate"), {"file": upload})
    job = ValidationJob.objects.get()
    html = client.get(reverse("transport:job", args=[job.pk])).content.decode()
    assert HOSTILE in html  # shown, as text
    assert_no_hostile_link(html)


@pytest.mark.django_db
def test_the_version_report_shows_hostile_addresses_as_text(client, tmp_path):
    from fabrique.gtfs.report import write_report
    from fabrique.gtfs.validator import validate

    owner = make_user()
    version = Version.objects.create(
        resource=make_resource(make_dataset(owner), owner),
        number=1,
        sha256="0" * 64,
        size=10,
        filename="feed.zip",
        status=VersionStatus.READY,
    )
    feed = tmp_path / "feed.zip"
    feed.write_bytes(hostile_feed(tmp_path))
    version.directory.mkdir(parents=True)
    write_report(validate(feed), version.directory / "report.json")
    html = client.get(reverse("transport:report", args=[version.pk])).content.decode()
    assert HOSTILE in html
    assert_no_hostile_link(html)


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "//evil.example.org/",
        "https:/evil.example.org",
        "https://",
        "http:\\\\evil.example.org",
        "mailto:x@example.org",
        "ftp://example.org/",
        "",
        None,
    ],
)
def test_only_http_addresses_become_links(address):
    assert web_address(address) == ""
    assert "<a" not in data_link(address, "text")


@pytest.mark.parametrize(
    "address", ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://X.ORG/"]
)
def test_http_addresses_become_links(address):
    assert web_address(address) == address
    assert data_link(address, "text").startswith(
        f'<a href="{address}"'.replace("&", "&amp;")
    )


@given(st.text(max_size=60))
def test_whatever_the_address_a_link_is_http_or_nothing(text):
    out = web_address(text)
    assert out == "" or out.lower().startswith(("http://", "https://"))
    html = str(data_link(text, "label"))
    if "<a " in html:
        href = html.split('href="', 1)[1].split('"', 1)[0]
        assert href.lower().startswith(("http://", "https://"))
        assert "<" not in href
        assert '"' not in href
