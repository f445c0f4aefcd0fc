"""Badge pages: privacy of awards, hosted documents, downloads, verification page."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fabrique.badges import issuing
from fabrique.badges.models import Award

from .factories import badge, member

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_an_award_is_private_until_its_recipient_accepts_it():
    ana = member("ana")
    award = issuing.award(badge(), ana, via=Award.Via.HAND)
    url = award.get_absolute_url()
    assert _client().get(url).status_code == 404
    assert _client(member("bob")).get(url).status_code == 404
    assert _client(ana).get(url).status_code == 200
    assert (
        "ana"
        not in _client().get("/badges/classes/premiere-contribution/").content.decode()
    )
    _client(ana).post(f"{url}visibility/", {"action": "accept"})
    assert _client().get(url).status_code == 200
    _client(ana).post(f"{url}visibility/", {"action": "hide"})
    assert _client().get(url).status_code == 404


def test_did_document_and_status_list_are_served(settings):
    settings.SITE_URL = "https://a.example"
    doc = _client().get("/.well-known/did.json").json()
    assert doc["id"] == "did:web:a.example"
    assert doc["assertionMethod"] == ["did:web:a.example#key-1"]
    issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    status = _client().get("/badges/status/1").json()
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


def test_recipient_downloads_every_form():
    ana = member("ana")
    award = issuing.award(badge(), ana, via=Award.Via.HAND)
    client = _client(ana)
    base = f"{award.get_absolute_url()}download/"
    assert client.get(base + "png").content.startswith(b"\x89PNG")
    assert b"openbadges:credential" in client.get(base + "svg").content
    assert json.loads(client.get(base + "json").content)["proof"]
    assert client.get(base + "jwt").content.count(b".") == 2
    assert json.loads(client.get(base + "presentation").content)["type"]
    assert b"<svg" in client.get(base + "qr").content
    assert _client(member("bob")).get(base + "png").status_code == 404


def test_verification_page_shows_valid_then_revoked_with_the_reason():
    ana, admin = member("ana"), member("admin", is_staff=True)
    award = issuing.award(badge(), ana, via=Award.Via.HAND)
    png = issuing.baked_png(award)
    page = _client().post(
        "/badges/verify/", {"file": SimpleUploadedFile("b.png", png, "image/png")}
    )
    assert "verdict-valid" in page.content.decode()
    _client(admin).post(f"{award.get_absolute_url()}revoke/", {"reason": "Duplicate"})
    page = _client().post(
        "/badges/verify/", {"file": SimpleUploadedFile("b.png", png, "image/png")}
    )
    html = page.content.decode()
    assert "verdict-revoked" in html
    assert "Duplicate" in html


def test_only_staff_award_by_hand_and_revoke():
    ana, bob = member("ana"), member("bob")
    b = badge()
    _client(bob).post(f"/badges/classes/{b.slug}/award/", {"username": "ana"})
    assert not Award.objects.exists()
    _client(member("admin", is_staff=True)).post(
        f"/badges/classes/{b.slug}/award/", {"username": "ana", "evidence": "Docs"}
    )
    award = Award.objects.get()
    assert award.recipient == ana
    _client(bob).post(f"{award.get_absolute_url()}revoke/", {"reason": "x"})
    award.refresh_from_db()
    assert award.revoked is None


def test_pasted_garbage_is_invalid_not_an_error():
    page = _client().post("/badges/verify/", {"text": "not a badge"})
    assert page.status_code == 200
    assert "verdict-invalid" in page.content.decode()


def test_public_badges_show_on_profile_commons_page_and_open_dump():
    from fabrique.catalog.models import Commons
    from fabrique.projects import dump

    commons = Commons.objects.create(slug="velo", title="Vélo")
    ana = member("ana")
    award = issuing.award(badge(), ana, via=Award.Via.HAND, commons=commons)
    assert (
        "Première contribution" not in _client().get(_profile_url(ana)).content.decode()
    )
    rows = list(dump._iterate(_rows("badge_awards")))
    assert rows == []
    award.accepted = award.public = True
    award.save()
    assert "Première contribution" in _client().get(_profile_url(ana)).content.decode()
    page = _client().get(commons.get_absolute_url()).content.decode()
    assert "Recognised here" in page
    assert "ana" in page
    assert len(list(_rows("badge_awards"))) == 1
    issuing.revoke(award, None, "mistake")
    assert list(_rows("badge_awards")) == []


def _rows(name):
    from fabrique.projects import dump

    return next(t for t in dump.TABLES if t.name == name).rows()


def _profile_url(user) -> str:
    from django.urls import reverse

    return reverse("accounts:public_profile", args=[user.username])


def test_an_organisation_administrator_endorses_a_badge_class():
    from fabrique.badges.models import Endorsement
    from fabrique.catalog.models import Actor, ActorMember

    b = badge()
    ana, bob = member("ana"), member("bob")
    actor = Actor.objects.create(slug="velocite", name="Vélocité")
    ActorMember.objects.create(actor=actor, user=ana, role="admin")
    body = {"actor": "velocite", "comment": "We teach this"}
    assert (
        _client(bob).post(f"/badges/classes/{b.slug}/endorse/", body).status_code == 404
    )
    _client(ana).post(f"/badges/classes/{b.slug}/endorse/", body)
    assert Endorsement.objects.get().actor == actor
    assert "We teach this" in _client().get(b.get_absolute_url()).content.decode()


def test_verification_page_checks_the_recipient_when_asked():
    award = issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    png = issuing.baked_png(award)

    def verdict(email: str) -> str:
        upload = SimpleUploadedFile("b.png", png, "image/png")
        html = (
            _client()
            .post("/badges/verify/", {"file": upload, "recipient": email})
            .content.decode()
        )
        return "valid" if "verdict-valid" in html else "invalid"

    assert verdict("ANA@example.org") == "valid"
    assert verdict("bob@example.org") == "invalid"


def test_verification_reasons_are_said_in_the_page_language():
    award = issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    png = issuing.baked_png(award)
    client = _client()
    client.cookies["django_language"] = "fr"
    html = client.post(
        "/badges/verify/", {"file": SimpleUploadedFile("b.png", png, "image/png")}
    ).content.decode()
    assert "non révoqué au" in html
    assert "preuve Data Integrity par" in html


def test_without_the_context_packages_signing_pages_answer_503_and_name_the_fix(
    settings, tmp_path
):
    installed = settings.FABRIQUE_ASSETS_DIR
    ana = member("ana")
    award = issuing.award(badge(), ana, via=Award.Via.HAND)
    settings.FABRIQUE_ASSETS_DIR = tmp_path
    issuing._loader_for.cache_clear()
    response = _client().get("/badges/status/1")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "badges_unavailable"
    assert "npm ci" in error["message"]
    assert "@digitalbazaar/credentials-context" in error["details"]
    page = _client(ana).get(
        f"{award.get_absolute_url()}download/json", HTTP_ACCEPT="text/html"
    )
    assert page.status_code == 503
    assert "npm ci" in page.content.decode()
    # Nothing was lost: the award is still there, and signs once installed.
    settings.FABRIQUE_ASSETS_DIR = installed
    response = _client(ana).get(f"{award.get_absolute_url()}download/json")
    assert json.loads(response.content)["proof"]
