"""Background work: checking versions, failures, other formats, the fetch command."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fabrique.core.models import Activity
from fabrique.transport import services, storage, tasks
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import (
    WAITING_FOR_QUEUE,
    Dataset,
    Resource,
    Version,
    VersionStatus,
    progress_text,
)
from fabrique.transport.tasks import process_version
from tests.transport.factories import make_dataset, make_resource, make_user, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _rewrite(source: Path, target: Path, name: str, change) -> Path:
    """A copy of the zip at ``source`` with one file rewritten by ``change``."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == name:
                data = change(data.decode("utf-8")).encode("utf-8")
            new.writestr(info.filename, data)
    return target


def test_annarbor_in_the_portal(client, annarbor, tmp_path):
    """Acceptance: report, map, calendar and departures; a changed feed makes
    version 2 with its diff; the same file again makes none."""
    user = make_user()
    client.force_login(user)
    client.post(
        reverse("transport:dataset_create"),
        {"title": "TheRide Ann Arbor", "summary": "Bus schedules of Ann Arbor."},
    )
    dataset = Dataset.objects.get()
    response = client.post(
        reverse("transport:resource_create", args=[dataset.commons.slug]),
        {
            "title": "GTFS",
            "format": "gtfs",
            "file": SimpleUploadedFile("annarbor.zip", annarbor.read_bytes()),
        },
    )
    assert response.status_code == 302
    first = Version.objects.get()
    assert first.status == VersionStatus.READY, first.error
    assert first.valid_from is not None
    assert first.valid_until is not None
    # Report, map data and calendar are on disk and linked from the page.
    report = services.read_json(first, storage.REPORT_JSON)
    assert report["summary"]["counts"]["Routes"] > 10
    stops = services.read_json(first, storage.STOPS_GEOJSON)
    assert len(stops["features"]) > 100
    calendar = services.read_json(first, storage.CALENDAR_JSON)
    day = first.valid_from + timedelta(days=(7 - first.valid_from.weekday()) % 7)
    assert calendar[day.isoformat()] > 100
    page = client.get(
        dataset.get_absolute_url(), {"stop": "23", "date": day.isoformat()}
    )
    html = page.content.decode()
    assert f"/transport/versions/{first.pk}/rapport/" in html
    assert page.context["network_version"] == first
    assert "service-calendar" in html
    assert "data-map" in html
    assert len(page.context["departures"]["rows"]) > 5
    assert client.get(f"/transport/versions/{first.pk}/rapport/").status_code == 200

    changed = _rewrite(
        annarbor,
        tmp_path / "annarbor-changed.zip",
        "routes.txt",
        lambda text: text.replace("Commencement Charters", "Graduation Charters"),
    )
    resource = Resource.objects.get()
    field = f"r{resource.pk}-file"
    upload_url = reverse("transport:version_upload", args=[resource.pk])
    client.post(
        upload_url, {field: SimpleUploadedFile("annarbor.zip", changed.read_bytes())}
    )
    second = Version.objects.get(number=2)
    assert second.status == VersionStatus.READY, second.error
    assert second.diff["routes"]["changed"] == ["99995"]
    assert second.diff["routes"]["counts"]["added"] == 0
    assert second.diff["trips"]["counts"] == {"added": 0, "removed": 0, "changed": 0}
    assert second.diff["validity"]["changed"] is False
    diff_page = client.get(reverse("transport:version", args=[second.pk]))
    assert "99995" in diff_page.content.decode()

    again = client.post(
        upload_url,
        {field: SimpleUploadedFile("again.zip", changed.read_bytes())},
        follow=True,
    )
    assert "identical to version 2" in again.content.decode()
    assert Version.objects.count() == 2


def test_progress_is_written_and_read_in_the_visitors_language():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    version = upload(resource, user, feed_zip(version=1))
    version.refresh_from_db()
    assert version.progress == 100
    assert version.progress_message == "Ready"
    assert progress_text("reading stops.txt") == "Reading stops.txt"
    assert progress_text("checking check_route_color_contrast") == (
        "Checking: check route color contrast"
    )
    assert progress_text("anything else") == "anything else"
    entry = Activity.objects.get(verb="transport_version_published")
    assert entry.object_id == resource.dataset.commons_id
    assert entry.actor == user
    assert entry.data["number"] == 1


def test_a_missing_file_fails_the_version_with_its_reason():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    version = services.add_version_from_upload(
        resource,
        SimpleUploadedFile("feed.zip", feed_zip(version=1)),
        user,
        enqueue=False,
    )
    version.original_path.unlink()
    assert process_version.call(version.pk) == VersionStatus.FAILED
    version.refresh_from_db()
    assert version.status == VersionStatus.FAILED
    assert "missing" in version.error


def test_engine_refusal_fails_the_new_version_and_keeps_the_old(monkeypatch):
    """An archive the quick check lets through (its sizes lie, say) but the
    engine refuses while reading: the version fails, the first stays ready."""
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    first = upload(resource, user, feed_zip(version=1))
    monkeypatch.setattr(services, "ZIP_MAX_RATIO", 10**9)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stop_times.txt", b"0" * (30 * 1024 * 1024))
    second = upload(resource, user, buffer.getvalue())
    second.refresh_from_db()
    assert second.status == VersionStatus.FAILED
    assert "zip bomb" in second.error
    first.refresh_from_db()
    assert first.status == VersionStatus.READY
    dataset = Dataset.objects.get()
    assert dataset.valid_until == first.valid_until
    assert dataset.has_errors is False


def test_a_queue_that_is_down_leaves_the_version_waiting_visibly(monkeypatch):
    """The upload is stored and says it waits for the queue; once the queue
    answers, the check queued again (by the worker's sweep) ends ready. The
    sweep itself is tested in test_queue_outage.py and test_recovery.py."""
    user = make_user()
    resource = make_resource(make_dataset(user), user)

    class Down:
        module_path = "fabrique.transport.tasks.process_version"

        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue unreachable")

    monkeypatch.setattr(tasks, "process_version", Down())
    version = upload(resource, user, feed_zip(version=1))
    version.refresh_from_db()
    assert version.status == VersionStatus.QUEUED
    assert version.progress_message == WAITING_FOR_QUEUE
    monkeypatch.undo()
    services.enqueue_processing(version)
    version.refresh_from_db()
    assert version.status == VersionStatus.READY


def test_other_formats_go_through_the_formats_engine():
    user = make_user()
    dataset = make_dataset(user)
    gbfs = make_resource(dataset, user, title="Vélos", format="gbfs")
    version = services.add_version_from_upload(
        gbfs,
        SimpleUploadedFile("gbfs.json", b'{"data": {}, "last_updated": 0, "ttl": 0}'),
        user,
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    assert (version.directory / storage.REPORT_JSON).is_file()
    other = make_resource(dataset, user, title="Plan", format="other")
    kept = services.add_version_from_upload(
        other, SimpleUploadedFile("plan.pdf", b"%PDF-1.4 a map"), user
    )
    kept.refresh_from_db()
    assert kept.status == VersionStatus.READY
    assert kept.progress_message == "Stored, not checked"
    dataset.refresh_from_db()
    assert dataset.formats == ["gbfs", "other"]


class _Feed(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = feed_zip(version=1)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_fetch_command_fetches_due_resources_only(settings, capsys):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        user = make_user()
        dataset = make_dataset(user)
        url = f"http://127.0.0.1:{httpd.server_address[1]}/gtfs.zip"
        due = make_resource(dataset, user, title="Due", url=url, fetch_every_hours=24)
        later = make_resource(dataset, user, title="Later", url=url)
        Resource.objects.filter(pk=later.pk).update(
            next_fetch_at=timezone.now() + timedelta(hours=2)
        )
        make_resource(dataset, user, title="Uploads only")
        assert list(services.due_resources()) == [due]
        call_command("fetch_transport_resources")
        assert "Due: new version 1" in capsys.readouterr().out
        due.refresh_from_db()
        assert due.versions.get().status == VersionStatus.READY
        assert due.next_fetch_at > timezone.now() + timedelta(hours=23)
        assert not later.versions.exists()
        call_command("fetch_transport_resources")
        assert "No resource is due." in capsys.readouterr().out
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_refresh_uses_the_latest_ready_gtfs_version():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    upload(resource, user, feed_zip(version=1))
    dataset = Dataset.objects.get()
    assert dataset.valid_until is not None
    assert dataset.valid_until > date(2026, 1, 1)
    assert dataset.bbox is not None


def test_a_published_feed_version_is_a_data_contribution_of_its_uploader():
    from fabrique.projects.models import Contribution

    owner = make_user()
    dataset = make_dataset(owner)
    resource = make_resource(dataset, owner)
    assert not Contribution.objects.filter(kind="data").exists()
    version = upload(resource, owner, feed_zip(version=1))
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    entry = Contribution.objects.get(kind="data")
    assert (entry.contributor, entry.commons, entry.automatic, entry.source) == (
        owner,
        dataset.commons,
        True,
        "transport_feed",
    )
