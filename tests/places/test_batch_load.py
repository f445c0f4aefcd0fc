"""No anonymous CSV upload holds a web worker: the real server, two maximal files.

Starts ``fabrique serve`` (gunicorn, two workers) on a loopback port, sends
two CSV files at the size cap at the same time, and asks for the home page
meanwhile: it must answer within a second, and both files must be taken as
background jobs (no worker runs here, so they stay queued).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

PORTS = range(18400, 18500)
CAP = 8 * 1024 * 1024  # the observed case: an 8 MB file of about 270,000 rows
LINE = b"12 rue de rivoli 75004 paris;x\n"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 18400-18499")


def maximal_csv(path: Path) -> Path:
    rows = (CAP - 64) // len(LINE)
    path.write_bytes(b"q;other\n" + LINE * rows)
    assert CAP - 1024 < path.stat().st_size <= CAP
    return path


@pytest.fixture
def server(tmp_path: Path, places_index: Path):
    port = free_port()
    env = {
        **os.environ,
        "FABRIQUE_DATA_DIR": str(tmp_path / "data"),
        "FABRIQUE_GEOCODER_INDEX": str(places_index),
        "GEOCODER_CSV_MAX_BYTES": str(CAP),
        "TASKS_BACKEND": "database",
        "DJANGO_SETTINGS_MODULE": "fabrique.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fabrique",
            "serve",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            if process.poll() is not None:
                pytest.fail((tmp_path / "server.log").read_text()[-3000:])
            try:
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not start within 180 s")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.load
def test_home_answers_within_a_second_during_two_maximal_uploads(server, tmp_path):
    data = maximal_csv(tmp_path / "big.csv")
    # Both workers render the home page once first: cold starts are not measured.
    for _ in range(6):
        assert httpx.get(server + "/", timeout=10).status_code == 200
    answers: list[httpx.Response] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            with data.open("rb") as handle:
                answers.append(
                    httpx.post(
                        server + "/search/csv/",
                        files={"data": ("big.csv", handle, "text/csv")},
                        timeout=60,
                    )
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    uploads = [threading.Thread(target=send) for _ in range(2)]
    for thread in uploads:
        thread.start()
    waits = []
    while any(thread.is_alive() for thread in uploads) or len(waits) < 3:
        started = time.monotonic()
        response = httpx.get(server + "/", timeout=10)
        waits.append(time.monotonic() - started)
        assert response.status_code == 200
        time.sleep(0.1)
    for thread in uploads:
        thread.join()
    assert not errors, errors
    assert [answer.status_code for answer in answers] == [202, 202]
    for answer in answers:
        job = httpx.get(server + answer.json()["url"], timeout=10).json()
        assert job["status"] == "queued"
        assert job["rows"] == (CAP - 64) // len(LINE)
    uploads_took = [answer.elapsed.total_seconds() for answer in answers]
    assert max(waits) < 1.0, f"home page waits {sorted(waits)}, uploads {uploads_took}"
