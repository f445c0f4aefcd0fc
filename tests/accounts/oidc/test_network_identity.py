"""One account for the whole network: instance A (a `fabrique serve` process
with its own database) is the OpenID provider, instance B (this test's site)
lists it, and a person of A signs in on B with A's identity."""

from __future__ import annotations

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization

from fabrique.accounts.identity import identity_uri
from fabrique.accounts.models import User
from fabrique.accounts.oidc.views import LOGOUT_SESSION_KEY
from tests.accounts.oidc import flow
from tests.accounts.oidc.network import CLIENT_SECRET, PASSWORD, instance_a

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/oidc/network/login/callback/"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    with instance_a(tmp_path_factory.mktemp("instance-a"), [CALLBACK]) as started:
        yield started


@pytest.fixture
def network(home, use_providers):
    use_providers(
        {
            "id": "network",
            "issuer": home.url,
            "client_id": "instance-b",
            "client_secret": CLIENT_SECRET,
            "label": "Réseau",
        }
    )
    return home


def _sign_in(client) -> None:
    authorize = flow.start(client, "network")
    assert authorize.startswith(network_url(authorize))
    callback, policy = flow.at_fabrique_provider(authorize, "dominique", PASSWORD)
    # The consent form's answer may go back to the registered client only.
    form_action = next(
        d for d in policy.split(";") if d.strip().startswith("form-action")
    )
    assert form_action.split()[1:] == ["'self'", "http://testserver"]
    back = flow.come_back(client, callback)
    assert back.status_code == 302, back.content[:2000]
    if back["Location"] == "/accounts/3rdparty/signup/":
        done = client.post(
            back["Location"],
            {
                "username": "dominique",
                "email": "dominique@example.org",
                "accept_charter": "on",
            },
        )
        assert done.status_code == 302


def network_url(url: str) -> str:
    return url.split("/identity/")[0]


def test_a_person_of_instance_a_signs_in_on_instance_b(client, network):
    _sign_in(client)
    user = client.get("/accounts/profil/").wsgi_request.user
    assert user.is_authenticated
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("network", network.user_pk)
    # The ID token was signed with A's newest key; the older one is still
    # published for what it signed before the rotation.
    token = client.session[LOGOUT_SESSION_KEY]["id_token"]
    keys = httpx_get_json(network.url + "/.well-known/jwks.json")["keys"]
    assert len(keys) == 2
    signer = next(
        key for key in keys if key["kid"] == jwt.get_unverified_header(token)["kid"]
    )
    newest = serialization.load_pem_private_key(
        (network.folder / "new.pem").read_bytes(), password=None
    )
    assert jwt.algorithms.RSAAlgorithm.from_jwk(signer).public_numbers() == (
        newest.public_key().public_numbers()
    )


def test_the_same_identity_maps_to_the_same_actor_uri_every_time(client, network):
    _sign_in(client)
    first = SocialAccount.objects.get(provider="network")
    client.post("/accounts/deconnexion/")
    other = type(client)()
    _sign_in(other)
    assert SocialAccount.objects.filter(provider="network").count() == 1
    assert User.objects.filter(username__startswith="dominique").count() == 1
    expected = identity_uri(network.url, network.user_pk)
    assert identity_uri(first.get_provider().app.settings["server_url"], first.uid) == (
        expected
    )
    # Instance A names its own member by the same URI.
    assert expected == f"{network.url}/accounts/identite/{network.user_pk}"
    import httpx

    answer = httpx.get(expected, timeout=20)
    assert answer.status_code == 302
    assert answer.headers["location"] == "/accounts/membres/dominique/"


def httpx_get_json(url: str) -> dict:
    import httpx

    return httpx.get(url, timeout=20).json()
