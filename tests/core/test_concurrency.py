"""Concurrency slots in the cache: local memory and a real Redis."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest
from django.core.cache import cache

from fabrique.core import concurrency

REDIS_URL = os.environ.get("FABRIQUE_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def _redis_available() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:
        return False
    return True


@pytest.fixture(params=["locmem", "redis"])
def backend(request, settings):
    settings.RATELIMIT_ENABLED = True
    if request.param == "redis":
        if not _redis_available():
            pytest.skip(f"no Redis at {REDIS_URL}")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                # Keys of this test only: never clear the shared database.
                "KEY_PREFIX": f"test-concurrency-{uuid.uuid4().hex}",
            }
        }
        yield request.param
        # Close the cache's connections (Django keeps its pools open).
        for pool in getattr(cache._cache, "_pools", {}).values():
            pool.disconnect()
        return
    yield request.param


def test_a_client_gets_at_most_limit_slots(backend):
    first = concurrency.acquire("scope", "client-a", 2, lease=30)
    second = concurrency.acquire("scope", "client-a", 2, lease=30)
    assert first is not None
    assert second is not None
    assert first.key != second.key
    assert concurrency.acquire("scope", "client-a", 2, lease=30) is None
    # Other clients and other scopes count on their own.
    other = concurrency.acquire("scope", "client-b", 2, lease=30)
    assert other is not None
    assert concurrency.acquire("other", "client-a", 2, lease=30) is not None
    concurrency.release(first)
    again = concurrency.acquire("scope", "client-a", 2, lease=30)
    assert again is not None
    for lease in (second, other, again):
        concurrency.release(lease)


def test_a_slot_is_freed_when_its_lease_ends(backend):
    held = concurrency.acquire("scope", "client", 1, lease=1)
    assert held is not None
    assert concurrency.acquire("scope", "client", 1, lease=1) is None
    time.sleep(1.2)
    # The holder died without releasing: the lease freed the slot.
    taken = concurrency.acquire("scope", "client", 1, lease=30)
    assert taken is not None
    # The old holder's late release does not free the new holder's slot.
    concurrency.release(held)
    assert concurrency.acquire("scope", "client", 1, lease=30) is None
    concurrency.release(taken)


def test_slot_raises_busy_and_frees_on_error(backend):
    with concurrency.slot("scope", "c", 1, lease=30):
        with (
            pytest.raises(concurrency.Busy) as caught,
            concurrency.slot("scope", "c", 1, lease=30),
        ):
            pass  # pragma: no cover
        assert caught.value.limit == 1
        assert caught.value.retry_after > 0
    with (
        pytest.raises(ValueError, match="boom"),
        concurrency.slot("scope", "c", 1, lease=30),
    ):
        raise ValueError("boom")
    with concurrency.slot("scope", "c", 1, lease=30):
        pass


def test_threads_never_hold_more_than_the_limit(backend):
    running = []
    peak = []
    refused = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        try:
            with concurrency.slot("scope", "crowd", 3, lease=30):
                with lock:
                    running.append(1)
                    peak.append(len(running))
                time.sleep(0.2)
                with lock:
                    running.pop()
        except concurrency.Busy:
            with lock:
                refused.append(1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert max(peak) <= 3
    assert len(peak) + len(refused) == 8
    assert refused


def test_switched_off_with_the_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False
    leases = [concurrency.acquire("scope", "c", 1, lease=30) for _ in range(5)]
    assert all(leases)
    assert cache.get("concurrency:scope") is None


@pytest.mark.django_db
def test_a_page_over_the_limit_answers_429(rf, settings, english):
    settings.RATELIMIT_ENABLED = True
    settings.CONCURRENCY_HEAVY_PER_CLIENT = 1
    seen = []

    @concurrency.limit_concurrency("page")
    def view(request):
        # A second request of the same client while this one runs.
        inner = wrapped_again(rf.post("/x"))
        seen.append(inner)
        from django.http import HttpResponse

        return HttpResponse("ok")

    wrapped_again = concurrency.limit_concurrency("page")(
        lambda request: pytest.fail("must not run")
    )
    response = view(rf.post("/x"))
    assert response.status_code == 200
    [inner] = seen
    assert inner.status_code == 429
    assert inner["Retry-After"]
    assert "already have 1 request" in inner.content.decode()
