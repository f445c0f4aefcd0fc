"""Awards become signed credentials; instance B verifies A's badges offline."""

from __future__ import annotations

import json
import socket

import pytest

from fabrique.badges import issuing, verification
from fabrique.badges.models import Award, PinnedDocument
from fabrique.credentials import baking, ob3

from .factories import badge, member

pytestmark = pytest.mark.django_db


def test_an_award_is_a_signed_ob3_credential_that_validates_against_the_schemas(
    settings, ob3_schemas
):
    settings.SITE_URL = "https://a.example"
    award = issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    signed = issuing.signed_credential(award)
    assert signed["issuer"]["id"] == "did:web:a.example"
    assert signed["proof"][0]["verificationMethod"] == "did:web:a.example#key-1"
    assert ob3.schema_errors(signed, ob3_schemas) == []
    assert "ana@example.org" not in json.dumps(signed)


def test_badge_issued_on_instance_a_verifies_on_instance_b_with_no_socket(
    settings, monkeypatch
):
    settings.SITE_URL = "https://a.example"
    award = issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    png = issuing.baked_png(award)
    svg = issuing.baked_svg(award)
    a_did = issuing.did_document(issuing.instance_issuer())
    a_list = issuing.status_list()

    # Instance B: its own address and keys; A's documents pinned by its admin.
    settings.SITE_URL = "https://b.example"
    Award.objects.all().delete()
    from fabrique.badges.models import BadgeClass, Issuer

    BadgeClass.objects.all().delete()
    Issuer.objects.all().delete()
    issuing.active_key(issuing.instance_issuer())
    PinnedDocument.objects.create(url="did:web:a.example", document=a_did)
    PinnedDocument.objects.create(url=a_list["id"], document=a_list)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened during verification")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for data in (png, svg):
        verdict = verification.check(data)["verdict"]
        assert verdict.valid, verdict.errors
        assert verdict.issuer == "did:web:a.example"
        assert verdict.status_as_of


def test_without_the_issuers_document_b_says_it_cannot_resolve_the_key(settings):
    settings.SITE_URL = "https://a.example"
    award = issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    png = issuing.baked_png(award)
    settings.SITE_URL = "https://b.example"
    verdict = verification.check(png)["verdict"]
    assert not verdict.valid
    assert "cannot resolve" in " ".join(verdict.errors)


def test_revocation_shows_revoked_with_the_reason(settings):
    ana, admin = member("ana"), member("admin", is_staff=True)
    award = issuing.award(badge(), ana, via=Award.Via.HAND)
    png = issuing.baked_png(award)
    assert verification.check(png)["verdict"].valid
    issuing.revoke(award, admin, "Awarded by mistake")
    result = verification.check(png)
    assert result["verdict"].status == "revoked"
    assert result["reason"] == "Awarded by mistake"


def test_key_rotation_keeps_old_badges_valid():
    award = issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    png = issuing.baked_png(award)
    issuer = issuing.instance_issuer()
    issuing.rotate_key(issuer)
    doc = issuing.did_document(issuer)
    assert [m["id"].split("#")[1] for m in doc["verificationMethod"]] == [
        "key-1",
        "key-2",
    ]
    assert verification.check(png)["verdict"].valid
    new = issuing.award(badge("b2", name="Mentor"), member("bob"), via="hand")
    assert issuing.signed_credential(new)["proof"][0]["verificationMethod"].endswith(
        "#key-2"
    )


def test_ob2_baked_assertion_verifies_through_the_hosted_documents():
    award = issuing.award(badge(), member("ana"), via=Award.Via.HAND)
    award.accepted = True
    award.save()
    assertion = issuing.ob2_assertion(award)
    png = baking.bake_png(
        issuing.badge_png(award.badge), json.dumps(assertion), keyword="openbadges"
    )
    verdict = verification.check(png)["verdict"]
    assert verdict.valid, verdict.errors
    assert verdict.version == "2.0"


def test_a_member_keeps_a_badge_from_another_instance_on_their_profile(settings):
    from django.test import Client
    from django.urls import reverse

    settings.SITE_URL = "https://a.example"
    ana = member("ana")
    png = issuing.baked_png(issuing.award(badge(), ana, via=Award.Via.HAND))
    a_did = issuing.did_document(issuing.instance_issuer())
    settings.SITE_URL = "https://b.example"
    PinnedDocument.objects.create(url="did:web:a.example", document=a_did)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(ana)
    client.post(
        reverse("badges:import_external"),
        {"file": SimpleUploadedFile("b.png", png), "public": "on"},
    )
    kept = ana.external_badges.get()
    assert kept.issuer == "did:web:a.example"
    assert kept.version == "3.0"
    profile = Client().get(reverse("accounts:public_profile", args=["ana"]))
    assert "From other issuers" in profile.content.decode()
    # Someone else's badge is refused (the recipient hash is not theirs).
    bob = member("bob")
    client.force_login(bob)
    client.post(
        reverse("badges:import_external"), {"file": SimpleUploadedFile("b.png", png)}
    )
    assert not bob.external_badges.exists()
