"""The cache-based rate limiter, and the limits on sign-up, login and API writes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from fabrique.core.ratelimit import Rate, RateLimited, client_ip, hit, ratelimit


@pytest.fixture(autouse=True)
def _limits_on(settings):
    """tests/conftest.py switches limits off; these tests are about them."""
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    yield
    cache.clear()


def test_a_rate_is_read_as_count_per_seconds():
    assert Rate.parse("5/3600") == Rate(5, 3600)


@pytest.mark.parametrize("text", ["", "5", "5/", "/60", "five/60", "0/60", "5/-1"])
def test_a_malformed_rate_is_refused_with_the_setting_named(text):
    with pytest.raises(ImproperlyConfigured, match="RATELIMIT_LOGIN"):
        Rate.parse(text, name="RATELIMIT_LOGIN")


def test_hits_up_to_the_count_pass_and_the_next_one_is_refused():
    rate = Rate(3, 60)
    for _ in range(3):
        hit("scope", "key", rate, now=1000.0)
    with pytest.raises(RateLimited) as caught:
        hit("scope", "key", rate, now=1000.0)
    # The window [960, 1020) ends in 20 seconds.
    assert caught.value.retry_after == 20


def test_keys_and_scopes_are_counted_separately():
    rate = Rate(1, 60)
    hit("login", "1.2.3.4", rate, now=0.0)
    hit("login", "5.6.7.8", rate, now=0.0)
    hit("signup", "1.2.3.4", rate, now=0.0)
    with pytest.raises(RateLimited):
        hit("login", "1.2.3.4", rate, now=0.0)


def test_a_new_window_starts_a_new_count():
    rate = Rate(1, 60)
    hit("scope", "key", rate, now=10.0)
    hit("scope", "key", rate, now=70.0)
    with pytest.raises(RateLimited):
        hit("scope", "key", rate, now=71.0)


def test_disabled_limits_let_everything_through(settings):
    settings.RATELIMIT_ENABLED = False
    for _ in range(10):
        hit("scope", "key", Rate(1, 60))


def test_the_decorator_limits_only_the_given_methods(settings):
    settings.RATELIMIT_LOGIN = "1/60"

    @ratelimit("test", "RATELIMIT_LOGIN")
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    assert view(factory.get("/")).status_code == 200
    assert view(factory.get("/")).status_code == 200
    assert view(factory.post("/")).status_code == 200
    refused = view(factory.post("/"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.django_db
def test_login_attempts_over_the_limit_get_a_429_page_saying_when_to_retry(
    client, settings
):
    settings.RATELIMIT_LOGIN = "2/300"
    settings.LANGUAGE_CODE = "en"
    url = "/accounts/connexion/"
    for _ in range(2):
        response = client.post(url, {"username": "x", "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(url, {"username": "x", "password": "wrong-password"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many attempts" in body
    assert "at most 2" in body
    assert "Retry-After" in response.headers


@pytest.mark.django_db
def test_sign_ups_over_the_limit_get_a_429_page(client, settings):
    settings.RATELIMIT_SIGNUP = "1/3600"
    url = "/accounts/inscription/"
    assert client.post(url, {"username": ""}).status_code == 200
    assert client.post(url, {"username": ""}).status_code == 429


def test_without_proxies_the_client_is_the_peer_address(settings):
    settings.RATELIMIT_PROXY_COUNT = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert client_ip(request) == "10.0.0.1"


def test_behind_proxies_the_client_is_read_from_the_trusted_end(settings):
    settings.RATELIMIT_PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the real address.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"
    settings.RATELIMIT_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2"
    )
    assert client_ip(request) == "203.0.113.7"


def test_a_missing_forwarded_header_falls_back_to_the_peer(settings):
    settings.RATELIMIT_PROXY_COUNT = 1
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
