"""A Redis outage never fails the request that queues a task; nothing stays queued.

Each test runs the RQ backend on its own ``redis-server`` (a free port in
18350-18399), stops it while requests queue tasks, starts it again (empty,
as after a crash) and runs the queued jobs with a real RQ worker in this
process. The recovery sweep is called as the worker calls it.
"""

from __future__ import annotations

import shutil
import socket
from datetime import timedelta

import django_rq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_rq.backend import Job
from rq import SimpleWorker

from fabrique.accounts.models import ApiToken
from fabrique.core import queue
from fabrique.core.rqworker import Worker
from fabrique.transport import recovery
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import (
    WAITING_FOR_QUEUE,
    JobStatus,
    ValidationJob,
    Version,
    VersionStatus,
)
from tests.redis_server import RedisServer, free_port
from tests.transport.factories import make_dataset, make_resource, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="redis-server is not installed"
    ),
]


@pytest.fixture(autouse=True)
def _only_the_version_checks():
    """These tests count the version check's tasks. An upload also records a
    confirmed ledger entry, which queues the badge rules (tests/badges); that
    second task is left out here so the counts stay about the check."""
    from django.db.models.signals import post_save

    from fabrique.badges.tasks import _contribution_saved
    from fabrique.projects.models import Contribution

    post_save.disconnect(sender=Contribution, dispatch_uid="badge-rules")
    yield
    post_save.connect(
        _contribution_saved, sender=Contribution, dispatch_uid="badge-rules"
    )


@pytest.fixture
def redis_queue(settings, tmp_path):
    """The production task queue (RQ, tasks kept in the database while it is
    down) on the test's own Redis."""
    server = RedisServer(tmp_path, free_port(range(18350, 18400)))
    server.start()
    settings.RQ_QUEUES = {"default": {"URL": server.url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
        queue.DEFERRED: {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    settings.TRANSPORT_TASK_LEASE = 60
    settings.TRANSPORT_TASK_ATTEMPTS = 3
    yield server
    server.kill()


def run_worker() -> None:
    """Run every queued job with RQ's worker, in this process, then return."""
    rq_queue = django_rq.get_queue("default", job_class=Job)
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(
        burst=True
    )


def queued_in_redis() -> int:
    return len(django_rq.get_queue("default").get_job_ids())


def kept() -> int:
    return DBTaskResult.objects.filter(backend_name=queue.DEFERRED).count()


def _owner():
    user = make_user()
    resource = make_resource(make_dataset(user), user)
    token = ApiToken.issue(user, "tests")[1]
    return user, resource, {"authorization": f"Bearer {token}"}


def _age(model, pk, seconds: int = 120) -> None:
    """As if the row had been queued ``seconds`` ago (beyond the lease)."""
    past = timezone.now() - timedelta(seconds=seconds)
    model.objects.filter(pk=pk).update(created=past, heartbeat=None)


def test_an_api_upload_during_an_outage_is_stored_and_checked_once_redis_is_back(
    client, redis_queue
):
    _user, resource, auth = _owner()
    redis_queue.stop()
    response = client.post(
        f"/api/1/transport/resources/{resource.pk}/versions/",
        {"file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
        headers=auth,
    )
    assert response.status_code == 201, response.content
    version = Version.objects.get(pk=response.json()["id"])
    assert version.status == VersionStatus.QUEUED
    assert version.progress_message == WAITING_FOR_QUEUE
    assert kept() == 1
    page = client.get(version.get_absolute_url(), headers=auth)
    assert page.status_code == 200

    # The sweep finds the queue still down: the task stays kept.
    assert recovery.recover().released == 0
    assert kept() == 1

    redis_queue.start()  # empty, as after a crash
    assert recovery.recover().released == 1
    assert kept() == 0
    assert queued_in_redis() == 1
    run_worker()
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    assert version.attempts == 1


def test_a_page_upload_during_an_outage_redirects_to_the_waiting_version(
    client, redis_queue
):
    user, resource, _auth = _owner()
    client.force_login(user)
    redis_queue.stop()
    response = client.post(
        reverse("transport:version_upload", args=[resource.pk]),
        {f"r{resource.pk}-file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
    )
    assert response.status_code == 302, response.content[:500]
    version = resource.versions.get()
    page = client.get(version.get_absolute_url())
    assert page.status_code == 200
    assert "task queue, which does not answer" in page.content.decode()
    redis_queue.start()
    recovery.recover()
    run_worker()
    version.refresh_from_db()
    assert version.status == VersionStatus.READY


@pytest.mark.parametrize("route", ["api", "page"])
def test_an_on_demand_validation_during_an_outage_ends_done(client, redis_queue, route):
    redis_queue.stop()
    upload = SimpleUploadedFile("feed.zip", feed_zip(version=1), "application/zip")
    if route == "api":
        response = client.post("/api/1/transport/validations/", {"file": upload})
        assert response.status_code == 202, response.content
    else:
        response = client.post(reverse("transport:validate"), {"file": upload})
        assert response.status_code == 302, response.content[:500]
    job = ValidationJob.objects.get()
    assert job.status == JobStatus.QUEUED
    assert "task queue" in job.progress_message
    status = client.get(f"/api/1/transport/validations/{job.pk}/")
    assert status.json()["status"] == "queued"

    redis_queue.start()
    recovery.recover()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error


def test_a_check_lost_by_a_redis_restart_is_queued_again_by_the_sweep(
    client, redis_queue
):
    _user, resource, auth = _owner()
    response = client.post(
        f"/api/1/transport/resources/{resource.pk}/versions/",
        {"file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
        headers=auth,
    )
    version = Version.objects.get(pk=response.json()["id"])
    assert queued_in_redis() == 1
    _age(Version, version.pk)

    # Still waiting in the queue (a worker busy elsewhere): left alone.
    assert recovery.recover().requeued == 0
    assert queued_in_redis() == 1

    redis_queue.stop()
    redis_queue.start()  # restarted empty: the queued run is gone
    assert queued_in_redis() == 0
    assert recovery.recover().requeued == 1
    version.refresh_from_db()
    assert version.attempts == 1  # one attempt spent on the lost run
    run_worker()
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    assert version.attempts == 2


def test_a_check_never_taken_fails_with_a_reason_after_the_last_attempt(
    client, redis_queue
):
    user, resource, auth = _owner()
    response = client.post(
        f"/api/1/transport/resources/{resource.pk}/versions/",
        {"file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
        headers=auth,
    )
    version = Version.objects.get(pk=response.json()["id"])
    job_response = client.post(
        "/api/1/transport/validations/",
        {"file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
    )
    job = ValidationJob.objects.get(pk=job_response.json()["id"])
    for attempt in (1, 2, 3):
        django_rq.get_queue("default").empty()  # lost, every time
        _age(Version, version.pk)
        _age(ValidationJob, job.pk)
        found = recovery.recover()
        assert (found.requeued, found.failed) == (2, 0), attempt
    django_rq.get_queue("default").empty()
    _age(Version, version.pk)
    _age(ValidationJob, job.pk)
    assert recovery.recover().failed == 2

    version.refresh_from_db()
    assert version.status == VersionStatus.FAILED
    assert "No worker took this file in time, after 3 attempts" in version.error
    client.force_login(user)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "No worker took this file in time" in page
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.finished is not None
    answer = client.get(f"/api/1/transport/validations/{job.pk}/").json()
    assert answer["status"] == "failed"
    assert "No worker took this file in time" in answer["error"]
    # Failed, it can be checked again by its owner.
    client.post(reverse("transport:version_retry", args=[version.pk]))
    run_worker()
    version.refresh_from_db()
    assert version.status == VersionStatus.READY


def test_the_worker_restarts_the_sweep_lost_by_a_redis_restart(settings, redis_queue):
    settings.FABRIQUE_PERIODIC_TASKS = {"fabrique.transport.recovery.recover_stuck": 60}
    settings.TASKS_BACKEND = "rq"
    rq_queue = django_rq.get_queue("default", job_class=Job)
    worker = Worker([rq_queue], connection=rq_queue.connection, job_class=Job)
    worker.run_maintenance_tasks()
    scheduled = rq_queue.get_job_ids()
    assert len(scheduled) == 1
    worker.run_maintenance_tasks()
    assert rq_queue.get_job_ids() == scheduled  # never doubled

    redis_queue.stop()
    redis_queue.start()
    assert rq_queue.get_job_ids() == []
    worker.run_maintenance_tasks()
    assert len(rq_queue.get_job_ids()) == 1


def test_other_tasks_queued_during_an_outage_are_kept_then_queued(redis_queue):
    from fabrique.projects.dump import rebuild_dump
    from fabrique.transport.geocoding import rebuild_transport_stops

    redis_queue.stop()
    assert queue.enqueue(rebuild_dump) is False
    assert queue.enqueue(rebuild_transport_stops) is False
    assert kept() == 2
    redis_queue.start()
    assert queue.release_deferred() == 2
    jobs = django_rq.get_queue("default").get_jobs()
    assert sorted(job.func_name for job in jobs) == [
        "fabrique.projects.dump.rebuild_dump",
        "fabrique.transport.geocoding.rebuild_transport_stops",
    ]


def test_a_hung_redis_costs_a_request_seconds_not_its_worker(client, settings):
    """Redis accepts the connection and never answers (hung, or a machine
    gone mid-way): the upload answers within two seconds, its check kept."""
    import threading
    import time

    from django.db import connection

    from fabrique.settings import redis_queue_url

    silent = socket.socket()
    silent.bind(("127.0.0.1", free_port(range(18350, 18400))))
    silent.listen(64)  # connections complete in the kernel; nothing answers
    port = silent.getsockname()[1]
    settings.RQ_QUEUES = {
        "default": {"URL": redis_queue_url(f"redis://127.0.0.1:{port}/0")}
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
        queue.DEFERRED: {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    _user, resource, auth = _owner()
    answer: dict[str, object] = {}

    def send() -> None:
        started = time.monotonic()
        response = client.post(
            f"/api/1/transport/resources/{resource.pk}/versions/",
            {"file": SimpleUploadedFile("feed.zip", feed_zip(version=1))},
            headers=auth,
        )
        answer["status"] = response.status_code
        answer["seconds"] = time.monotonic() - started
        connection.close()  # this thread's own

    try:
        request = threading.Thread(target=send, daemon=True)
        request.start()
        request.join(25)  # gunicorn's worker timeout is 30 s
        assert not request.is_alive(), "the request hung on Redis"
    finally:
        silent.close()
    assert answer["status"] == 201
    assert kept() == 1
    # redis-py's own defaults cost 5 s here; the queue's timeouts, under 2 s.
    assert answer["seconds"] < 3
