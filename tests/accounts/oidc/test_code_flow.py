"""Sign-in with an OpenID Connect provider, against a real one (oidc-provider):
code flow with PKCE, nonce and state checked, signed userinfo, linking rules,
logout at the provider. The browser's part is played over HTTP (flow.py);
tests/accounts/oidc/test_browser.py does it in Chromium."""

from __future__ import annotations

import time

import httpx
import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from fabrique.accounts.models import User
from tests.accounts.oidc import flow

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def provider(oidc_provider_factory, use_providers):
    started = oidc_provider_factory()
    use_providers(started.app())
    return started


@pytest.fixture
def camille():
    """An account whose address was confirmed through the sign-up link."""
    user = User.objects.create_user(
        "camille", "camille@example.org", PASSWORD, charter_accepted_at=None
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def _refusal(response) -> str:
    """Why allauth's error page refused the sign-in."""
    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [
        t.name for t in response.templates
    ]
    return str(response.context["auth_error"]["exception"])


def _signed_in_user(client):
    return client.get("/accounts/profil/").wsgi_request.user


def test_the_authorisation_request_carries_pkce_nonce_state_and_acr(client, provider):
    authorize = flow.start(client)
    params = flow.query(authorize)
    assert authorize.startswith(provider.issuer)
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) >= 43
    assert len(params["nonce"]) >= 32
    assert params["state"]
    assert params["acr_values"] == "eidas1"
    assert set(params["scope"].split()) == {"openid", "profile", "email"}


def test_a_new_person_signs_up_through_the_provider_accepting_the_charter(
    client, provider
):
    back = flow.come_back(client, flow.at_provider(flow.start(client), "alice"))
    assert back.status_code == 302
    assert back["Location"] == "/accounts/3rdparty/signup/"
    form = client.get(back["Location"])
    assert form.status_code == 200
    assert "accept_charter" in form.content.decode()
    refused = client.post(
        back["Location"], {"username": "alice", "email": "alice@example.org"}
    )
    assert refused.status_code == 200
    assert not User.objects.filter(username="alice").exists()
    done = client.post(
        back["Location"],
        {"username": "alice", "email": "alice@example.org", "accept_charter": "on"},
    )
    assert done.status_code == 302
    alice = User.objects.get(username="alice")
    assert alice.charter_accepted_at is not None
    account = SocialAccount.objects.get(user=alice)
    assert (account.provider, account.uid) == ("test", "alice")
    # The userinfo answer was a signed JWT (it carries iss and aud), verified.
    assert account.extra_data["userinfo"]["iss"] == provider.issuer
    assert account.extra_data["userinfo"]["aud"] == "fabrique"
    assert _signed_in_user(client) == alice


def test_a_verified_address_signs_into_the_account_that_confirmed_it(
    client, provider, camille
):
    back = flow.come_back(client, flow.at_provider(flow.start(client), "camille"))
    assert back.status_code == 302
    assert _signed_in_user(client) == camille
    assert SocialAccount.objects.get(provider="test", uid="camille").user == camille
    camille.refresh_from_db()
    assert camille.check_password(PASSWORD)


def test_an_unverified_address_never_takes_over_an_account(client, provider, camille):
    back = flow.come_back(client, flow.at_provider(flow.start(client), "mallory"))
    # Asked to sign up as someone new, never signed in as camille.
    assert back["Location"] == "/accounts/3rdparty/signup/"
    assert not _signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.filter(user=camille).exists()
    camille.refresh_from_db()
    assert camille.check_password(PASSWORD)


def test_an_account_is_linked_by_signing_in_first(client, provider, camille):
    EmailAddress.objects.filter(user=camille).delete()  # address not confirmed
    client.force_login(camille)
    back = flow.come_back(
        client, flow.at_provider(flow.start(client, process="connect"), "mallory")
    )
    assert back.status_code == 302
    assert SocialAccount.objects.get(provider="test", uid="mallory").user == camille
    # The owner is told by e-mail that a new way to sign in was added.
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]


def test_a_tampered_state_is_refused(client, provider):
    callback = flow.at_provider(flow.start(client), "alice")
    back = flow.come_back(client, flow.with_query(callback, state="forged"))
    assert back.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in back.templates]
    assert not _signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_a_nonce_other_than_the_one_sent_is_refused(client, provider):
    # Someone swaps the nonce on the way to the provider: the ID token then
    # names another nonce than the one kept with the attempt.
    authorize = flow.with_query(flow.start(client), nonce="not-the-one-we-sent-00000")
    back = flow.come_back(client, flow.at_provider(authorize, "alice"))
    assert "nonce" in _refusal(back)
    assert not _signed_in_user(client).is_authenticated


def test_a_code_used_twice_is_refused(client, provider, camille):
    authorize = flow.start(client)
    kept = dict(client.session)
    callback = flow.at_provider(authorize, "camille")
    assert flow.come_back(client, callback).status_code == 302
    assert _signed_in_user(client) == camille
    client.logout()
    # The same attempt again (state, verifier), with the code already spent.
    session = client.session
    session.update({key: value for key, value in kept.items() if "state" in key})
    session.save()
    again = flow.come_back(client, callback)
    assert "invalid_grant" in _refusal(again)
    assert not _signed_in_user(client).is_authenticated


def test_an_expired_code_is_refused(client, oidc_provider_factory, use_providers):
    started = oidc_provider_factory(code_ttl=1)
    use_providers(started.app())
    callback = flow.at_provider(flow.start(client), "alice")
    time.sleep(2.2)
    back = flow.come_back(client, callback)
    assert "invalid_grant" in _refusal(back)


def test_signing_out_also_signs_out_at_the_provider(client, provider, camille):
    flow.come_back(client, flow.at_provider(flow.start(client), "camille"))
    out = client.post("/accounts/deconnexion/")
    assert out.status_code == 302
    target = out["Location"]
    assert target.startswith(provider.issuer)
    params = flow.query(target)
    assert params["post_logout_redirect_uri"] == "http://testserver/"
    assert params["id_token_hint"].count(".") == 2
    assert not _signed_in_user(client).is_authenticated
    # The provider accepts it: it asks to confirm the logout.
    answer = httpx.get(target, timeout=20)
    assert answer.status_code == 200


def test_sign_in_attempts_at_providers_are_rate_limited(client, provider, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_LOGIN = "2/60"
    assert client.post("/accounts/oidc/test/login/").status_code == 302
    assert client.post("/accounts/oidc/test/login/").status_code == 302
    assert client.post("/accounts/oidc/test/login/").status_code == 429
    assert client.get("/accounts/oidc/test/login/callback/?state=x").status_code == 429
