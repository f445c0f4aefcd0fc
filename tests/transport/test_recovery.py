"""No check stays stuck: leases, bounded new attempts, retry and re-upload.

The worker processes themselves are killed in tests/production; here the
state a dead worker leaves (a run with an old heartbeat) is set directly.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fabrique.accounts.models import ApiToken
from fabrique.transport import ondemand, recovery, services
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import JobStatus, ValidationJob, Version, VersionStatus
from tests.transport.factories import make_dataset, make_resource, make_user, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.TRANSPORT_TASK_LEASE = 60
    settings.TRANSPORT_TASK_ATTEMPTS = 3


def _left_by_a_dead_worker(version: Version, *, attempts: int, ago: int = 120):
    """The version as a worker killed mid-check leaves it."""
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.VALIDATING,
        progress=40,
        attempts=attempts,
        heartbeat=timezone.now() - timedelta(seconds=ago),
    )


def _version(user=None) -> tuple[Version, object]:
    user = user or make_user()
    resource = make_resource(make_dataset(user), user)
    return upload(resource, user, feed_zip(version=1)), user


def test_a_run_without_heartbeat_is_run_again_and_ends_ready():
    version, _user = _version()
    _left_by_a_dead_worker(version, attempts=1)
    found = recovery.recover()
    assert (found.requeued, found.failed) == (1, 0)
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
    assert version.attempts == 2
    assert version.error == ""


def test_a_live_run_is_left_alone():
    version, _user = _version()
    _left_by_a_dead_worker(version, attempts=1, ago=5)
    assert recovery.recover().requeued == 0
    version.refresh_from_db()
    assert version.status == VersionStatus.VALIDATING


def test_after_the_last_attempt_the_version_fails_with_a_reason():
    version, _user = _version()
    _left_by_a_dead_worker(version, attempts=3)
    assert recovery.recover().failed == 1
    version.refresh_from_db()
    assert version.status == VersionStatus.FAILED
    assert "worker stopped 3 times" in version.error
    assert "Check it again" in version.error


def test_a_stuck_version_can_be_checked_again_from_its_page(client):
    version, user = _version()
    _left_by_a_dead_worker(version, attempts=1)
    client.force_login(user)
    page = client.get(version.get_absolute_url())
    assert b"Check again" in page.content
    response = client.post(reverse("transport:version_retry", args=[version.pk]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
    assert version.attempts == 1  # a fresh count


def test_a_running_version_is_not_checked_twice():
    version, user = _version()
    _left_by_a_dead_worker(version, attempts=1, ago=5)
    with pytest.raises(services.TransportError, match="no sign of life"):
        services.retry_version(version, user=user)


def test_a_queued_version_nobody_took_for_a_lease_can_be_retried(client):
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    version = services.add_version_from_upload(
        resource,
        SimpleUploadedFile("feed.zip", feed_zip(version=1)),
        user,
        enqueue=False,
    )
    assert version.status == VersionStatus.QUEUED
    assert not version.is_stale
    Version.objects.filter(pk=version.pk).update(
        created=timezone.now() - timedelta(minutes=5)
    )
    version.refresh_from_db()
    assert version.is_stale
    token = ApiToken.issue(user, "tests")[1]
    response = client.post(
        f"/api/1/transport/versions/{version.pk}/retry/",
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202, response.content
    assert response.json()["id"] == version.pk
    version.refresh_from_db()
    assert version.status == VersionStatus.READY


def test_the_api_refuses_to_retry_a_ready_version(client):
    version, user = _version()
    token = ApiToken.issue(user, "tests")[1]
    response = client.post(
        f"/api/1/transport/versions/{version.pk}/retry/",
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_retryable"


def test_uploading_again_the_file_of_a_failed_version_checks_it_again(client):
    """Its only version failed (its file went missing, say): the same file is
    accepted, the version takes it and ends ready; no 409."""
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    version = upload(resource, user, feed_zip(version=1))
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.FAILED, error="The worker stopped."
    )
    version.original_path.unlink()
    token = ApiToken.issue(user, "tests")[1]
    response = client.post(
        f"/api/1/transport/resources/{resource.pk}/versions/",
        {"file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["id"] == version.pk
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
    assert version.error == ""
    assert resource.versions.count() == 1
    again = client.post(
        f"/api/1/transport/resources/{resource.pk}/versions/",
        {"file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
        headers={"authorization": f"Bearer {token}"},
    )
    assert again.status_code == 409  # a ready version is a real duplicate
    assert again.json()["error"]["code"] == "duplicate_version"


def _job_left_by_a_dead_worker(*, attempts: int) -> ValidationJob:
    job = ondemand.start_from_upload(
        SimpleUploadedFile("feed.zip", feed_zip(version=1))
    )
    ValidationJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        attempts=attempts,
        heartbeat=timezone.now() - timedelta(minutes=2),
    )
    return job


def test_an_on_demand_validation_whose_worker_died_is_run_again():
    job = _job_left_by_a_dead_worker(attempts=1)
    assert recovery.recover().requeued == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2


def test_an_on_demand_validation_without_attempts_left_fails_with_a_reason():
    job = _job_left_by_a_dead_worker(attempts=3)
    assert recovery.recover().failed == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "worker stopped 3 times" in job.error
    assert job.finished is not None


def test_a_run_left_before_heartbeats_existed_is_recovered_too():
    version, _user = _version()
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.INGESTING,
        heartbeat=None,
        created=timezone.now() - timedelta(hours=2),
    )
    assert recovery.recover().requeued == 1
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
