"""Data Integrity proofs: ``eddsa-rdfc-2022`` (and legacy ``Ed25519Signature2020``).

Steps of the W3C cryptosuite: canonicalise the document without its proof
and the proof options (RDFC-1.0 through pyld's URDNA2015), hash both with
SHA-256, sign ``proofHash || docHash`` with Ed25519, store base58btc.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

from fabrique.credentials import CredentialsError
from fabrique.credentials.contexts import FrozenLoader
from fabrique.credentials.keys import (
    SigningKey,
    multibase_decode,
    multibase_encode,
    resolve_verification_method,
)

# "eddsa-2022" is the earlier name of the same algorithm (2023 drafts).
SUITES = ("eddsa-rdfc-2022", "eddsa-2022")


class ProofError(CredentialsError):
    """A proof is missing, malformed or does not verify."""


def canonize(document: Any, loader: FrozenLoader) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document.

    ``document`` may be already expanded (a list): no context is processed.
    """
    try:
        result = jsonld.normalize(
            dict(document) if isinstance(document, Mapping) else document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader,
            },
        )
    except jsonld.JsonLdError as exc:
        raise ProofError(
            f"JSON-LD canonicalisation failed: {_root_cause(exc)}"
        ) from exc
    assert isinstance(result, str)
    return result


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None or getattr(exc, "cause", None) is not None:
        nxt = exc.__cause__ or exc.cause  # type: ignore[attr-defined]
        if nxt is None or nxt is exc:
            break
        exc = nxt
    details = getattr(exc, "details", None)
    msg = getattr(exc, "message", None) or str(exc)
    return f"{msg} {details}" if details else str(msg)


@dataclass(frozen=True)
class ProofTrace:
    """Intermediate values of one proof, as the W3C test vectors list them."""

    canonical_document: str
    canonical_proof: str
    document_hash: bytes
    proof_hash: bytes
    signature: bytes

    @property
    def combined_hash(self) -> bytes:
        return self.proof_hash + self.document_hash


def _hashes(
    unsecured: Mapping[str, Any],
    options: Mapping[str, Any],
    loader: FrozenLoader,
    expanded: Any = None,
) -> tuple[str, str, bytes, bytes]:
    canon_doc = canonize(unsecured if expanded is None else expanded, loader)
    canon_proof = canonize(options, loader)
    return (
        canon_doc,
        canon_proof,
        hashlib.sha256(canon_doc.encode()).digest(),
        hashlib.sha256(canon_proof.encode()).digest(),
    )


def _timestamp(when: datetime | None) -> str:
    moment = (when or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: Mapping[str, Any],
    key: SigningKey,
    loader: FrozenLoader,
    *,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    proof_set: bool = False,
) -> tuple[dict[str, Any], ProofTrace]:
    """Add an ``eddsa-rdfc-2022`` proof to ``document``; return it and the trace.

    >>> signed, trace = sign(credential, key, loader)  # doctest: +SKIP
    >>> signed["proof"]["proofValue"][:1]  # doctest: +SKIP
    'z'
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": _timestamp(created),
        "verificationMethod": key.verification_method,
        "proofPurpose": proof_purpose,
        "@context": unsecured.get("@context"),
    }
    canon_doc, canon_proof, doc_hash, proof_hash = _hashes(unsecured, options, loader)
    signature = key.secret.sign(proof_hash + doc_hash)
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = multibase_encode(signature)
    signed = copy.deepcopy(unsecured)
    # A one-proof set and a bare proof are the same RDF; the OB 3.0 schema
    # wants the set.
    signed["proof"] = [proof] if proof_set else proof
    return signed, ProofTrace(canon_doc, canon_proof, doc_hash, proof_hash, signature)


def _proofs(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    proof = document.get("proof")
    if proof is None:
        raise ProofError("the credential has no proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return [p for p in proofs if isinstance(p, Mapping)]


def verify_proof(
    document: Mapping[str, Any],
    loader: FrozenLoader,
    documents: Mapping[str, Mapping[str, Any]],
    *,
    public_key: Ed25519PublicKey | None = None,
    expanded: Any = None,
) -> str:
    """Check the Data Integrity proof(s) we understand; return the key id used.

    Every proof of a supported type must verify; proofs of unknown types are
    ignored when at least one supported proof verified. Raise
    :class:`ProofError` with the reason otherwise.
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    checked: list[str] = []
    for proof in _proofs(document):
        ptype = proof.get("type")
        suite = proof.get("cryptosuite")
        if ptype == "DataIntegrityProof" and suite in SUITES:
            options: dict[str, Any] = {
                k: v for k, v in proof.items() if k != "proofValue"
            }
            options["@context"] = unsecured.get("@context")
        elif ptype == "Ed25519Signature2020":
            options = {k: v for k, v in proof.items() if k != "proofValue"}
            options["@context"] = unsecured.get("@context")
        elif ptype == "DataIntegrityProof":
            raise ProofError(f"cryptosuite {suite!r} is not supported")
        else:
            continue
        vm = proof.get("verificationMethod")
        if not isinstance(vm, str):
            raise ProofError("the proof has no verificationMethod")
        if proof.get("proofPurpose") != "assertionMethod":
            raise ProofError("the proof's purpose is not assertionMethod")
        key = public_key or resolve_verification_method(vm, documents)
        value = proof.get("proofValue")
        if not isinstance(value, str):
            raise ProofError("the proof has no proofValue")
        signature = multibase_decode(value)
        _, _, doc_hash, proof_hash = _hashes(unsecured, options, loader, expanded)
        try:
            key.verify(signature, proof_hash + doc_hash)
        except InvalidSignature as exc:
            raise ProofError(
                f"the signature by {vm} does not match the credential"
            ) from exc
        checked.append(vm)
    if not checked:
        raise ProofError("the credential has no proof of a supported type")
    return checked[0]
