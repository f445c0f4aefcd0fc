"""Issue OB 3.0 and 2.0 badges, bake them, revoke them, verify them offline."""

from __future__ import annotations

import io
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from fabrique.credentials import baking, dataintegrity, ob2, ob3, statuslist, vcjwt
from fabrique.credentials.contexts import FrozenLoader
from fabrique.credentials.keys import (
    SigningKey,
    controller_document,
    did_web,
    did_web_url,
)
from fabrique.credentials.verify import verify

ISSUED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LIST_URL = "https://a.example/badges/status/1"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (20, 120, 90, 255)).save(out, format="PNG")
    return out.getvalue()


def _issuer_a() -> tuple[SigningKey, dict[str, Any]]:
    did = did_web("a.example")
    key = SigningKey.generate_did_key()
    key = SigningKey(key.secret, f"{did}#key-1")
    return key, controller_document(did, [("key-1", key.public)])


def _credential(key: SigningKey, index: int = 7) -> dict[str, Any]:
    issuer = ob3.profile(key.controller, "Fabrique A", url="https://a.example/")
    achievement = ob3.achievement(
        "https://a.example/badges/classes/premiere-contribution",
        "Première contribution",
        "A first contribution to a commons was merged.",
        "One contribution recorded on the ledger and accepted.",
        image="https://a.example/badges/classes/premiere-contribution/image.png",
        achievement_type="Achievement",
        alignments=[
            {
                "targetName": "Documentation",
                "targetUrl": "https://a.example/skills/documentation",
            }
        ],
    )
    return ob3.open_badge_credential(
        "https://a.example/badges/awards/1",
        issuer,
        achievement,
        valid_from=ISSUED,
        recipient_identity=("emailAddress", "ana@example.org", "pepper"),
        evidence=[{"id": "https://a.example/projects/velo/ledger/3", "name": "Merge"}],
        credential_status=statuslist.status_entry(LIST_URL, index),
    )


def _status_list(key: SigningKey, loader: FrozenLoader, revoked: list[int]) -> Any:
    unsigned = statuslist.status_list_credential(
        LIST_URL, key.controller, revoked, valid_from=ISSUED + timedelta(days=1)
    )
    return dataintegrity.sign(unsigned, key, loader, created=ISSUED)[0]


def test_issued_credential_validates_against_ob3_and_vc2_schemas(
    loader: FrozenLoader, ob3_schemas: list[dict[str, Any]]
):
    key, _ = _issuer_a()
    signed, _ = dataintegrity.sign(_credential(key), key, loader, proof_set=True)
    assert ob3.schema_errors(signed, ob3_schemas) == []


def test_badge_issued_on_a_verifies_on_b_with_the_network_off(
    loader: FrozenLoader, monkeypatch: pytest.MonkeyPatch
):
    key, did_doc = _issuer_a()
    signed, _ = dataintegrity.sign(_credential(key), key, loader, proof_set=True)
    png = baking.bake_png(_png(), _dump(signed))
    token = vcjwt.encode(signed, key)
    svg = baking.bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', token)
    # Instance B trusts A's DID document (pinned) and A's status list (cached).
    pinned = {key.controller: did_doc, LIST_URL: _status_list(key, loader, [])}

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened during verification")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    moment = ISSUED + timedelta(days=2)
    for form, data in (("png", png), ("svg", svg), ("jwt", token.encode())):
        verdict = verify(
            data,
            loader=loader,
            documents=pinned,
            now=moment,
            recipient="ana@example.org",
        )
        assert verdict.valid, (form, verdict.errors)
        assert verdict.form == form
        assert verdict.achievement == "Première contribution"
        assert verdict.status_as_of == "2026-03-02T12:00:00Z"
        assert "the recipient matches" in verdict.checks


def _dump(doc: dict[str, Any]) -> str:
    import json

    return json.dumps(doc, ensure_ascii=False)


def test_revoked_badge_is_reported_revoked_as_of_the_list_date(loader: FrozenLoader):
    key, did_doc = _issuer_a()
    signed, _ = dataintegrity.sign(_credential(key, 7), key, loader)
    pinned = {key.controller: did_doc, LIST_URL: _status_list(key, loader, [7])}
    verdict = verify(signed, loader=loader, documents=pinned, now=ISSUED)
    assert verdict.status == "revoked"
    assert "2026-03-02T12:00:00Z" in verdict.errors[0]


def test_a_key_that_is_not_an_assertion_method_is_refused(loader: FrozenLoader):
    key, _ = _issuer_a()
    signed, _ = dataintegrity.sign(_credential(key), key, loader)
    auth_only = controller_document(key.controller, [("key-1", key.public)])
    auth_only["assertionMethod"] = []
    verdict = verify(signed, loader=loader, documents={key.controller: auth_only})
    assert "is not an assertionMethod" in " ".join(verdict.errors)


def test_rotated_key_still_verifies_old_badges(loader: FrozenLoader):
    old, _ = _issuer_a()
    signed, _ = dataintegrity.sign(_credential(old), old, loader)
    new = SigningKey(SigningKey.generate_did_key().secret, f"{old.controller}#key-2")
    rotated = controller_document(
        old.controller, [("key-1", old.public), ("key-2", new.public)]
    )
    verdict = verify(signed, loader=loader, documents={old.controller: rotated})
    assert verdict.valid, verdict.errors


def test_tampered_or_unknown_issuer_badges_fail(loader: FrozenLoader):
    key, did_doc = _issuer_a()
    signed, _ = dataintegrity.sign(_credential(key), key, loader)
    signed["credentialSubject"]["achievement"]["name"] = "Grand mentor"
    verdict = verify(signed, loader=loader, documents={key.controller: did_doc})
    assert "does not match" in " ".join(verdict.errors)
    unknown = verify(signed, loader=loader, documents={})
    assert "cannot resolve" in " ".join(unknown.errors)


def test_did_key_badges_verify_without_any_document(loader: FrozenLoader):
    key = SigningKey.generate_did_key()
    signed, _ = dataintegrity.sign(_credential(key), key, loader)
    assert verify(signed, loader=loader).valid


def test_did_web_names_where_its_document_lives():
    assert did_web("a.example:8000") == "did:web:a.example%3A8000"
    assert did_web_url("did:web:a.example%3A8000") == (
        "https://a.example:8000/.well-known/did.json"
    )
    assert did_web_url("did:web:a.example:u:ana") == "https://a.example/u/ana/did.json"


def test_status_list_round_trip_sets_and_reads_bits():
    bits = statuslist.Bitstring()
    assert len(bits) == statuslist.MIN_BITS
    bits[0] = bits[94567] = True
    decoded = statuslist.Bitstring.decode(bits.encode())
    assert decoded[0]
    assert decoded[94567]
    assert not decoded[1]
    assert bits.encode().startswith("u")
    assert decoded.bytes[0] == 0x80


def test_ob2_hosted_assertion_verifies_and_matches_its_recipient(loader):
    issuer = ob2.issuer(
        "https://a.example/badges/issuer", "Fabrique A", "https://a.example/"
    )
    badge = ob2.badge_class(
        "https://a.example/badges/classes/1",
        issuer["id"],
        "Première contribution",
        "First merged contribution.",
        "One accepted ledger entry.",
        "https://a.example/badges/classes/1/image.png",
    )
    assertion = ob2.assertion(
        "https://a.example/badges/awards/1/ob2",
        badge["id"],
        "Ana@Example.org",
        "pepper",
        issued_on=ISSUED,
    )
    docs = {issuer["id"]: issuer, badge["id"]: badge, assertion["id"]: assertion}
    png = baking.bake_png(_png(), _dump(assertion), keyword=baking.KEYWORD_OB2)
    assert baking.unbake_png(png)[0] == "openbadges"
    verdict = verify(png, loader=loader, documents=docs, recipient="ana@example.org")
    assert verdict.valid, verdict.errors
    assert verdict.version == "2.0"
    other = verify(png, loader=loader, documents=docs, recipient="bob@example.org")
    assert not other.valid


def test_garbage_input_is_a_verdict_not_a_crash(loader: FrozenLoader):
    for data in (b"\x89PNG\r\n\x1a\nnot really", b"<svg", b"hello", b"{"):
        assert not verify(data, loader=loader).valid


def test_presentation_wraps_json_and_jwt_credentials():
    vp = ob3.presentation([{"id": "urn:x"}, "a.b.c"], holder="did:key:z6Mk")
    assert vp["type"] == ["VerifiablePresentation"]
    assert vp["verifiableCredential"][1]["id"].startswith("data:application/vc+jwt,")
