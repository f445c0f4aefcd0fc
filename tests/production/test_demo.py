"""``fabrique demo`` alone runs the background tasks, and stops its worker.

The README's first command, as a process on SQLite with no other service:
an on-demand validation ends, and a Ctrl-C stops the server and the worker
it started (nothing of its process group is left).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from fabrique.transport.demo import feed_zip
from tests.production.conftest import free_port, wait_for

pytestmark = pytest.mark.production

BOUND = 240  # the demo loads its content before it serves


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_demo_validates_with_nothing_else_started(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FABRIQUE_", "DJANGO_", "PYTEST", "TASKS_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
    }
    env.update(FABRIQUE_DATA_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "demo.log"
    with log_path.open("ab") as log:
        demo = subprocess.Popen(
            [sys.executable, "-m", "fabrique", "demo", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def home() -> bool:
            if demo.poll() is not None:
                pytest.fail(f"fabrique demo exited:\n{log_path.read_text()[-3000:]}")
            try:
                return httpx.get(url + "/", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for("the demo's home page", home, within=BOUND)
        created = httpx.post(
            url + "/api/1/transport/validations/",
            files={"file": ("feed.zip", feed_zip(version=1), "application/zip")},
            timeout=30,
        )
        assert created.status_code == 202, created.text
        job_url = url + created.json()["url"]

        def finished() -> dict | None:
            body = httpx.get(job_url, timeout=10).json()
            return body if body["status"] in ("done", "failed") else None

        job = wait_for("the on-demand validation", finished, within=120)
        assert job["status"] == "done", job
        demo.send_signal(signal.SIGINT)  # Ctrl-C
        demo.wait(timeout=30)
        wait_for(
            "the demo's worker to stop",
            lambda: not _group_alive(demo.pid),
            within=30,
        )
    except BaseException:
        print(log_path.read_text()[-4000:])
        raise
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()
