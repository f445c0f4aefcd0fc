"""The report page of a version: notices by severity, rule links, samples."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from fabrique.transport.models import Version, VersionStatus
from fabrique.transport.reports import SAMPLES_PER_PAGE, sample_columns
from tests.transport.factories import make_dataset, make_resource, make_user
from tests.transport.report_helpers import sample_report, write_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    owner = make_user()
    resource = make_resource(make_dataset(owner), owner)
    return Version.objects.create(
        resource=resource,
        number=1,
        sha256="0" * 64,
        size=10,
        filename="belvallon.zip",
        status=VersionStatus.READY,
    )


def page(client, version, **params):
    return client.get(reverse("transport:report", args=[version.pk]), params)


def test_notices_are_grouped_by_severity_errors_first(client, version):
    write_report(version.directory, sample_report())
    html = page(client, version).content.decode()
    errors = html.index('id="notices-error"')
    warnings = html.index('id="notices-warning"')
    infos = html.index('id="notices-info"')
    assert errors < warnings < infos
    assert html.index("foreign_key_violation") < warnings
    assert warnings < html.index("unused_shape") < infos


def test_each_known_code_links_to_its_rule_documentation(client, version):
    write_report(version.directory, sample_report())
    html = page(client, version).content.decode()
    rules = reverse("transport:rules")
    assert f'href="{rules}#foreign_key_violation"' in html
    assert f'href="{rules}#unused_shape"' in html
    # A code the registry does not know is shown, without a dead link.
    assert "a_code_from_elsewhere" in html
    assert f"{rules}#a_code_from_elsewhere" not in html


def test_totals_and_summary_are_shown(client, version):
    write_report(version.directory, sample_report())
    html = page(client, version).content.decode()
    assert "503" in html  # 3 samples + 500 more found
    assert "Bus de Belvallon" in html
    assert "Europe/Paris" in html
    assert "agency.txt" in html
    assert reverse("transport:report_json", args=[version.pk]) in html
    assert reverse("transport:report_html", args=[version.pk]) in html


def test_sample_values_are_escaped(client, version):
    write_report(version.directory, sample_report())
    html = page(client, version).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(0)" in html
    assert "<b>Belvallon</b>" not in html


def test_samples_show_file_and_row_first(client, version):
    assert sample_columns(
        [{"childFilename": "a", "csvRowNumber": 2, "filename": "stop_times.txt"}]
    ) == ["filename", "childFilename", "csvRowNumber"]
    write_report(version.directory, sample_report())
    html = page(client, version).content.decode()
    table = html[html.index('id="samples-foreign_key_violation"') :]
    assert table.index('title="filename"') < table.index('title="csvRowNumber"')


def test_the_report_speaks_french_on_the_french_site(client, version):
    write_report(version.directory, sample_report())
    client.cookies["django_language"] = "fr"
    html = page(client, version).content.decode()
    # The rule's text, the counts and the sample columns, all in French.
    assert "Une valeur renvoie à un enregistrement qui n’existe pas" in html
    assert "A value refers to a record" not in html
    assert '<th scope="row">Arrêts</th>' in html
    assert '<abbr title="csvRowNumber">Ligne</abbr>' in html
    assert '<span class="notice-description" lang="en">' not in html


def test_the_report_speaks_english_on_the_english_site(client, version):
    write_report(version.directory, sample_report())
    html = page(client, version).content.decode()
    assert "A value refers to a record that does not exist" in html
    assert '<th scope="row">Stops</th>' in html
    assert '<abbr title="csvRowNumber">Row</abbr>' in html


def test_many_samples_are_paged_and_the_next_page_is_served(client, version):
    write_report(version.directory, sample_report(samples=SAMPLES_PER_PAGE * 2 + 3))
    html = page(client, version).content.decode()
    first = html[html.index('id="samples-foreign_key_violation"') :]
    first = first[: first.index("</table>")]
    assert first.count("<tr>") == SAMPLES_PER_PAGE + 1  # header row too
    next_url = reverse(
        "transport:report_samples", args=[version.pk, "foreign_key_violation"]
    )
    assert f"{next_url}?page=2" in html
    third = client.get(next_url, {"page": 3}).content.decode()
    assert "<html" not in third
    assert third.count("<tr>") == 3 + 1
    assert "Page 3 of 3" in third
    # Out-of-range and malformed pages fall back to a real page.
    assert client.get(next_url, {"page": "x"}).status_code == 200
    assert client.get(next_url, {"page": 99}).status_code == 200


def test_samples_of_an_unknown_code_are_not_found(client, version):
    write_report(version.directory, sample_report())
    url = reverse("transport:report_samples", args=[version.pk, "no_such_code"])
    assert client.get(url).status_code == 404


def test_the_json_and_html_reports_are_downloadable(client, version):
    write_report(version.directory, sample_report())
    response = client.get(reverse("transport:report_json", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    # Reading the whole stream closes the file (no close(): it would end the
    # test's database connection through the request_finished signal).
    assert json.loads(b"".join(response.streaming_content))["notices"]
    html = client.get(reverse("transport:report_html", args=[version.pk]))
    assert html.status_code == 200
    assert b"report" in b"".join(html.streaming_content)
    assert "default-src 'none'" in html["Content-Security-Policy"]


def test_a_version_without_report_says_so(client, version):
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.FAILED, error="This file is not a readable zip archive."
    )
    response = page(client, version)
    assert response.status_code == 200
    assert "not a readable zip archive" in response.content.decode()
    url = reverse("transport:report_json", args=[version.pk])
    assert client.get(url).status_code == 404


def test_a_corrupt_report_is_not_a_server_error(client, version):
    version.directory.mkdir(parents=True)
    (version.directory / "report.json").write_text("{not json")
    assert page(client, version).status_code == 404


def test_the_report_of_a_hidden_dataset_is_not_shown(client, version):
    commons = version.resource.dataset.commons
    commons.hidden = True
    commons.save()
    write_report(version.directory, sample_report())
    assert page(client, version).status_code == 404


def test_a_real_validation_report_renders(client, version, tmp_path):
    from fabrique.gtfs.report import write_report as engine_report
    from fabrique.gtfs.validator import validate
    from tests.transport.report_helpers import feed_bytes

    feed = tmp_path / "feed.zip"
    feed.write_bytes(feed_bytes(tmp_path, stops="stop_id,stop_name\nS1,Gare\n"))
    version.directory.mkdir(parents=True)
    engine_report(validate(feed), version.directory / "report.json")
    html = page(client, version).content.decode()
    assert "foreign_key_violation" in html or "missing_required" in html


def test_odd_summary_values_do_not_break_the_page(client, version):
    report = sample_report()
    report["summary"]["validatedAt"] = "2026-13-45T99:00:00"
    report["summary"]["counts"] = {"Stops": None}
    report["notices"].append("not a notice")
    report["notices"].append({"code": "x", "severity": "FATAL", "totalNotices": "3"})
    write_report(version.directory, report)
    response = page(client, version)
    assert response.status_code == 200
    assert "2026-13-45" in response.content.decode()
