"""Hostile uploads and addresses: refused with a clear message, nothing corrupted.

Each refused file leaves the resource as it was: no new version, the first
version's files and the dataset's fields untouched.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabrique.transport import services
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import Dataset, Resource, Version, VersionStatus
from tests.transport.factories import make_dataset, make_resource, make_user, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published():
    """A resource with one ready version, and a fingerprint of what is stored."""
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    first = upload(resource, user, feed_zip(version=1))
    first.refresh_from_db()
    assert first.status == VersionStatus.READY

    def fingerprint():
        version = Version.objects.get(pk=first.pk)
        files = {
            p.relative_to(version.directory).as_posix(): hashlib.sha256(
                p.read_bytes()
            ).hexdigest()
            for p in sorted(version.directory.rglob("*"))
            if p.is_file()
        }
        dataset = Dataset.objects.get(pk=resource.dataset_id)
        return (
            Version.objects.filter(resource=resource).count(),
            version.status,
            version.errors,
            files,
            (dataset.valid_from, dataset.valid_until, dataset.has_errors),
        )

    before = fingerprint()
    yield user, resource, fingerprint
    assert fingerprint() == before


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_too_big(published, settings):
    user, resource, _ = published
    settings.TRANSPORT_MAX_UPLOAD = 4000
    with pytest.raises(services.TransportError, match="larger than the limit"):
        upload(resource, user, feed_zip(version=2))


def test_too_big_through_the_page_stops_reading(published, client, settings):
    user, resource, _ = published
    settings.TRANSPORT_MAX_UPLOAD = 4000
    client.force_login(user)
    response = client.post(
        reverse("transport:version_upload", args=[resource.pk]),
        {f"r{resource.pk}-file": SimpleUploadedFile("big.zip", b"x" * 50_000)},
        follow=True,
    )
    assert "larger than the limit of 4,000 bytes" in response.content.decode()


def test_not_a_zip(published):
    user, resource, _ = published
    with pytest.raises(services.TransportError, match="not a readable zip archive"):
        upload(resource, user, b"agency_id,agency_name\n1,Bus\n", name="feed.zip")


def test_empty_file(published):
    user, resource, _ = published
    with pytest.raises(services.TransportError, match="empty"):
        upload(resource, user, b"")


def test_truncated_zip(published):
    user, resource, _ = published
    whole = feed_zip(version=2)
    with pytest.raises(services.TransportError, match="not a readable zip archive"):
        upload(resource, user, whole[: len(whole) // 2])


def test_zip_bomb(published):
    user, resource, _ = published
    bomb = _zip({"stop_times.txt": b"0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(services.TransportError, match="zip bomb"):
        upload(resource, user, bomb)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/cron.d/evil", "C:/evil.txt", "gtfs/../../x.txt"]
)
def test_path_traversal(published, name):
    user, resource, _ = published
    evil = _zip({"agency.txt": b"agency_name\nBus\n", name: b"owned"})
    with pytest.raises(services.TransportError, match="outside the archive"):
        upload(resource, user, evil)


def test_zip_without_feed_is_kept_but_not_stored():
    """A readable zip with no GTFS file: the version says so, nothing crashes."""
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    version = upload(resource, user, _zip({"readme.md": b"# nothing here"}))
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
    assert version.errors > 0
    assert "not stored" in version.progress_message
    assert not (version.directory / "store").exists()


def test_binary_garbage_in_a_file_fails_or_reports_never_crashes():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    garbage = bytes(range(256)) * 200
    version = upload(
        resource, user, _zip({"stops.txt": garbage, "agency.txt": garbage})
    )
    version.refresh_from_db()
    assert version.status in (VersionStatus.READY, VersionStatus.FAILED)
    if version.status == VersionStatus.FAILED:
        assert version.error
    else:
        assert version.errors > 0


# Addresses --------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/feed.zip":
            body = self.server.feed  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/hang":
            time.sleep(6)
            self.send_response(200)
            self.end_headers()
        elif path == "/drip":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        elif path.startswith("/loop"):
            n = int(path.removeprefix("/loop") or 0)
            self.send_response(302)
            self.send_header("Location", f"/loop{n + 1}")
            self.end_headers()
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif path == "/endless":
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"0" * 65536)
            except OSError:
                pass
        elif path == "/missing":
            self.send_response(404)
            self.end_headers()
        else:
            self.send_response(500)
            self.end_headers()


@pytest.fixture
def server(settings):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    settings.TRANSPORT_FETCH_CONNECT_TIMEOUT = 1
    settings.TRANSPORT_FETCH_TIMEOUT = 2
    settings.TRANSPORT_FETCH_MAX_REDIRECTS = 3
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.feed = feed_zip(version=1)  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _resource(url: str) -> Resource:
    user = make_user()
    return make_resource(make_dataset(user), user, url=url, fetch_every_hours=6)


def _fails(resource: Resource, match: str) -> None:
    started = time.monotonic()
    with pytest.raises(services.FetchError, match=match):
        services.fetch_resource(resource)
    assert time.monotonic() - started < 15
    resource.refresh_from_db()
    assert re.search(match, resource.last_fetch_error)
    assert resource.last_fetch_at is not None
    assert resource.next_fetch_at > resource.last_fetch_at
    assert not resource.versions.exists()


def test_fetch_keeps_a_version_only_when_content_changes(server):
    httpd, base = server
    resource = _resource(f"{base}/feed.zip")
    first = services.fetch_resource(resource)
    assert first is not None
    first.refresh_from_db()
    assert first.source == "url"
    assert first.status == VersionStatus.READY
    assert first.filename == "feed.zip"
    assert services.fetch_resource(resource) is None
    httpd.feed = feed_zip(version=2)
    second = services.fetch_resource(resource)
    assert second is not None
    assert second.number == 2
    resource.refresh_from_db()
    assert resource.last_fetch_error == ""


def test_fetch_that_hangs_times_out(server):
    _, base = server
    _fails(_resource(f"{base}/hang"), "did not answer in time")


def test_fetch_that_drips_hits_the_total_timeout(server):
    _, base = server
    _fails(_resource(f"{base}/drip"), "within 2 s")


def test_fetch_that_redirects_forever(server):
    _, base = server
    _fails(_resource(f"{base}/loop"), "Too many redirects")


def test_fetch_too_big_by_its_header(server, settings):
    _, base = server
    settings.TRANSPORT_MAX_UPLOAD = 100_000
    _fails(_resource(f"{base}/big"), "larger than the limit")


def test_fetch_too_big_while_streaming(server, settings):
    _, base = server
    settings.TRANSPORT_MAX_UPLOAD = 100_000
    _fails(_resource(f"{base}/endless"), "larger than the limit")


def test_fetch_of_a_missing_file(server):
    _, base = server
    _fails(_resource(f"{base}/missing"), "404")


def test_private_addresses_are_refused_unless_allowed(server, settings):
    _, base = server
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = False
    _fails(_resource(f"{base}/feed.zip"), "private or local host")


def test_only_http_addresses(settings):
    user = make_user()
    dataset = make_dataset(user)
    with pytest.raises(ValidationError):
        make_resource(dataset, user, url="file:///etc/passwd")
    with pytest.raises(ValidationError):
        make_resource(dataset, user, url="ftp://example.org/gtfs.zip")
