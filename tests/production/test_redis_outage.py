"""``fabrique worker`` on RQ outlives a Redis crash.

A Redis server of the test's own is killed (``kill -9``) under a running
worker, then started again, empty. RQ's loop quits on a Redis error met
outside its wait for a job, and ``rqworker`` exits when Redis cannot be
reached: the worker must still be there afterwards and check a GTFS version
uploaded once Redis is back, within a bound.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.production.conftest import running, wait_for
from tests.production.test_worker_kill import BOUND, FAST_RECOVERY, _finished, _upload
from tests.production.topology import free_port

pytestmark = pytest.mark.production


@contextlib.contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def _answers(port: int) -> bool:
    done = subprocess.run(
        ["redis-cli", "-p", str(port), "ping"], capture_output=True, check=False
    )
    return done.stdout.strip() == b"PONG"


def test_the_worker_outlives_a_redis_crash_and_checks_what_comes_next(
    tmp_path: Path,
) -> None:
    port = free_port()
    with redis_server(port) as first:
        wait_for("Redis to answer", lambda: _answers(port), within=20)
        with running(
            tmp_path, "rq", worker=False, redis=f"redis://127.0.0.1:{port}/0",
            **FAST_RECOVERY,
        ) as instance:  # fmt: skip
            token = instance.token("outage")
            instance.start_worker()
            wait_for(
                "the worker to listen",
                lambda: "Listening on" in instance.log("worker"),
                within=60,
            )
            first.send_signal(signal.SIGKILL)
            first.wait()
            time.sleep(8)  # heartbeats, maintenance and the scheduler meet the crash
            with redis_server(port):
                wait_for("Redis to answer again", lambda: _answers(port), within=20)
                version_id = _upload(instance, token)
                body = wait_for(
                    "the version uploaded after the crash to be checked",
                    lambda: _finished(instance, token, version_id),
                    within=BOUND,
                )
                assert body["status"] == "ready", (body, instance.log("worker"))
                worker = instance.processes["worker"]
                assert worker.poll() is None, instance.log("worker")
