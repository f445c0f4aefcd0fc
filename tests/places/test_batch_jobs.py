"""Big CSV files become background jobs; heavy routes are limited per client."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fabrique.places import jobs

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NEVER_RUN = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
ROWS = "q\n" + "12 rue de rivoli\nrue du touat rodez\n" * 6


@pytest.fixture(autouse=True)
def _small_budget(settings, tmp_path):
    settings.GEOCODER_JOBS = tmp_path / "jobs"
    settings.GEOCODER_CSV_SYNC_ROWS = 5
    settings.TASKS = IMMEDIATE


def upload(client, content: str, path: str = "/search/csv/", **extra):
    data = {"data": SimpleUploadedFile("big.csv", content.encode(), "text/csv")}
    return client.post(path, {**data, **extra.pop("form", {})}, **extra)


def status(response) -> int:
    """The status code; a streamed body is closed."""
    response.close()
    return response.status_code


def drain(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def test_a_small_file_is_still_answered_at_once(client):
    response = upload(client, "q\n12 rue de rivoli\n")
    assert response.status_code == 200
    assert b"75104_8158_00012" in drain(response)


def test_a_big_file_becomes_a_job_with_progress_and_a_download(client):
    response = upload(client, ROWS)
    assert response.status_code == 202
    body = response.json()
    assert body["title"] == "Accepted"
    assert body["rows"] == 12
    assert response["Location"] == body["url"] == f"/api/1/geocoder/jobs/{body['id']}/"

    job = client.get(body["url"]).json()
    assert job["status"] == "done"
    assert (job["rows"], job["rows_done"], job["progress"]) == (12, 12, 100)
    assert job["result_url"] == f"/geocodeur/lots/{body['id']}/resultat.csv"

    result = client.get(job["result_url"])
    assert result.status_code == 200
    assert 'filename="big.geocoded.csv"' in result["Content-Disposition"]
    text = drain(result).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 12
    assert rows[0]["result_id"] == "75104_8158_00012"
    assert {row["result_status"] for row in rows} == {"ok"}

    page = client.get(job["page_url"])
    assert page.status_code == 200
    assert job["result_url"] in page.content.decode()


def test_the_job_gives_the_same_file_as_the_synchronous_answer(client, settings):
    queued = upload(client, ROWS, form={"columns": ["q"]}).json()
    from_job = drain(client.get(client.get(queued["url"]).json()["result_url"]))
    settings.GEOCODER_CSV_SYNC_ROWS = 1000
    at_once = upload(client, ROWS, form={"columns": ["q"]})
    assert at_once.status_code == 200
    assert drain(at_once) == from_job


def test_a_browser_is_sent_to_the_job_page(client, english):
    response = upload(client, ROWS, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Download the geocoded file" in page.content.decode()


def test_over_the_time_budget_the_file_goes_to_a_job(client, settings):
    settings.GEOCODER_CSV_SYNC_ROWS = 10_000
    settings.GEOCODER_CSV_SYNC_SECONDS = 0
    response = upload(client, "q\n" + "rue de rivoli\n" * 450)
    assert response.status_code == 202
    job = client.get(response.json()["url"]).json()
    assert (job["status"], job["rows_done"]) == ("done", 450)


def test_a_queued_job_shows_its_state_and_has_no_result_yet(client, settings):
    settings.TASKS = NEVER_RUN
    body = upload(client, ROWS).json()
    job = client.get(body["url"]).json()
    assert (job["status"], job["progress"], job["result_url"]) == ("queued", 0, None)
    assert client.get(f"/geocodeur/lots/{body['id']}/resultat.csv").status_code == 404
    page = client.get(body["page_url"])
    assert 'http-equiv="refresh"' in page.content.decode()


def test_a_job_that_cannot_be_geocoded_says_why(client):
    body = upload(client, ROWS, form={"columns": ["nope"]}).json()
    job = client.get(body["url"]).json()
    assert job["status"] == "failed"
    assert "column 'nope' is not in the header" in job["error"]


def test_expired_jobs_are_gone_and_purged(client, settings):
    body = upload(client, ROWS).json()
    job = jobs.load(body["id"])
    job.expires_at = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    job.save()
    assert client.get(body["url"]).status_code == 404
    assert client.get(body["page_url"]).status_code == 404
    assert jobs.purge_expired() == 1
    assert not job.directory.exists()
    assert client.get("/api/1/geocoder/jobs/not-a-uuid/").status_code == 404


def test_the_json_api_queues_jobs_too(client):
    response = upload(client, ROWS, path="/api/1/geocoder/search/csv/")
    assert response.status_code == 202
    assert client.get(response.json()["url"]).json()["status"] == "done"


def test_jobs_per_client_are_limited(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.TASKS = NEVER_RUN  # jobs stay queued, holding their slots
    settings.GEOCODER_CSV_JOBS_PER_CLIENT = 1
    assert upload(client, ROWS).status_code == 202
    refused = upload(client, ROWS)
    assert refused.status_code == 429
    assert refused.json()["title"] == "Too Many Requests"
    assert int(refused["Retry-After"]) > 0
    # Another client is not concerned.
    assert upload(client, ROWS, REMOTE_ADDR="10.1.2.3").status_code == 202
    # A small file is still answered at once.
    assert status(upload(client, "q\nrodez\n")) == 200


def test_a_finished_job_frees_its_slot(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.GEOCODER_CSV_JOBS_PER_CLIENT = 1
    for _ in range(3):
        assert upload(client, ROWS).status_code == 202


def test_csv_uploads_are_rate_limited_per_client(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_GEOCODER_CSV = "2/3600"
    assert status(upload(client, "q\nrodez\n")) == 200
    assert status(upload(client, "q\nrodez\n")) == 200
    refused = upload(client, "q\nrodez\n")
    assert refused.status_code == 429
    assert "At most 2 files in 3600 seconds" in refused.json()["description"]
    api = upload(client, "q\nrodez\n", path="/api/1/geocoder/search/csv/")
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "rate_limited"


def test_a_job_whose_worker_died_ends_failed_with_a_reason(client, settings):
    import os
    import time

    settings.RATELIMIT_ENABLED = True
    settings.GEOCODER_CSV_JOBS_PER_CLIENT = 1
    settings.TASKS = NEVER_RUN
    body = upload(client, ROWS).json()
    job = jobs.load(body["id"])
    job.status = jobs.RUNNING  # a worker took it, then was killed
    job.save()
    assert client.get(body["url"]).json()["status"] == "running"
    old = time.time() - jobs.STALE_AFTER - 5
    os.utime(job.directory / "job.json", (old, old))
    seen = client.get(body["url"]).json()
    assert seen["status"] == "failed"
    assert "worker stopped" in seen["error"]
    # Its slot is free again: the client can send the file anew.
    assert upload(client, ROWS).status_code == 202


def _silent(job: jobs.Job) -> None:
    import os
    import time

    old = time.time() - jobs.STALE_AFTER - 5
    os.utime(job.directory / "job.json", (old, old))


def test_a_queued_job_no_worker_takes_is_queued_again_then_fails(client, settings):
    settings.TASKS = NEVER_RUN  # queued, then lost: it waits in no queue
    body = upload(client, ROWS).json()
    job = jobs.load(body["id"])
    assert jobs.requeue_untaken() == (0, 0)  # not silent for long yet
    for attempt in range(1, jobs.QUEUE_ATTEMPTS + 1):
        _silent(job)
        assert jobs.requeue_untaken() == (1, 0)
        assert jobs.load(body["id"]).attempts == attempt
    _silent(job)
    assert jobs.requeue_untaken() == (0, 1)
    seen = client.get(body["url"]).json()
    assert seen["status"] == "failed"
    assert "No worker took this file in time" in seen["error"]


def test_a_queued_job_still_waiting_in_the_queue_is_left_alone(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    body = upload(client, ROWS).json()
    _silent(jobs.load(body["id"]))
    assert jobs.requeue_untaken() == (0, 0)
    assert jobs.load(body["id"]).status == jobs.QUEUED


def test_a_lost_job_queued_again_runs_to_the_end(client, settings):
    settings.TASKS = NEVER_RUN
    body = upload(client, ROWS).json()
    _silent(jobs.load(body["id"]))
    settings.TASKS = IMMEDIATE  # a worker is back
    assert jobs.requeue_untaken() == (1, 0)
    assert client.get(body["url"]).json()["status"] == "done"
