"""On-demand validation of NeTEx: an XML file or a zip of XML files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabrique.transport import ondemand
from fabrique.transport.models import JobStatus, ValidationJob

pytestmark = pytest.mark.django_db
NETEX = Path(__file__).resolve().parents[1] / "data" / "netex"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(**data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("transport:validate"), data)

    return send


def test_the_format_is_told_from_the_content(tmp_path):
    xml = tmp_path / "offer.xml"
    xml.write_bytes((NETEX / "fr_valid.xml").read_bytes())
    assert ondemand.input_format(xml) == "netex"
    gtfs = tmp_path / "gtfs.zip"
    with zipfile.ZipFile(gtfs, "w") as archive:
        archive.writestr("stops.txt", "stop_id\n")
    assert ondemand.input_format(gtfs) == "gtfs"
    netex = tmp_path / "netex.zip"
    with zipfile.ZipFile(netex, "w") as archive:
        archive.writestr("a.xml", "<a/>")
    assert ondemand.input_format(netex) == "netex"


def test_a_netex_zip_is_validated_with_errors_and_warnings_apart(
    client, post, settings, tmp_path
):
    settings.NETEX_XSD_DIR = str(tmp_path / "no-schema")
    text = (NETEX / "fr_valid.xml").read_text().replace("<Name>Gare - Parc</Name>", "")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("offre.xml", text)
    response = post(
        file=SimpleUploadedFile("offre.zip", buffer.getvalue(), "application/zip")
    )
    job = ValidationJob.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.DONE
    assert job.errors == 1  # the line's missing name
    assert job.warnings == 1  # no schema installed here
    report = json.loads((job.directory / "report.json").read_text())
    assert [g["code"] for g in report["errors"]] == ["fr_line_without_name"]
    assert [g["code"] for g in report["warnings"]] == ["xsd_not_available"]
    page = client.get(response["Location"]).content.decode()
    assert "fr_line_without_name" in page
    assert "Invalid NeTEx" in page or "NeTEx non valide" in page
    html = client.get(reverse("transport:job_report_html", args=[job.pk]))
    assert b"fr_line_without_name" in b"".join(html.streaming_content)


def test_an_entity_attack_gives_a_clear_notice_and_no_expansion(
    post, settings, tmp_path
):
    settings.NETEX_XSD_DIR = str(tmp_path / "no-schema")
    attack = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<PublicationDelivery xmlns="http://www.netex.org.uk/netex">&x;'
        b"</PublicationDelivery>"
    )
    post(file=SimpleUploadedFile("attack.xml", attack, "text/xml"))
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.DONE
    report = (job.directory / "report.json").read_text()
    assert "xml_entities_refused" in report
    assert "root:" not in report
