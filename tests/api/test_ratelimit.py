"""Rate limit of API writes (``fabrique.api.ratelimit``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_user

pytestmark = pytest.mark.django_db

BODY = {"title": "Navettes", "summary": "Des navettes ouvertes.", "kind": "service"}


@pytest.fixture
def limited(settings):
    cache.clear()
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_API_WRITE = "2/3600"
    yield
    cache.clear()


def test_writes_over_the_limit_get_429_with_retry_after(limited, as_owner):
    assert as_owner.post("/api/1/commons/", BODY).status_code == 201
    assert as_owner.post("/api/1/commons/", BODY).status_code == 201
    refused = as_owner.post("/api/1/commons/", BODY)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600


def test_each_caller_has_their_own_budget(limited, as_owner):
    for _ in range(2):
        as_owner.post("/api/1/commons/", BODY)
    assert as_owner.post("/api/1/commons/", BODY).status_code == 429
    other = ApiClient(token_for(make_user("other")))
    assert other.post("/api/1/commons/", BODY).status_code == 201


def test_reads_are_not_limited(limited, as_owner):
    for _ in range(5):
        assert as_owner.get("/api/1/commons/").status_code == 200


def test_refused_writes_are_not_applied(limited, as_owner):
    from fabrique.catalog.models import Commons

    for _ in range(4):
        as_owner.post("/api/1/commons/", BODY)
    assert Commons.objects.count() == 2


def test_the_limit_can_be_switched_off(settings, as_owner):
    cache.clear()
    settings.RATELIMIT_ENABLED = False
    settings.RATELIMIT_API_WRITE = "1/3600"
    for _ in range(3):
        assert as_owner.post("/api/1/commons/", BODY).status_code == 201
