"""One anonymous client has at most TRANSPORT_VALIDATIONS_PER_CLIENT
on-demand validations waiting or running; beyond, a 429 names the limit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabrique.transport import ondemand, recovery
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import JobStatus, ValidationJob

pytestmark = pytest.mark.django_db

API = "/api/1/transport/validations/"
ME, OTHER = "203.0.113.7", "198.51.100.9"


@pytest.fixture(autouse=True)
def _capped(settings):
    settings.RATELIMIT_ENABLED = True
    settings.TRANSPORT_VALIDATIONS_PER_CLIENT = 2
    # A queue with no worker: the jobs stay queued, as behind a busy worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _file() -> SimpleUploadedFile:
    return SimpleUploadedFile("feed.zip", feed_zip(version=1), "application/zip")


def _send_file(client, address: str = ME):
    return client.post(API, {"file": _file()}, REMOTE_ADDR=address)


def test_the_api_refuses_a_validation_beyond_the_clients_limit(client):
    assert _send_file(client).status_code == 202
    url = client.post(
        API,
        {"url": "https://example.org/feed.zip"},
        content_type="application/json",
        REMOTE_ADDR=ME,
    )
    assert url.status_code == 202, url.content  # an address counts the same

    refused = _send_file(client)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "too_many_validations"
    assert "You already have 2 validations waiting or running" in error["message"]
    assert error["details"] == {"limit": 2, "retry_after": 30}
    assert refused["Retry-After"] == "30"
    assert ValidationJob.objects.count() == 2  # nothing kept of the refused one

    # Another client is not affected.
    assert _send_file(client, OTHER).status_code == 202

    # Once one of its jobs ends, the client may send another.
    first = ValidationJob.objects.filter(filename="feed.zip").earliest("created")
    ValidationJob.objects.filter(pk=first.pk).update(status=JobStatus.DONE)
    assert _send_file(client).status_code == 202
    assert _send_file(client).status_code == 429


def test_the_page_refuses_a_validation_beyond_the_clients_limit(client):
    for _ in range(2):
        response = client.post(
            reverse("transport:validate"), {"file": _file()}, REMOTE_ADDR=ME
        )
        assert response.status_code == 302
    refused = client.post(
        reverse("transport:validate"), {"file": _file()}, REMOTE_ADDR=ME
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    page = refused.content.decode()
    assert "You already have 2 validations waiting or running" in page
    assert 'type="file"' in page  # the form is there to try again later
    assert ValidationJob.objects.count() == 2


def test_a_failed_job_frees_its_place(client, settings):
    settings.TRANSPORT_VALIDATIONS_PER_CLIENT = 1
    assert _send_file(client).status_code == 202
    assert _send_file(client).status_code == 429
    ValidationJob.objects.update(status=JobStatus.FAILED, error="no")
    assert _send_file(client).status_code == 202


def test_a_job_no_worker_takes_ends_and_frees_its_place(client, settings):
    """A client is never blocked for good: the sweep ends what nobody runs."""
    settings.TRANSPORT_VALIDATIONS_PER_CLIENT = 1
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    settings.TRANSPORT_TASK_ATTEMPTS = 1
    assert _send_file(client).status_code == 202
    assert _send_file(client).status_code == 429
    job = ValidationJob.objects.get()
    ValidationJob.objects.filter(pk=job.pk).update(
        attempts=1, heartbeat=None, created=job.created.replace(year=2020)
    )
    assert recovery.recover().failed == 1
    assert _send_file(client).status_code == 202


def test_the_limit_is_off_with_the_rate_limits(client, settings):
    settings.RATELIMIT_ENABLED = False
    for _ in range(3):
        assert _send_file(client).status_code == 202
    assert ondemand.jobs_per_client() == 0


def test_the_client_is_kept_as_a_digest_never_as_its_address(client):
    _send_file(client)
    job = ValidationJob.objects.get()
    assert job.client == ondemand.client_key(ME)
    assert ME not in job.client


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_both_take_the_last_place(settings):
    """The count is taken under a lock of the client: a second request waits
    for the first to commit, then sees its job."""
    import threading
    import time
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time by itself")
    settings.TRANSPORT_VALIDATIONS_PER_CLIENT = 1
    key = ondemand.client_key(ME)
    counted, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                ondemand.check_client(key)
                ValidationJob.objects.create(
                    client=key,
                    source_url="https://example.org/a.zip",
                    expires_at=timezone.now() + timedelta(hours=1),
                )
                counted.set()
                release.wait(10)
        finally:
            connection.close()

    def second() -> None:
        counted.wait(10)
        try:
            ondemand.start_from_url("https://example.org/b.zip", client=key)
            outcome["second"] = "started"
        except ondemand.TooManyJobs:
            outcome["second"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    counted.wait(10)
    time.sleep(0.5)
    assert threads[1].is_alive()  # waiting for the first one's lock
    release.set()
    for thread in threads:
        thread.join(10)
    assert outcome == {"second": "refused"}
    assert ValidationJob.objects.filter(client=key).count() == 1
