"""On-demand validation from the page: upload or address, progress, report."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fabrique.transport import ondemand
from fabrique.transport.models import JobStatus, ValidationJob
from tests.transport.report_helpers import feed_bytes, local_server, zip_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST the validation form and run the queued task, as a worker would."""

    def send(**data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("transport:validate"), data)

    return send


def upload(content: bytes, name: str = "feed.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/zip")


def test_the_page_offers_a_file_and_an_address_without_an_account(client):
    response = client.get(reverse("transport:validate"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html
    assert 'type="url"' in html
    assert 'enctype="multipart/form-data"' in html


def test_an_uploaded_feed_is_validated_and_its_report_shown(client, post, tmp_path):
    content = feed_bytes(tmp_path, stops="stop_id,stop_name\nS1,Gare\n")
    response = post(file=upload(content))
    job = ValidationJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transport:job", args=[job.pk])
    assert job.status == JobStatus.DONE
    assert job.errors > 0
    assert (job.directory / "report.json").is_file()
    assert (job.directory / "report.html").is_file()
    page = client.get(response["Location"]).content.decode()
    assert "missing_required_field" in page or "foreign_key_violation" in page
    assert reverse("transport:job_report_json", args=[job.pk]) in page


def test_a_valid_feed_reports_no_error(client, post, tmp_path):
    post(file=upload(feed_bytes(tmp_path)))
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.DONE
    assert job.errors == 0
    assert job.filename == "feed.zip"
    assert job.expires_at > timezone.now() + timedelta(hours=1)


def test_a_file_that_is_not_a_zip_is_refused_on_the_form(post):
    response = post(file=upload(b"stop_id,stop_name\nS1,Gare\n", "stops.txt"))
    assert response.status_code == 422
    assert "not a readable zip archive" in response.content.decode()
    assert not ValidationJob.objects.exists()


def test_a_zip_bomb_is_refused_before_anything_is_kept(post, settings):
    response = post(file=upload(zip_bomb()))
    assert response.status_code == 422
    assert "zip bomb" in response.content.decode()
    assert not ValidationJob.objects.exists()
    incoming = settings.TRANSPORT_STORE / "incoming"
    assert not incoming.exists() or not any(incoming.iterdir())


def test_an_upload_over_the_size_limit_is_refused_unread(post, settings, tmp_path):
    settings.TRANSPORT_MAX_UPLOAD = 1000
    content = feed_bytes(tmp_path) + b"\0" * 100_000
    response = post(file=upload(content))
    assert response.status_code == 413
    # Refused from its Content-Length, before the body is read.
    assert "accepts 1000 bytes at most" in response.content.decode()
    assert not ValidationJob.objects.exists()


def test_an_upload_just_over_the_limit_is_refused_while_streamed(post, settings):
    settings.TRANSPORT_MAX_UPLOAD = 5000
    response = post(file=upload(b"PK" + b"x" * 6000))
    assert response.status_code == 422
    assert "larger than the limit" in response.content.decode()
    assert not ValidationJob.objects.exists()


def test_the_form_asks_for_a_file_or_an_address(post):
    response = post()
    assert response.status_code == 422
    assert "Choose a GTFS file or enter its address" in response.content.decode()


def test_a_file_and_an_address_together_are_refused(post, tmp_path):
    response = post(file=upload(feed_bytes(tmp_path)), url="https://example.org/x.zip")
    assert response.status_code == 422
    assert "not both" in response.content.decode()


def test_a_feed_at_an_address_is_fetched_and_validated(
    client, post, settings, tmp_path
):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    content = feed_bytes(tmp_path)

    def serve(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/zip")
        request.send_header("Content-Length", str(len(content)))
        request.end_headers()
        request.wfile.write(content)

    with local_server(serve) as base:
        response = post(url=f"{base}/gtfs/belvallon.zip")
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.DONE, job.error
    assert job.filename == "belvallon.zip"
    assert job.size == len(content)
    assert "belvallon.zip" in client.get(response["Location"]).content.decode()


def test_an_address_that_redirects_forever_fails_with_a_clear_message(
    client, post, settings
):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    settings.TRANSPORT_FETCH_MAX_REDIRECTS = 3

    def serve(request):
        request.send_response(302)
        request.send_header("Location", request.path + "x")
        request.end_headers()

    with local_server(serve) as base:
        response = post(url=f"{base}/loop")
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "Too many redirects" in job.error
    page = client.get(response["Location"]).content.decode()
    assert "Too many redirects" in page
    assert "could not be validated" in page


def test_an_address_that_hangs_fails_after_the_timeout(client, post, settings):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    settings.TRANSPORT_FETCH_CONNECT_TIMEOUT = 1
    settings.TRANSPORT_FETCH_TIMEOUT = 1
    released = []

    def serve(request):
        request.send_response(200)
        request.send_header("Content-Length", "1000000")
        request.end_headers()
        request.wfile.write(b"PK")
        request.wfile.flush()
        for _ in range(50):  # never finishes the body; gives up after 5 s
            if released:
                return
            time.sleep(0.1)

    with local_server(serve) as base:
        post(url=f"{base}/slow.zip")
        released.append(True)
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "in time" in job.error or "within" in job.error


def test_an_address_of_a_private_host_is_refused(post, settings):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = False
    post(url="http://127.0.0.1:9/feed.zip")
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "private or local host" in job.error


def test_an_address_that_is_not_a_zip_fails_with_the_reason(post, settings):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True

    def serve(request):
        request.send_response(200)
        request.end_headers()
        request.wfile.write(b"<html>Not found, but 200</html>")

    with local_server(serve) as base:
        post(url=f"{base}/feed.zip")
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "not a readable zip archive" in job.error


def test_a_running_job_shows_its_progress_and_polls(client):
    job = ValidationJob.objects.create(
        status=JobStatus.RUNNING,
        progress=42,
        progress_message="Reading stops.txt",
        filename="feed.zip",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    url = reverse("transport:job", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'value="42"' in html
    assert "Reading stops.txt" in html
    assert f'hx-get="{url}"' in html
    assert 'http-equiv="refresh"' in html  # without JavaScript too
    partial = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert 'value="42"' in partial.content.decode()


def test_polling_a_finished_job_reloads_the_page(client, post, tmp_path):
    post(file=upload(feed_bytes(tmp_path)))
    job = ValidationJob.objects.get()
    response = client.get(
        reverse("transport:job", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Refresh"] == "true"


def test_an_expired_job_is_gone_and_purged(client, post, tmp_path):
    post(file=upload(feed_bytes(tmp_path)))
    job = ValidationJob.objects.get()
    directory = job.directory
    ValidationJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("transport:job", args=[job.pk])).status_code == 404
    assert ondemand.purge_expired() == 1
    assert not directory.exists()
    assert not ValidationJob.objects.exists()


def test_a_new_request_purges_expired_jobs(post, tmp_path):
    old = ValidationJob.objects.create(
        filename="old.zip", expires_at=timezone.now() - timedelta(hours=1)
    )
    old.directory.mkdir(parents=True)
    post(file=upload(feed_bytes(tmp_path)))
    assert not ValidationJob.objects.filter(pk=old.pk).exists()
    assert not old.directory.exists()


def test_an_unknown_job_is_not_found(client):
    url = reverse("transport:job", args=["00000000-0000-0000-0000-000000000001"])
    assert client.get(url).status_code == 404


def test_validations_are_rate_limited_per_client(client, settings, tmp_path):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_TRANSPORT_VALIDATE = "2/3600"
    url = reverse("transport:validate")
    for _ in range(2):
        assert client.post(url, {}).status_code == 422
    response = client.post(url, {})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert client.get(url).status_code == 200  # reading the page is not limited


def test_the_purge_command_removes_every_expired_job(settings):
    from io import StringIO

    from django.core.management import call_command

    past = timezone.now() - timedelta(minutes=1)
    for _ in range(3):
        ValidationJob.objects.create(filename="old.zip", expires_at=past)
    kept = ValidationJob.objects.create(
        filename="new.zip", expires_at=timezone.now() + timedelta(hours=1)
    )
    out = StringIO()
    call_command("purge_validation_jobs", stdout=out)
    assert "3 expired" in out.getvalue()
    assert list(ValidationJob.objects.all()) == [kept]


def test_progress_noted_in_validator_threads_is_written_by_the_task():
    import threading

    job = ValidationJob.objects.create(
        status=JobStatus.RUNNING, expires_at=timezone.now() + timedelta(hours=1)
    )
    progress = ondemand._Progress(job)
    for line in ("opening the feed", "reading stops.txt", "checking duplicate_key"):
        thread = threading.Thread(target=progress.record, args=(line,))
        thread.start()
        thread.join()
    job.refresh_from_db()
    assert job.progress == 0  # nothing written from the other threads
    progress.flush()
    job.refresh_from_db()
    assert 40 <= job.progress < 100
    assert "1" in job.progress_message


def test_the_form_still_checks_the_csrf_token(tmp_path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("transport:validate"), {"file": upload(feed_bytes(tmp_path))}
    )
    assert response.status_code == 403
    assert not ValidationJob.objects.exists()


def test_a_real_feed_is_validated_with_its_known_notices(client, post, annarbor):
    response = post(file=upload(annarbor.read_bytes(), "annarbor.zip"))
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.DONE, job.error
    assert job.warnings > 0
    html = client.get(response["Location"]).content.decode()
    for code in ("unused_shape", "stop_without_stop_time", "unknown_file"):
        assert f'id="notice-{code}"' in html
    assert "University of Michigan" in html
