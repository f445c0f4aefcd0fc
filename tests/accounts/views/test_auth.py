"""Sign-up with the charter, login, logout and password reset by e-mail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from fabrique.accounts.models import User
from tests.catalog.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def signup_data(**overrides):
    data = {
        "username": "camille",
        "email": "camille@example.org",
        "password1": "Velo-cargo-2026!",
        "password2": "Velo-cargo-2026!",
        "accept_charter": "on",
    }
    data.update(overrides)
    return data


def test_sign_up_page_links_to_the_charter_and_asks_to_accept_it(client):
    body = client.get(reverse("accounts:signup")).content.decode()
    assert reverse("core:charter") in body
    assert 'name="accept_charter"' in body


def confirmation_link(message) -> str:
    found = re.search(r"https?://\S+/inscription/confirmer/\S+", message.body)
    assert found, message.body
    parts = urlsplit(found.group(0))
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_sign_up_creates_an_inactive_account_until_the_e_mail_link_is_followed(
    client,
):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get(username="camille")
    assert user.charter_accepted_at is not None
    assert user.role == User.Role.MEMBER
    assert not user.is_active
    # Not signed in, and the password alone does not sign in yet.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not client.login(username="camille", password="Velo-cargo-2026!")

    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    link = confirmation_link(message)
    response = client.get(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("accounts:profile")).status_code == 200

    # The link works once.
    client.logout()
    assert client.get(link).status_code == 400
    assert client.login(username="camille", password="Velo-cargo-2026!")


def test_a_wrong_confirmation_link_activates_nothing(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.post(reverse("accounts:signup"), signup_data())
    link = confirmation_link(mail.outbox[0])
    response = client.get(
        link.replace("/confirmer/", "/confirmer/x").rstrip("/") + "x/"
    )
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not User.objects.get(username="camille").is_active


def test_the_confirmation_link_keeps_a_safe_next_page(client):
    client.post(reverse("accounts:signup"), signup_data(next="/communautes/"))
    response = client.get(confirmation_link(mail.outbox[0]))
    assert response["Location"] == "/communautes/"


def test_sign_up_without_accepting_the_charter_is_refused_with_a_clear_error(
    client, settings
):
    settings.LANGUAGE_CODE = "en"
    data = signup_data()
    del data["accept_charter"]
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="camille").exists()
    assert "Please accept the code of conduct" in response.content.decode()


def test_sign_up_answers_the_same_whether_the_e_mail_is_in_use(client):
    """Nobody learns who has an account: the holder of the address is told."""
    fresh = client.post(
        reverse("accounts:signup"),
        signup_data(username="alix", email="alix@example.org"),
        follow=True,
    )
    client.logout()
    owner = make_user("dominique", email="camille@example.org")
    mail.outbox.clear()
    taken = client.post(
        reverse("accounts:signup"),
        signup_data(email="Camille@Example.org"),
        follow=True,
    )
    assert taken.status_code == fresh.status_code == 200
    assert taken.redirect_chain == fresh.redirect_chain
    assert [str(m) for m in taken.context["messages"]] == [
        str(m).replace("alix", "camille") for m in fresh.context["messages"]
    ]
    assert User.objects.filter(username="camille").exists()
    # Every e-mail goes to the address itself: the new account's confirmation
    # link, and a word to its holder with the way back into their account.
    assert {address.lower() for m in mail.outbox for address in m.to} == {owner.email}
    warnings = [m for m in mail.outbox if reverse("accounts:password_reset") in m.body]
    assert len(warnings) == 1
    assert "camille" in warnings[0].body


def test_sign_up_with_a_new_e_mail_sends_no_warning(client):
    client.post(reverse("accounts:signup"), signup_data())
    # Only the confirmation link, no word about an address in use.
    assert len(mail.outbox) == 1
    assert reverse("accounts:password_reset") not in mail.outbox[0].body


def test_sign_up_refuses_usernames_reserved_for_deleted_accounts(client):
    client.post(reverse("accounts:signup"), signup_data(username="deleted-42"))
    assert not User.objects.filter(username="deleted-42").exists()


def test_sign_up_refuses_a_weak_password(client):
    client.post(
        reverse("accounts:signup"), signup_data(password1="123", password2="123")
    )
    assert not User.objects.filter(username="camille").exists()


def test_sign_up_ignores_a_next_url_on_another_site(client):
    response = client.post(
        reverse("accounts:signup"), signup_data(next="https://evil.example/")
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_charter_is_a_real_page_of_the_site(client, settings):
    settings.LANGUAGE_CODE = "en"
    response = client.get(reverse("core:charter"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Be respectful" in body
    assert "Report, do not retaliate" in body


def test_login_and_logout(client):
    make_user("alix")
    response = client.post(
        reverse("accounts:login"), {"username": "alix", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_deleted_account_cannot_log_in(client):
    from fabrique.accounts.services import delete_account

    user = make_user("alix")
    delete_account(user)
    response = client.post(
        reverse("accounts:login"), {"username": "alix", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_header_offers_log_in_and_sign_up_to_visitors_and_the_profile_to_members(
    client,
):
    body = client.get("/").content.decode()
    assert reverse("accounts:login") in body
    assert reverse("accounts:signup") in body
    client.force_login(make_user("alix"))
    assert reverse("accounts:profile") in client.get("/").content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    make_user("alix", email="alix@example.org")
    response = client.post(
        reverse("accounts:password_reset"), {"email": "alix@example.org"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Fabrique" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/\S+/)", mail.outbox[0].body).group(1)
    # The link redirects once to a URL that hides the token from referrers.
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url,
        {"new_password1": "Nouveau-mot-2026!", "new_password2": "Nouveau-mot-2026!"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="alix").check_password("Nouveau-mot-2026!")


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client,
):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}
    )
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_up_and_login_refuse_a_post_without_the_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("accounts:signup"), signup_data()).status_code == 403
    assert not User.objects.filter(username="camille").exists()
    make_user("alix")
    response = client.post(
        reverse("accounts:login"), {"username": "alix", "password": PASSWORD}
    )
    assert response.status_code == 403
    # With the token the page hands out, the same form goes through.
    client.get(reverse("accounts:signup"))
    token = client.cookies["csrftoken"].value
    data = {**signup_data(), "csrfmiddlewaretoken": token}
    assert client.post(reverse("accounts:signup"), data).status_code == 302


def test_the_confirmation_link_can_be_sent_again_without_telling_who_exists(client):
    client.post(reverse("accounts:signup"), signup_data())
    url = reverse("accounts:signup_resend")
    assert client.get(url).status_code == 200
    unknown = client.post(url, {"email": "nobody@example.org"})
    again = client.post(url, {"email": "Camille@Example.org"})
    assert unknown.status_code == again.status_code == 302
    assert unknown["Location"] == again["Location"]
    assert [m.to for m in mail.outbox] == [["camille@example.org"]] * 2
    client.get(confirmation_link(mail.outbox[-1]))
    assert User.objects.get(username="camille").is_active
    # An active account gets no new link.
    client.post(url, {"email": "camille@example.org"})
    assert len(mail.outbox) == 2
