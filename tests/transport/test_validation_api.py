"""On-demand validation through the API: create, poll, read the report."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fabrique.transport.models import JobStatus, ValidationJob
from tests.transport.report_helpers import feed_bytes, local_server, zip_bomb

pytestmark = pytest.mark.django_db
BASE = "/api/1/transport/validations/"


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Call the API anonymously and run the queued task, as a worker would."""

    def call(*, file: bytes | None = None, json_body=None, raw: bytes | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            if file is not None:
                upload = SimpleUploadedFile("feed.zip", file, "application/zip")
                return client.post(BASE, {"file": upload})
            if raw is not None:
                return client.post(BASE, raw, content_type="application/json")
            return client.post(BASE, json_body, content_type="application/json")

    return call


def test_a_posted_file_gives_a_job_to_poll_then_a_report(client, send, tmp_path):
    response = send(file=feed_bytes(tmp_path))
    assert response.status_code == 202
    body = response.json()
    assert set(body) >= {"id", "status", "url"}
    status = client.get(body["url"]).json()
    assert status["status"] == "done"
    assert status["progress"] == 100
    assert status["errors"] == 0
    assert status["page_url"] == f"/transport/valider/{body['id']}/"
    report = client.get(status["report_url"])
    assert report.status_code == 200
    data = json.loads(b"".join(report.streaming_content))
    assert set(data) == {"summary", "notices"}
    assert data["summary"]["gtfsInput"] == "feed.zip"


def test_a_posted_address_is_fetched(client, send, settings, tmp_path):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    content = feed_bytes(tmp_path)

    def serve(request):
        request.send_response(200)
        request.send_header("Content-Length", str(len(content)))
        request.end_headers()
        request.wfile.write(content)

    with local_server(serve) as base:
        response = send(json_body={"url": f"{base}/feed.zip"})
    assert response.status_code == 202
    status = client.get(response.json()["url"]).json()
    assert status["status"] == "done", status["error"]
    assert status["source_url"].endswith("/feed.zip")


def test_the_report_is_a_conflict_while_the_job_runs(client):
    job = ValidationJob.objects.create(
        status=JobStatus.RUNNING,
        progress=30,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    response = client.get(f"{BASE}{job.pk}/report/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_ready"
    assert client.get(f"{BASE}{job.pk}/").json()["report_url"] is None


def test_the_report_of_a_failed_job_is_a_conflict_naming_the_reason(
    client, send, settings
):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    settings.TRANSPORT_FETCH_MAX_REDIRECTS = 2

    def serve(request):
        request.send_response(301)
        request.send_header("Location", "/again")
        request.end_headers()

    with local_server(serve) as base:
        created = send(json_body={"url": f"{base}/start"})
    job_url = created.json()["url"]
    status = client.get(job_url).json()
    assert status["status"] == "failed"
    assert "Too many redirects" in status["error"]
    response = client.get(f"{job_url}report/")
    assert response.status_code == 409
    assert "Too many redirects" in response.json()["error"]["message"]


def test_not_a_zip_is_refused_in_the_error_envelope(send):
    response = send(file=b"this is not a zip")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_feed"
    assert "not a readable zip archive" in error["message"]
    assert not ValidationJob.objects.exists()


def test_a_zip_bomb_is_refused(send):
    response = send(file=zip_bomb())
    assert response.status_code == 422
    assert "zip bomb" in response.json()["error"]["message"]


def test_a_too_large_body_is_refused_with_413(send, settings, tmp_path):
    settings.TRANSPORT_MAX_UPLOAD = 100
    response = send(file=feed_bytes(tmp_path) + b"\0" * 100_000)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"url": 12}, 422),
        ({"url": "ftp://example.org/feed.zip"}, 422),
        ({"url": "javascript:alert(1)"}, 422),
        ([1, 2], 422),
    ],
)
def test_a_missing_or_wrong_address_is_a_validation_error(send, body, status):
    response = send(json_body=body)
    assert response.status_code == status
    assert "error" in response.json()
    assert not ValidationJob.objects.exists()


def test_malformed_json_is_a_bad_request(send):
    response = send(raw=b'{"url": ')
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_a_multipart_body_without_file_is_a_validation_error(client):
    response = client.post(BASE, {"other": "x"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "file"


def test_unknown_and_expired_jobs_are_not_found(client):
    assert client.get(f"{BASE}00000000-0000-0000-0000-000000000001/").status_code == (
        404
    )
    assert client.get(f"{BASE}not-a-uuid/").status_code == 404
    job = ValidationJob.objects.create(expires_at=timezone.now() - timedelta(hours=1))
    response = client.get(f"{BASE}{job.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_anonymous_validations_are_rate_limited(send, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_TRANSPORT_VALIDATE = "2/3600"
    for _ in range(2):
        assert send(json_body={}).status_code == 422
    response = send(json_body={})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert response["Retry-After"]


def test_the_schema_documents_both_bodies():
    from fabrique.api.main import api

    schema = api.get_openapi_schema()
    operation = schema["paths"][BASE]["post"]
    content = operation["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(content)
    assert json.dumps(content)  # serialisable


def test_programs_post_without_a_csrf_token(
    tmp_path, django_capture_on_commit_callbacks
):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    upload = SimpleUploadedFile("feed.zip", feed_bytes(tmp_path), "application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post(BASE, {"file": upload})
    assert response.status_code == 202
