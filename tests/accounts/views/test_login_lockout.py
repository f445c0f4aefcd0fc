"""Sign-in throttling: per client, and per (username, client) with a growing
lock, so that no stranger can lock an owner out of their own account."""

from __future__ import annotations

import string
import time

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fabrique.accounts.views.auth import (
    lockout_remaining,
    normalise_username,
    record_login_failure,
)
from tests.catalog.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PASSWORD = "a-long-test-password"
OWNER_ADDRESS = "192.0.2.10"
# What Django's username validator accepts, in ASCII.
USERNAME_CHARACTERS = string.ascii_letters + string.digits + "_.@+-"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Hundreds of sign-ins: a cheap hash, the throttling is what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lockout(settings):
    settings.RATELIMIT_ENABLED = True
    # The per-client request limit stays out of the way.
    settings.RATELIMIT_LOGIN = "1000/60"
    settings.LOGIN_LOCKOUT = "3/600"


def _login(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def test_strangers_on_many_addresses_cannot_lock_the_owner_out(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.LOGIN_LOCKOUT = "5/900"  # the defaults
    settings.RATELIMIT_LOGIN = "10/300"
    make_user("camille")
    for n in range(20):
        for spelling in ("camille", "CAMILLE", " camille "):
            _login(client, spelling, f"guess-{n}", address=f"203.0.113.{n}")
    assert _login(client, "camille", PASSWORD, OWNER_ADDRESS).status_code == 302
    assert "_auth_user_id" in client.session


def test_strangers_behind_a_proxy_cannot_lock_the_owner_out(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_PROXY_COUNT = 1
    make_user("camille")
    for n in range(20):
        for _ in range(6):
            _login(
                client,
                "Camille",
                "wrong",
                address="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            )
    response = _login(
        client,
        "camille",
        PASSWORD,
        address="127.0.0.1",
        HTTP_X_FORWARDED_FOR=OWNER_ADDRESS,
    )
    assert response.status_code == 302


def test_failures_below_the_limit_still_let_the_right_password_in(client, lockout):
    make_user("alix")
    for _ in range(2):
        assert _login(client, "alix", "wrong").status_code == 200
    assert _login(client, "alix", PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_the_limit_locks_that_client_on_that_username_only(client, lockout):
    make_user("alix")
    make_user("camille")
    assert _login(client, "alix", "wrong").status_code == 200
    assert _login(client, "ALIX", "wrong").status_code == 200
    locked = _login(client, " alix ", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts for this username from your" in (
        locked.content.decode()
    )
    assert int(locked["Retry-After"]) == 60
    # The same client, with the right password: still refused for now.
    assert _login(client, "alix", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # Another username from this client, and the owner from elsewhere: in.
    assert _login(client, "camille", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "alix", PASSWORD, address="10.9.9.9").status_code == 302


def test_each_further_failure_doubles_the_lock_up_to_the_setting(lockout):
    start = time.time()
    waits = [record_login_failure("alix", "10.0.0.1", now=start) for _ in range(8)]
    assert waits == [0, 0, 60, 120, 240, 480, 600, 600]
    assert 0 < lockout_remaining("ALIX", "10.0.0.1", now=start + 1) <= 600
    assert lockout_remaining("alix", "10.0.0.1", now=start + 601) == 0
    assert lockout_remaining("alix", "10.0.0.2", now=start + 1) == 0


def test_a_success_clears_the_failures(client, lockout):
    make_user("alix")
    _login(client, "alix", "wrong")
    _login(client, "alix", "wrong")
    assert _login(client, "alix", PASSWORD).status_code == 302
    client.logout()
    _login(client, "alix", "wrong")
    _login(client, "alix", "wrong")
    assert _login(client, "alix", PASSWORD).status_code == 302


def test_one_client_is_limited_across_usernames(client, lockout, settings):
    settings.RATELIMIT_LOGIN = "5/300"
    statuses = [_login(client, f"user{n}", "x").status_code for n in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    # Another client is not.
    assert _login(client, "user0", "x", address="10.0.0.2").status_code == 200


def test_addresses_of_one_ipv6_network_count_as_one_client(client, lockout):
    for n in range(2):
        assert _login(client, "alix", "x", address=f"2001:db8::{n}").status_code == 200
    assert _login(client, "alix", "x", address="2001:db8::ff").status_code == 429
    assert _login(client, "alix", "x", address="2001:db8:1::1").status_code == 200


def test_unknown_usernames_lock_the_same_way_revealing_nothing(client, lockout):
    for _ in range(2):
        assert _login(client, "nobody", "x").status_code == 200
    assert _login(client, "nobody", "x").status_code == 429


def test_a_malformed_lockout_setting_is_named(client, settings, lockout):
    from django.core.exceptions import ImproperlyConfigured

    settings.LOGIN_LOCKOUT = "five"
    with pytest.raises(ImproperlyConfigured, match="LOGIN_LOCKOUT"):
        _login(client, "alix", "wrong")


@given(
    name=st.text(USERNAME_CHARACTERS, min_size=1, max_size=40),
    flips=st.lists(st.booleans(), min_size=40, max_size=40),
    spaces=st.tuples(st.text(" \t", max_size=3), st.text(" \t", max_size=3)),
)
def test_case_and_surrounding_spaces_name_the_same_username(name, flips, spaces):
    variant = "".join(
        c.upper() if flip else c.lower() for c, flip in zip(name, flips, strict=False)
    )
    assert normalise_username(spaces[0] + variant + spaces[1]) == normalise_username(
        name
    )
