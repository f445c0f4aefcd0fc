"""``fabrique worker`` on RQ outlives a Redis crash.

A Redis server of the test's own is killed (``kill -9``) under a running
worker, then started again, empty. RQ's loop quits on a Redis error met
outside its wait for a job, and ``rqworker`` exits when Redis cannot be
reached: the worker must still be there afterwards and check a GTFS version
uploaded once Redis is back, within a bound.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.production.conftest import running, wait_for
from tests.production.test_worker_kill import BOUND, FAST_RECOVERY, _finished, _upload
from tests.production.topology import free_port
from tests.redis_server import RedisServer

pytestmark = pytest.mark.production


def test_the_worker_outlives_a_redis_crash_and_checks_what_comes_next(
    tmp_path: Path,
) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path, free_port())
    server.start()
    try:
        with running(
            tmp_path, "rq", worker=False, redis=server.url, **FAST_RECOVERY
        ) as instance:
            token = instance.token("outage")
            instance.start_worker()
            wait_for(
                "the worker to listen",
                lambda: "Listening on" in instance.log("worker"),
                within=60,
            )
            server.kill()
            time.sleep(8)  # heartbeats, maintenance and the scheduler meet the crash
            server.start()  # empty: nothing was saved
            version_id = _upload(instance, token)
            body = wait_for(
                "the version uploaded after the crash to be checked",
                lambda: _finished(instance, token, version_id),
                within=BOUND,
            )
            assert body["status"] == "ready", (body, instance.log("worker"))
            assert instance.processes["worker"].poll() is None, instance.log("worker")
    finally:
        server.kill()
