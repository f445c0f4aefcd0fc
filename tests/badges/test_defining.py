"""Defining badges by issuer managers, awarding by hand, endorsements, export."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from fabrique.accounts.services import export_user_data
from fabrique.badges import issuing, nominations, verification
from fabrique.badges.models import Award, BadgeClass, Endorsement, Issuer
from fabrique.catalog.models import Actor, ActorMember
from fabrique.community.models import Domain, DomainMember

from .factories import badge, member

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def org():
    admin = member("alice")
    actor = Actor.objects.create(
        slug="velo-club", name="Vélo club", type="association", created_by=admin
    )
    ActorMember.objects.create(actor=actor, user=admin, role="admin")
    return actor, admin


def _class_form(**extra):
    values = {
        "name": "Mentor bienveillant",
        "description": "Helps newcomers.",
        "criteria": "Mentored three newcomers.",
        "kind": "behaviour",
        "rule": "",
        "rule_count": "1",
        "skills": ["information.open_data"],
    }
    values.update(extra)
    return values


def test_organisation_admin_defines_a_badge_class_with_a_checked_image(org):
    actor, admin = org
    page = _client(admin).get("/badges/new/")
    assert page.status_code == 200
    assert 'value="actor:velo-club"' in page.content.decode()
    image = SimpleUploadedFile("m.png", _png(), "image/png")
    response = _client(admin).post(
        "/badges/new/", _class_form(issuer_ref="actor:velo-club", image=image)
    )
    assert response.status_code == 302
    made = BadgeClass.objects.get(slug="mentor-bienveillant")
    assert made.issuer.actor == actor
    assert made.skills == ["information.open_data"]
    assert made.image
    assert issuing.badge_png(made).startswith(b"\x89PNG")
    # The issuer profile page shows its DID and the class.
    page = _client().get(made.issuer.get_absolute_url()).content.decode()
    assert "did:web:" in page
    assert "Mentor bienveillant" in page


def test_an_image_is_checked_by_its_content(org):
    _, admin = org
    fake = SimpleUploadedFile("m.png", b"<html>not an image</html>", "image/png")
    response = _client(admin).post(
        "/badges/new/", _class_form(issuer_ref="actor:velo-club", image=fake)
    )
    assert response.status_code == 200
    assert not BadgeClass.objects.exists()


def test_a_stranger_cannot_define_for_an_organisation(org):
    stranger = member("bob")
    assert _client(stranger).get("/badges/new/").status_code == 404
    _client(stranger).post("/badges/new/", _class_form(issuer_ref="actor:velo-club"))
    _client(stranger).post("/badges/new/", _class_form(issuer_ref="instance"))
    assert not BadgeClass.objects.exists()


def test_community_facilitator_defines_and_edits_the_issuer_profile():
    facilitator = member("fanny")
    domain = Domain.objects.create(slug="velo", name="Vélo du quotidien")
    DomainMember.objects.create(domain=domain, user=facilitator, role="facilitator")
    _client(facilitator).post("/badges/new/", _class_form(issuer_ref="domain:velo"))
    issuer = Issuer.objects.get(domain=domain)
    response = _client(facilitator).post(
        f"/badges/issuers/{issuer.slug}/edit/",
        {"name": "Vélo", "description": "Cyclists", "url": "https://velo.example"},
    )
    assert response.status_code == 302
    issuer.refresh_from_db()
    assert issuer.description == "Cyclists"
    assert (
        _client(member("bob")).get(f"/badges/issuers/{issuer.slug}/edit/").status_code
        == 404
    )


def test_staff_define_instance_badges_and_edit_classes():
    staff = member("sam", is_staff=True)
    _client(staff).post("/badges/new/", _class_form(issuer_ref="instance"))
    made = BadgeClass.objects.get()
    assert made.issuer.is_instance
    _client(staff).post(
        f"/badges/classes/{made.slug}/edit/",
        _class_form(name="Mentor", rule="contributions", rule_count="5"),
    )
    made.refresh_from_db()
    assert (made.name, made.rule, made.rule_count) == ("Mentor", "contributions", 5)
    assert (
        _client(member("bob")).get(f"/badges/classes/{made.slug}/edit/").status_code
        == 404
    )


def test_organisation_admin_awards_by_hand_with_evidence_links(org):
    actor, admin = org
    mine = BadgeClass.objects.create(
        slug="mentor", issuer=issuing.issuer_for_actor(actor), name="Mentor",
        description="d", criteria="c", kind="behaviour",
    )  # fmt: skip
    ana = member("ana")
    links = "https://example.org/a\nhttps://example.org/b"
    _client(member("bob")).post(
        "/badges/classes/mentor/award/", {"username": "ana", "evidence_urls": links}
    )
    assert not Award.objects.exists()
    _client(admin).post(
        "/badges/classes/mentor/award/",
        {"username": "ana", "evidence": "Mentored", "evidence_urls": links},
    )
    award = Award.objects.get(badge=mine, recipient=ana)
    assert award.awarded_by == admin
    assert award.evidence_url == "https://example.org/a"
    assert award.more_evidence_urls == ["https://example.org/b"]
    doc = issuing.credential(award)
    assert [e.get("id") for e in doc["evidence"]] == [
        "https://example.org/a",
        "https://example.org/b",
    ]
    # The organisation's admin may revoke it too.
    _client(admin).post(f"{award.get_absolute_url()}revoke/", {"reason": "mistake"})
    award.refresh_from_db()
    assert award.revoked
    assert award.revocation_reason == "mistake"


def test_endorsements_are_signed_credentials_that_verify(org, settings):
    settings.SITE_URL = "https://a.example"
    _, admin = org
    ana = member("ana")
    award = issuing.award(badge(), ana, via=Award.Via.HAND)
    award.accepted = award.public = True
    award.save()
    client = _client(admin)
    assert (
        client.get("/badges/classes/premiere-contribution/endorse/").status_code == 200
    )
    client.post(
        "/badges/classes/premiere-contribution/endorse/",
        {"actor": "velo-club", "comment": "Real contributions."},
    )
    client.post(
        f"{award.get_absolute_url()}endorse/",
        {"actor": "velo-club", "comment": "Bravo"},
    )
    assert Endorsement.objects.count() == 2
    on_award = Endorsement.objects.get(award=award)
    assert "Bravo" in _client().get(award.get_absolute_url()).content.decode()
    page = _client().get("/badges/classes/premiere-contribution/").content.decode()
    assert "Real contributions." in page
    doc = _client().get(on_award.get_absolute_url()).json()
    assert doc["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert doc["credentialSubject"]["id"] == issuing.site(award.get_absolute_url())
    assert doc["issuer"]["id"] == "did:web:a.example:badges:issuers:org-velo-club"
    result = verification.check(json.dumps(doc))
    assert result["verdict"].valid, result["errors"]
    assert any("Data Integrity proof" in c for c in result["checks"])
    doc["credentialSubject"]["endorsementComment"] = "Tampered"
    assert not verification.check(json.dumps(doc))["verdict"].valid


def test_a_stranger_cannot_endorse_in_an_organisation_name(org):
    badge()
    _client(member("bob")).post(
        "/badges/classes/premiere-contribution/endorse/",
        {"actor": "velo-club", "comment": "Hijack"},
    )
    assert not Endorsement.objects.exists()


def test_the_account_export_holds_awards_nominations_and_endorsements(org, settings):
    settings.BADGES_NOMINATION_SECONDS = 5
    _, admin = org
    ana = member("ana")
    kind = badge(
        "ecoute", name="Écoute", kind="behaviour", rule="", nominations_open=True
    )
    issuing.award(badge(), ana, via=Award.Via.HAND, evidence_url="https://e.example")
    nominations.nominate(kind, ana, admin, "Listens well")
    _client(admin).post(
        "/badges/classes/ecoute/endorse/", {"actor": "velo-club", "comment": "Yes"}
    )
    data = export_user_data(ana)
    assert data["badge_awards"][0]["badge"] == "premiere-contribution"
    assert data["badge_awards"][0]["evidence_urls"] == ["https://e.example"]
    assert data["badge_nominations"][0]["reason"] == "Listens well"
    mine = export_user_data(admin)
    assert mine["badge_nominations"][0]["nominee"] == "ana"
    assert mine["badge_endorsements"][0]["comment"] == "Yes"
    json.dumps(data, default=str)


def test_deleting_an_organisation_keeps_its_issuer_so_its_badges_verify(org):
    actor, _ = org
    issuer = issuing.issuer_for_actor(actor)
    BadgeClass.objects.create(
        slug="mentor", issuer=issuer, name="Mentor", description="d", criteria="c",
        kind="behaviour",
    )  # fmt: skip
    did = issuing.did(issuer)
    actor.delete()
    issuer.refresh_from_db()
    assert issuer.actor is None
    assert not issuer.is_instance
    assert issuing.did(issuer) == did
