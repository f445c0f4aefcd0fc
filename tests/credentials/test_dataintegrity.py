"""eddsa-rdfc-2022: the W3C test vectors reproduced byte for byte."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest

from fabrique.credentials import dataintegrity
from fabrique.credentials.contexts import FrozenLoader
from fabrique.credentials.keys import (
    SigningKey,
    public_multikey,
    secret_key_from_multikey,
)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# The `employ/` vector needs the citizenship v4rc1 context, absent from the data.
@pytest.mark.parametrize("case", [""])
def test_w3c_eddsa_rdfc_2022_vectors_are_reproduced_byte_for_byte(
    vectors: Path, examples_loader: FrozenLoader, case: str
):
    folder = vectors / "eddsa-rdfc-2022" / case
    pair = json.loads(_read(vectors / "keyPair.json"))
    secret = secret_key_from_multikey(pair["privateKeyMultibase"])
    assert public_multikey(secret.public_key()) == pair["publicKeyMultibase"]
    config = json.loads(_read(folder / "proofConfigDataInt.json"))
    key = SigningKey(secret, config["verificationMethod"])
    unsigned = json.loads(
        _read(vectors / ("employmentAuth.json" if case else "unsigned.json"))
    )

    signed, trace = dataintegrity.sign(
        unsigned,
        key,
        examples_loader,
        created=datetime.fromisoformat(config["created"].replace("Z", "+00:00")),
    )

    assert trace.canonical_document == _read(folder / "canonDocDataInt.txt")
    assert trace.canonical_proof == _read(folder / "proofCanonDataInt.txt")
    assert trace.document_hash.hex() == _read(folder / "docHashDataInt.txt").strip()
    assert trace.proof_hash.hex() == _read(folder / "proofHashDataInt.txt").strip()
    assert (
        trace.combined_hash.hex() == _read(folder / "combinedHashDataInt.txt").strip()
    )
    assert trace.signature.hex() == _read(folder / "sigHexDataInt.txt").strip()
    assert (
        signed["proof"]["proofValue"] == _read(folder / "sigBTC58DataInt.txt").strip()
    )
    assert signed == json.loads(_read(folder / "signedDataInt.json"))


def test_w3c_signed_credential_verifies_and_a_tampered_copy_does_not(
    vectors: Path, examples_loader: FrozenLoader
):
    signed = json.loads(_read(vectors / "eddsa-rdfc-2022" / "signedDataInt.json"))
    method = dataintegrity.verify_proof(signed, examples_loader, {})
    assert method.startswith("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    with pytest.raises(dataintegrity.ProofError, match="does not match"):
        dataintegrity.verify_proof(tampered, examples_loader, {})

    forged_date = copy.deepcopy(signed)
    forged_date["proof"]["created"] = "2024-01-01T00:00:00Z"
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.verify_proof(forged_date, examples_loader, {})


def test_legacy_ed25519signature2020_vector_verifies(
    vectors: Path, loader: FrozenLoader, examples_loader: FrozenLoader
):
    signed = json.loads(_read(vectors / "Ed25519Signature2020" / "signedEdSig.json"))
    dataintegrity.verify_proof(signed, examples_loader, {})


def test_an_unknown_context_is_refused_rather_than_fetched(loader: FrozenLoader):
    doc = {"@context": ["https://example.org/not-bundled"], "name": "x"}
    with pytest.raises(dataintegrity.ProofError, match="not bundled"):
        dataintegrity.canonize(doc, loader)
