"""Contributors across instances: signed claims link accounts, and remote
contributions show with their origin."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from fabrique.federation import accounts, claims, harvest, instance
from fabrique.federation.models import HarvestSource, LinkedAccount, RemoteInstance
from tests.catalog.factories import make_user
from tests.federation.feeds import REMOTE, description, feed_url, item, page

pytestmark = pytest.mark.django_db(transaction=True)

MARIE_THERE = f"{REMOTE}/accounts/membres/marie/"


def claim_from_remote(links: str, monkeypatch, **kwargs) -> tuple[str, str]:
    """A claim signed by a key of "the other instance" and that key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    with pytest.MonkeyPatch.context() as there:
        there.setattr(instance, "_KEY", key)
        there.setattr(instance, "base_url", lambda: REMOTE)
        token = claims.issue(MARIE_THERE, links, **kwargs)
    return token, instance.public_key_text(key.public_key())


def test_a_claim_signed_here_verifies_with_the_published_key():
    token = claims.issue("https://a.example/x", "https://b.example/y")
    payload = claims.verify(token, instance.public_key_text())
    assert payload["links"] == "https://b.example/y"


def test_a_tampered_or_expired_claim_is_refused():
    token = claims.issue("https://a.example/x", "https://b.example/y")
    body, signature = token.split(".")
    forged = claims._b64(claims._unb64(body).replace(b"/x", b"/z")) + "." + signature
    with pytest.raises(claims.ClaimError, match="signature"):
        claims.verify(forged, instance.public_key_text())
    old = claims.issue("https://a.example/x", "https://b.example/y", now=0)
    with pytest.raises(claims.ClaimError, match="expired"):
        claims.verify(old, instance.public_key_text())


def test_linked_accounts_show_their_remote_contributions(
    recorded, monkeypatch, client: Client
):
    user = make_user("marie")
    token, key = claim_from_remote(accounts.own_uri(user), monkeypatch)
    RemoteInstance.objects.create(url=REMOTE, public_key=key)
    linked = accounts.link(user, token)
    assert (linked.actor_uri, linked.instance_url) == (MARIE_THERE, REMOTE)

    shared = item(1, "velos")
    shared["contributors"][0]["uri"] = MARIE_THERE
    shared["ledger"] = [
        {"kind": "code", "description": "Le lecteur GBFS", "at": "2026-01-01",
         "contributor": {"uri": MARIE_THERE, "name": "Marie"}}
    ]  # fmt: skip
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page([shared]))
    harvest.run_source(
        HarvestSource.objects.create(name="q", url=REMOTE, kind="fabrique")
    )
    html = client.get("/reseau/membres/marie/").content.decode()
    assert MARIE_THERE in html
    assert "Le lecteur GBFS" in html
    assert REMOTE in html


def test_a_claim_for_someone_else_is_refused(monkeypatch):
    user = make_user("paul")
    token, key = claim_from_remote("https://elsewhere.example/x", monkeypatch)
    RemoteInstance.objects.create(url=REMOTE, public_key=key)
    with pytest.raises(claims.ClaimError, match="another account"):
        accounts.link(user, token)
    assert not LinkedAccount.objects.exists()


def test_the_accounts_page_signs_a_claim_for_the_signed_in_person(client: Client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/reseau/comptes/", {"action": "issue", "links": "https://b.example/me/"}
    )
    assert response.status_code == 200
    token = response.context["claim"]
    payload = claims.verify(token, instance.public_key_text(), now=time.time())
    assert payload["sub"] == accounts.own_uri(user)
