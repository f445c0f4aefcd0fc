"""A worker killed (``kill -9``, its children too) in the middle of a check.

The check is slowed down by ``FABRIQUE_TEST_TASK_DELAY`` in the first worker
only, so the kill lands while the version is ``validating``. A second worker
is then started: the version's lease runs out (no heartbeat), the recovery
queues it again and it ends ``ready`` — or, when no attempt is left,
``failed`` with a reason the user reads. Both within a bound.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fabrique.transport.demo import feed_zip
from tests.production.conftest import Instance, running, wait_for

pytestmark = pytest.mark.production

#: A short lease and a frequent recovery, so the test waits seconds, not minutes.
FAST_RECOVERY = {
    "FABRIQUE_TRANSPORT_TASK_LEASE": "6",
    "FABRIQUE_RECOVER_EVERY": "2",
}
BOUND = 120


def _upload(instance: Instance, token: str) -> int:
    api = instance.client(token)
    dataset = api.post(
        "/api/1/transport/datasets/",
        json={"title": "Réseau tué", "summary": "A worker dies while checking."},
    )
    assert dataset.status_code == 201, dataset.text
    resource = api.post(
        f"/api/1/transport/datasets/{dataset.json()['slug']}/resources/",
        json={"title": "Timetables", "format": "gtfs"},
    )
    assert resource.status_code == 201, resource.text
    upload = api.post(
        f"/api/1/transport/resources/{resource.json()['id']}/versions/",
        files={"file": ("feed.zip", feed_zip(version=1), "application/zip")},
    )
    assert upload.status_code == 201, upload.text
    return int(upload.json()["id"])


def _status(instance: Instance, token: str, version_id: int) -> dict:
    response = instance.client(token).get(f"/api/1/transport/versions/{version_id}/")
    assert response.status_code == 200, response.text
    return response.json()


def _kill_mid_check(instance: Instance, token: str) -> int:
    version_id = _upload(instance, token)
    wait_for(
        "the first worker to start the check",
        lambda: _status(instance, token, version_id)["status"] == "validating",
        within=BOUND,
    )
    time.sleep(1)  # well inside the check's 60 s delay
    instance.kill("worker")
    assert _status(instance, token, version_id)["status"] == "validating"
    return version_id


def _gave_up_messages(attempts: int) -> set[str]:
    from django.conf import settings
    from django.utils import translation

    from fabrique.transport.recovery import gave_up_message

    found = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.add(gave_up_message(attempts))
    return found


def _finished(instance: Instance, token: str, version_id: int) -> dict | None:
    body = _status(instance, token, version_id)
    return body if body["status"] in ("ready", "failed") else None


def test_a_killed_worker_s_check_is_run_again(tmp_path: Path, queue: str) -> None:
    with running(tmp_path, queue, worker=False, **FAST_RECOVERY) as instance:
        token = instance.token("killer")
        instance.start_worker(FABRIQUE_TEST_TASK_DELAY="60")
        try:
            version_id = _kill_mid_check(instance, token)
            instance.start_worker()
            version = wait_for(
                "the version after the kill",
                lambda: _finished(instance, token, version_id),
                within=BOUND,
            )
        except BaseException:
            print("--- worker log ---\n" + instance.log("worker"))
            raise
        assert version["status"] == "ready", version
        assert version["error"] == ""


def test_without_attempts_left_the_version_fails_with_its_reason(
    tmp_path: Path,
) -> None:
    settings = {**FAST_RECOVERY, "FABRIQUE_TRANSPORT_TASK_ATTEMPTS": "1"}
    with running(tmp_path, "database", worker=False, **settings) as instance:
        token = instance.token("killer")
        instance.start_worker(FABRIQUE_TEST_TASK_DELAY="60")
        version_id = _kill_mid_check(instance, token)
        instance.start_worker()
        version = wait_for(
            "the version after the kill",
            lambda: _finished(instance, token, version_id),
            within=BOUND,
        )
        assert version["status"] == "failed", version
        assert version["error"] in _gave_up_messages(1), version["error"]
        # The way out: the user checks it again (API), it ends ready.
        retried = instance.client(token).post(
            f"/api/1/transport/versions/{version_id}/retry/"
        )
        assert retried.status_code == 202, retried.text
        version = wait_for(
            "the version checked again",
            lambda: _finished(instance, token, version_id),
            within=BOUND,
        )
        assert version["status"] == "ready", version
