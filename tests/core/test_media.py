"""Uploaded files are served by the site in production (``DEBUG=False``)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fabrique.catalog import services
from tests.catalog.factories import make_commons

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (11, 110, 79)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_uploaded_image_is_served_inline_with_safe_headers(client):
    commons = make_commons()
    image = services.add_image(
        commons,
        user=commons.created_by,
        file=SimpleUploadedFile("p.png", _png(), "image/png"),
        alt="Station",
    )
    response = client.get(image.image.url)
    content = b"".join(response.streaming_content)  # closes the file at the end
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "max-age=" in response["Cache-Control"]
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert content.startswith(b"\x89PNG")
    # The commons page links to that very address.
    assert image.image.url in client.get(commons.get_absolute_url()).content.decode()


def test_a_file_that_is_not_an_image_is_a_download(client, settings):
    (settings.MEDIA_ROOT / "commons").mkdir(parents=True)
    (settings.MEDIA_ROOT / "commons" / "page.html").write_text("<script>x</script>")
    response = client.get("/media/commons/page.html")
    assert b"".join(response.streaming_content) == b"<script>x</script>"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/media/commons/",
        "/media/../settings.py",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/missing.png",
    ],
)
def test_no_folder_listing_and_nothing_outside_the_media_folder(client, settings, path):
    (settings.MEDIA_ROOT / "commons").mkdir(parents=True)
    (settings.MEDIA_ROOT.parent / "secret.txt").write_text("secret")
    response = client.get(path)
    assert response.status_code == 404
    assert b"secret" not in response.content


def test_media_answers_only_reads(client, settings):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "a.png").write_bytes(_png())
    head = client.head("/media/a.png")
    head.close()
    assert head.status_code == 200
    assert client.post("/media/a.png").status_code == 405
