"""An oversized upload is refused from its Content-Length, before a byte is read.

The body is a stream that counts what the site reads from it: a 600 MB
upload announced to a route that takes at most its limit must be answered
413 (in the envelope on the API) having read nothing — no temporary file
of hundreds of megabytes first.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import token_for
from tests.catalog.factories import make_commons, make_user
from tests.transport.factories import make_dataset, make_resource

pytestmark = pytest.mark.django_db

BOUNDARY = "hostile"
HUGE = 600 * 1024 * 1024


class CountingBody:
    """An endless multipart body that counts the bytes read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.zip"\r\nContent-Type: application/zip\r\n\r\n'
        ).encode()

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else size
        chunk = (self.head + b"\0" * size)[:size]
        self.head = self.head[len(chunk) :]
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def post_announcing(client: Client, url: str, length: int, **headers: str):
    body = CountingBody()
    response = client.generic(
        "POST",
        url,
        b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
    )
    return response, body


@pytest.fixture
def owner():
    return make_user("uploader")


def test_a_600_mb_version_upload_is_refused_unread(owner, settings):
    settings.TRANSPORT_MAX_UPLOAD = 500 * 1024 * 1024
    resource = make_resource(make_dataset(owner), owner)
    response, body = post_announcing(
        Client(),
        f"/api/1/transport/resources/{resource.pk}/versions/",
        HUGE,
        Authorization=f"Bearer {token_for(owner)}",
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert error["details"] == {"limit_bytes": 500 * 1024 * 1024, "size_bytes": HUGE}
    assert body.read_bytes == 0
    assert not resource.versions.exists()


def test_each_upload_route_has_its_own_limit(owner, settings):
    settings.GEOCODER_CSV_MAX_BYTES = 1024 * 1024
    settings.FABRIQUE_MAX_IMAGE_BYTES = 1024 * 1024
    settings.TRANSPORT_MAX_UPLOAD = 500 * 1024 * 1024
    two_mb = 2 * 1024 * 1024
    response, body = post_announcing(Client(), "/api/1/geocoder/search/csv/", two_mb)
    assert (response.status_code, body.read_bytes) == (413, 0)
    assert response.json()["error"]["details"]["limit_bytes"] == 1024 * 1024
    # The same size is fine for a transport upload: the limit there is larger
    # (the anonymous caller is then refused for want of an account, not size).
    resource = make_resource(make_dataset(owner), owner)
    response, _ = post_announcing(
        Client(), f"/api/1/transport/resources/{resource.pk}/versions/", two_mb
    )
    assert response.status_code == 401


def test_a_page_upload_over_its_limit_gets_a_413_page(owner, settings, english):
    settings.FABRIQUE_MAX_IMAGE_BYTES = 1024 * 1024
    commons = make_commons(owner)
    client = Client()
    client.force_login(owner)
    response, body = post_announcing(
        client, f"/communs/{commons.slug}/images/", 50 * 1024 * 1024
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "text/html" in response["Content-Type"]
    assert "accepts 1048576 bytes at most" in response.content.decode()


def test_routes_without_files_take_no_big_multipart_body(owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response, body = post_announcing(
        Client(),
        "/api/1/commons/",
        HUGE,
        Authorization=f"Bearer {token_for(owner)}",
    )
    assert (response.status_code, body.read_bytes) == (413, 0)


def test_a_body_without_content_length_is_not_read(owner):
    """Django reads no body it was not told the length of (chunked)."""
    body = CountingBody()
    resource = make_resource(make_dataset(owner), owner)
    response = Client().generic(
        "POST",
        f"/api/1/transport/resources/{resource.pk}/versions/",
        b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers={"Authorization": f"Bearer {token_for(owner)}"},
        **{"wsgi.input": body},
    )
    assert response.status_code < 500
    assert body.read_bytes == 0
    assert not resource.versions.exists()
