"""A Redis outage slows the site down but never breaks a page or a session.

Each test starts its own ``redis-server`` on a free port (18200-18299), then
stops and restarts it: the cache is the real one, pointed at that server.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.catalog.factories import make_commons, make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="redis-server is not installed"
    ),
]

PASSWORD = "a-long-test-password"


def _free_port() -> int:
    for port in range(18200, 18300):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 18200-18299 for a test Redis")


class RedisServer:
    """One redis-server process on loopback, saving to ``folder`` on shutdown."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self, *, save: bool = False) -> None:
        """Shut down, keeping the data on disk for the next start if ``save``."""
        assert self.process is not None
        with socket.create_connection(("127.0.0.1", self.port), 1) as conn:
            conn.sendall(b"SHUTDOWN SAVE\r\n" if save else b"SHUTDOWN NOSAVE\r\n")
        self.process.wait(10)
        self.process = None

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path, _free_port())
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The production cache and sessions, on the test's own Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "fabrique.core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"RETRY_SECONDS": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return redis_server


def _wait_for_retry() -> None:
    time.sleep(0.6)


def _signed_in(client) -> bool:
    response = client.get(reverse("accounts:profile"))
    return response.status_code == 200


def test_pages_answer_during_an_outage_and_sessions_survive_a_restart(
    client, redis_cache
):
    commons = make_commons()
    make_user("camille")
    assert (
        client.post(
            reverse("accounts:login"), {"username": "camille", "password": PASSWORD}
        ).status_code
        == 302
    )
    anonymous = client.__class__()
    pages = ["/", "/communs/", commons.get_absolute_url()]
    for page in pages:
        assert anonymous.get(page).status_code == 200
    assert _signed_in(client)

    redis_cache.stop()
    for _ in range(3):
        for page in pages:
            assert anonymous.get(page).status_code == 200, page
            assert client.get(page).status_code == 200, page
    assert _signed_in(client)

    # Restarted empty, as after a crash: the session comes from the database.
    redis_cache.start()
    _wait_for_retry()
    assert _signed_in(client)
    for page in pages:
        assert anonymous.get(page).status_code == 200
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def test_an_outage_costs_no_wait_per_request(client, redis_cache, settings):
    settings.CACHES["default"]["OPTIONS"]["RETRY_SECONDS"] = 60
    make_commons()
    redis_cache.stop()
    assert client.get("/").status_code == 200
    assert not cache.available
    # The circuit is open: nothing asks the stopped server.
    assert cache.get("anything", "default") == "default"


def test_a_sign_out_during_an_outage_stays_signed_out_after_it(client, redis_cache):
    make_user("camille")
    client.post(
        reverse("accounts:login"), {"username": "camille", "password": PASSWORD}
    )
    assert _signed_in(client)
    session_key = client.cookies["sessionid"].value

    redis_cache.stop(save=True)
    client.post(reverse("accounts:logout"))
    assert not _signed_in(client)

    # Redis comes back with the session it held before the outage; the
    # dropped delete is applied as soon as it answers.
    redis_cache.start()
    _wait_for_retry()
    client.cookies["sessionid"] = session_key
    assert not _signed_in(client)


def test_a_value_written_during_an_outage_is_not_read_stale_after_it(redis_cache):
    cache.set("page-version:x", "before")
    redis_cache.stop(save=True)
    cache.set("page-version:x", "during")
    assert cache.get("page-version:x") is None
    redis_cache.start()
    _wait_for_retry()
    assert cache.get("page-version:x") is None


def test_rate_limits_count_in_the_process_during_an_outage(
    client, redis_cache, settings
):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_LOGIN = "3/300"
    redis_cache.stop()
    cache.get("probe")  # the outage is noticed
    statuses = [
        client.post(
            reverse("accounts:login"),
            {"username": f"user{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.7",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
