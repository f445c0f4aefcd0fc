"""A username with too many failed sign-ins is locked for a while."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from fabrique.accounts.views.auth import lockout_remaining, record_login_failure
from tests.catalog.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PASSWORD = "a-long-test-password"


@pytest.fixture
def lockout(settings):
    settings.RATELIMIT_ENABLED = True
    # The per-address and per-username request limits stay out of the way.
    settings.RATELIMIT_LOGIN = "1000/60"
    settings.LOGIN_LOCKOUT = "3/600"


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_failures_below_the_limit_still_let_the_right_password_in(client, lockout):
    make_user("alix")
    for _ in range(2):
        assert _login(client, "alix", "wrong").status_code == 200
    assert _login(client, "alix", PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_the_limit_locks_the_username_even_with_the_right_password(client, lockout):
    make_user("alix")
    assert _login(client, "alix", "wrong").status_code == 200
    assert _login(client, "alix", "wrong").status_code == 200
    locked = _login(client, "alix", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts for this username" in (
        locked.content.decode()
    )
    assert 0 < int(locked["Retry-After"]) <= 600
    # From another address, with the right password: still refused.
    response = _login(client, "ALIX", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another username is not affected.
    make_user("camille")
    assert _login(client, "camille", PASSWORD).status_code == 302


def test_a_success_clears_the_failures(client, lockout):
    make_user("alix")
    _login(client, "alix", "wrong")
    _login(client, "alix", "wrong")
    assert _login(client, "alix", PASSWORD).status_code == 302
    client.logout()
    _login(client, "alix", "wrong")
    _login(client, "alix", "wrong")
    assert _login(client, "alix", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_window(lockout):
    start = time.time()
    assert record_login_failure("alix", now=start) == 0
    assert record_login_failure("alix", now=start) == 0
    assert record_login_failure("alix", now=start) == 600
    assert 0 < lockout_remaining("alix", now=start + 1) <= 600
    assert lockout_remaining("alix", now=start + 601) == 0


def test_unknown_usernames_lock_the_same_way_revealing_nothing(client, lockout):
    for _ in range(2):
        assert _login(client, "nobody", "x").status_code == 200
    assert _login(client, "nobody", "x").status_code == 429


def test_a_malformed_lockout_setting_is_named(client, settings, lockout):
    from django.core.exceptions import ImproperlyConfigured

    settings.LOGIN_LOCKOUT = "five"
    with pytest.raises(ImproperlyConfigured, match="LOGIN_LOCKOUT"):
        _login(client, "alix", "wrong")
