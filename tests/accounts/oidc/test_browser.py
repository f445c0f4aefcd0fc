"""Sign-in in Chromium: an external OpenID provider (oidc-provider, real),
linking it to an existing account, and passkeys through Chromium's virtual
authenticator (DevTools protocol)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from fabrique.accounts.models import User
from tests.browser.factories import PASSWORD, make_user
from tests.browser.steps import shoot_both_languages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(oidc_provider_factory, use_providers, live_server):
    started = oidc_provider_factory(
        redirect_uris=[f"{live_server.url}/accounts/oidc/test/login/callback/"],
        post_logout=[f"{live_server.url}/"],
    )
    use_providers(started.app())
    return started


def _at_provider(page, account: str) -> None:
    page.locator("#login").fill(account)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_new_person_signs_in_with_the_provider_then_signs_out_there(
    page, provider, screenshot_dir
):
    page.goto(page.base_url + "/accounts/connexion/")
    shoot_both_languages(page, screenshot_dir, "login-providers")
    page.get_by_role("button", name="Test provider").click()
    page.wait_for_url(provider.issuer + "/**")
    _at_provider(page, "alice")
    page.wait_for_url("**/accounts/3rdparty/signup/")
    shoot_both_languages(page, screenshot_dir, "signup-provider")
    page.locator("#id_accept_charter").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    alice = User.objects.get(username="alice")
    assert SocialAccount.objects.get(user=alice).uid == "alice"
    page.goto(page.base_url + "/accounts/profil/")
    assert (
        page.get_by_role("heading", name="Alice").count()
        or page.get_by_text("@alice").is_visible()
    )
    # Signing out here continues at the provider (RP-initiated logout).
    page.locator("form[action$='/deconnexion/'] button").first.click()
    page.wait_for_url(provider.issuer + "/**")


def test_an_existing_account_links_the_provider_after_signing_in(page, provider):
    camille = make_user("camille")
    page.goto(page.base_url + "/accounts/connexion/")
    page.locator("#id_username").fill("camille")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(page.base_url + "/accounts/profil/")
    page.get_by_role("button", name="Test provider").click()
    _at_provider(page, "mallory")
    page.wait_for_url("**/accounts/**")
    assert SocialAccount.objects.get(uid="mallory").user == camille


def test_register_a_passkey_then_sign_in_with_it_alone(page, screenshot_dir):
    make_user("dominique")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.goto(page.base_url + "/accounts/connexion/")
    page.locator("#id_username").fill("dominique")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(page.base_url + "/accounts/profil/")
    shoot_both_languages(page, screenshot_dir, "profile-security")
    page.reload()
    page.get_by_role("link", name="Ajouter une clé d’accès").click()
    page.wait_for_load_state()
    # Adding a sign-in method asks for the password again first.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    shoot_both_languages(page, screenshot_dir, "passkey-add")
    page.reload()
    page.locator("input[name=name]").fill("Téléphone")
    page.locator("input[name=passwordless]").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_load_state()
    page.wait_for_function(
        "() => !location.pathname.endsWith('/2fa/webauthn/add/')", timeout=20_000
    )
    passkey = Authenticator.objects.get(type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Téléphone"
    # The owner is told by e-mail that a new way to sign in was added.
    assert "dominique@example.org" in {to for m in mail.outbox for to in m.to}
    # Signed out, back in with the passkey alone: no username, no password.
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/connexion/")
    page.locator("#passkey_login").click()
    page.wait_for_url(lambda url: "/connexion/" not in url, timeout=20_000)
    page.goto(page.base_url + "/accounts/profil/")
    assert "/connexion/" not in page.url
    assert page.get_by_text("@dominique").is_visible()


def test_sign_in_on_instance_b_with_the_identity_of_instance_a(
    page, live_server, use_providers, tmp_path, screenshot_dir
):
    from tests.accounts.oidc.network import CLIENT_SECRET, instance_a
    from tests.accounts.oidc.network import PASSWORD as A_PASSWORD

    callback = f"{live_server.url}/accounts/oidc/network/login/callback/"
    with instance_a(tmp_path, [callback]) as home:
        use_providers(
            {
                "id": "network",
                "issuer": home.url,
                "client_id": "instance-b",
                "client_secret": CLIENT_SECRET,
                "label": "Réseau Fabrique",
            }
        )
        page.goto(page.base_url + "/accounts/connexion/")
        page.get_by_role("button", name="Réseau Fabrique").click()
        page.wait_for_url(home.url + "/accounts/connexion/**")
        page.locator("#id_username").fill("dominique")
        page.locator("#id_password").fill(A_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(home.url + "/identity/o/authorize**")
        for language in ("en", "fr"):
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": home.url}]
            )
            page.reload()
            page.screenshot(
                path=str(screenshot_dir / f"provider-consent-{language}.png"),
                full_page=True,
            )
        page.locator("button[name=action][value=grant]").click()
        page.wait_for_url("**/accounts/3rdparty/signup/")
        page.locator("#id_accept_charter").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        account = SocialAccount.objects.get(provider="network")
        assert account.uid == home.user_pk
        assert account.user.username == "dominique"
