"""The profile's sign-in methods and sessions; second factor required of
staff when the site says so."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.test import Client

from fabrique.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def _signed_in(username: str, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    assert (
        client.post(
            "/accounts/connexion/", {"username": username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client


def test_the_profile_lists_the_sessions_and_one_can_be_signed_out():
    User.objects.create_user("sam", "sam@example.org", PASSWORD)
    laptop = _signed_in("sam", "Laptop browser")
    phone = _signed_in("sam", "Phone browser")
    page = laptop.get("/accounts/profil/").content.decode()
    assert "Laptop browser" in page
    assert "Phone browser" in page
    assert "Add a passkey" in page or "Ajouter une clé d’accès" in page
    other = UserSession.objects.get(user_agent="Phone browser")
    assert (
        laptop.post(f"/accounts/profil/sessions/{other.pk}/terminer/").status_code
        == 302
    )
    assert not phone.get("/accounts/profil/").wsgi_request.user.is_authenticated
    assert laptop.get("/accounts/profil/").wsgi_request.user.is_authenticated


def test_nobody_signs_out_the_sessions_of_someone_else():
    User.objects.create_user("sam", "sam@example.org", PASSWORD)
    User.objects.create_user("kim", "kim@example.org", PASSWORD)
    sam = _signed_in("sam", "Sam's browser")
    kim = _signed_in("kim", "Kim's browser")
    session = UserSession.objects.get(user__username="sam")
    assert (
        kim.post(f"/accounts/profil/sessions/{session.pk}/terminer/").status_code == 404
    )
    assert sam.get("/accounts/profil/").wsgi_request.user.is_authenticated


def test_moderators_must_add_a_second_factor_when_required(settings):
    settings.REQUIRE_2FA_FOR_STAFF = True
    User.objects.create_user("mod", "mod@example.org", PASSWORD, role="moderator")
    client = _signed_in("mod", "browser")
    page = client.get("/accounts/profil/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/2fa/"
    assert client.get("/accounts/2fa/").status_code == 200
    Authenticator.objects.create(
        user=User.objects.get(username="mod"),
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "00" * 20, "used_mask": 0},
    )
    assert client.get("/accounts/profil/").status_code == 200


def test_members_are_not_asked_for_a_second_factor(settings):
    settings.REQUIRE_2FA_FOR_STAFF = True
    User.objects.create_user("sam", "sam@example.org", PASSWORD)
    assert _signed_in("sam", "browser").get("/accounts/profil/").status_code == 200


def test_a_password_alone_is_not_enough_once_an_authenticator_app_is_on():
    from allauth.mfa.totp.internal import auth as totp

    user = User.objects.create_user("sam", "sam@example.org", PASSWORD)
    secret = totp.generate_totp_secret()
    totp.TOTP.activate(user, secret)
    client = Client()
    step = client.post(
        "/accounts/connexion/", {"username": "sam", "password": PASSWORD}
    )
    assert step.status_code == 302
    assert step["Location"] == "/accounts/2fa/authenticate/"
    assert not client.get("/accounts/profil/").wsgi_request.user.is_authenticated
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    counter = next(totp.yield_hotp_counters_from_time())
    code = totp.format_hotp_value(totp.hotp_value(secret, counter))
    done = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert done.status_code == 302
    assert client.get("/accounts/profil/").wsgi_request.user == user


def test_wrong_second_factor_codes_lock_like_wrong_passwords():
    from allauth.mfa.totp.internal import auth as totp

    user = User.objects.create_user("sam", "sam@example.org", PASSWORD)
    secret = totp.generate_totp_secret()
    totp.TOTP.activate(user, secret)
    client = Client()
    client.post("/accounts/connexion/", {"username": "sam", "password": PASSWORD})
    # LOGIN_LOCKOUT (5 failures) counts second-factor codes too.
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000001"})
    counter = next(totp.yield_hotp_counters_from_time())
    code = totp.format_hotp_value(totp.hotp_value(secret, counter))
    locked = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert locked.status_code == 200
    assert not client.get("/accounts/profil/").wsgi_request.user.is_authenticated
