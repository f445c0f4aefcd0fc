"""A Redis outage slows the site down but never breaks a page or a session.

Each test starts its own ``redis-server`` on a free port (18200-18299), then
stops and restarts it: the cache is the real one, pointed at that server.
"""

from __future__ import annotations

import shutil
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.catalog.factories import make_commons, make_user
from tests.redis_server import RedisServer, free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="redis-server is not installed"
    ),
]

PASSWORD = "a-long-test-password"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path, free_port(range(18200, 18300)))
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
