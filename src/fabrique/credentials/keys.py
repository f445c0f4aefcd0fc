"""Ed25519 keys as Multikey, ``did:key`` and ``did:web`` documents.

Keys are ``cryptography`` Ed25519 objects; their text forms follow the
Controlled Identifiers / Multikey convention: base58btc multibase (``z``)
of the multicodec header (``0xed01`` public, ``0x8026`` secret) and the raw key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from fabrique.credentials import CredentialsError
from fabrique.credentials.contexts import DID_V1, MULTIKEY_V1

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


class KeyError_(CredentialsError):
    """A key or a verification method could not be read or resolved."""


def multibase_encode(data: bytes) -> str:
    """Encode ``data`` as base58btc multibase (``z`` prefix)."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(text: str) -> bytes:
    """Decode a base58btc multibase string."""
    if not text.startswith("z"):
        raise KeyError_(f"multibase value {text[:12]!r} is not base58btc ('z')")
    try:
        return base58.b58decode(text[1:])
    except ValueError as exc:
        raise KeyError_(f"multibase value {text[:12]!r} is not base58") from exc


def public_multikey(key: Ed25519PublicKey) -> str:
    """Return the Multikey text of an Ed25519 public key (``z6Mk…``)."""
    return multibase_encode(
        ED25519_PUB + key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


def secret_multikey(key: Ed25519PrivateKey) -> str:
    """Return the Multikey text of an Ed25519 secret key (``z3u2…``)."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_encode(ED25519_PRIV + raw)


def public_key_from_multikey(text: str) -> Ed25519PublicKey:
    """Read an Ed25519 public key from its Multikey text."""
    raw = multibase_decode(text)
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise KeyError_(f"{text[:16]}… is not an Ed25519 public Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def secret_key_from_multikey(text: str) -> Ed25519PrivateKey:
    """Read an Ed25519 secret key from its Multikey text."""
    raw = multibase_decode(text)
    if not raw.startswith(ED25519_PRIV) or len(raw) != 34:
        raise KeyError_("the secret key is not an Ed25519 secret Multikey")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


@dataclass(frozen=True)
class SigningKey:
    """A secret key and the verification method id that names its public half."""

    secret: Ed25519PrivateKey
    verification_method: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.secret.public_key()

    @property
    def controller(self) -> str:
        return self.verification_method.split("#")[0]

    @classmethod
    def generate_did_key(cls) -> SigningKey:
        """Make a fresh key named by its own ``did:key``."""
        secret = Ed25519PrivateKey.generate()
        return cls.for_did_key(secret)

    @classmethod
    def for_did_key(cls, secret: Ed25519PrivateKey) -> SigningKey:
        """Name ``secret`` by its ``did:key`` (``did:key:z6Mk…#z6Mk…``)."""
        mk = public_multikey(secret.public_key())
        return cls(secret, f"did:key:{mk}#{mk}")


def did_web(host: str, path: str = "") -> str:
    """Return the ``did:web`` for a host (port as ``%3A``) and optional path.

    >>> did_web("badges.example:8000")
    'did:web:badges.example%3A8000'
    """
    did = "did:web:" + host.replace(":", "%3A")
    for part in path.strip("/").split("/"):
        if part:
            did += ":" + part
    return did


def did_web_url(did: str) -> str:
    """Return the HTTPS URL where a ``did:web`` document is published.

    >>> did_web_url("did:web:badges.example")
    'https://badges.example/.well-known/did.json'
    """
    if not did.startswith("did:web:"):
        raise KeyError_(f"{did} is not a did:web")
    parts = did[len("did:web:") :].split(":")
    host = unquote(parts[0])
    if len(parts) == 1:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/" + "/".join(parts[1:]) + "/did.json"


def controller_document(
    controller: str,
    public_keys: Iterable[tuple[str, Ed25519PublicKey]],
    *,
    assertion: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Build a DID document listing Multikey verification methods.

    ``public_keys`` are ``(fragment, key)`` pairs; every key is an
    ``assertionMethod`` unless ``assertion`` names the fragments that are
    (old rotated keys stay listed so that earlier credentials still verify).
    """
    methods = []
    ids = []
    for fragment, key in public_keys:
        vm_id = f"{controller}#{fragment}"
        ids.append(vm_id)
        methods.append(
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": public_multikey(key),
            }
        )
    chosen = ids if assertion is None else [f"{controller}#{f}" for f in assertion]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": controller,
        "verificationMethod": methods,
        "assertionMethod": chosen,
        "authentication": chosen,
    }


def did_key_document(did: str) -> dict[str, Any]:
    """Expand a ``did:key`` (Ed25519) into its DID document, locally."""
    base = did.split("#")[0]
    if not base.startswith("did:key:z6Mk"):
        raise KeyError_(f"{did}: only Ed25519 did:key (z6Mk…) is supported")
    mk = base[len("did:key:") :]
    key = public_key_from_multikey(mk)
    return controller_document(base, [(mk, key)])


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def resolve_verification_method(
    vm_id: str,
    documents: Mapping[str, Mapping[str, Any]],
    *,
    purpose: str = "assertionMethod",
) -> Ed25519PublicKey:
    """Find the public key of ``vm_id`` and check it is allowed for ``purpose``.

    ``did:key`` resolves locally. Anything else (``did:web``, ``https:`` issuer
    profiles) must be in ``documents``, keyed by the document id (a pinned or
    cached copy): nothing is fetched.
    """
    if ":" not in vm_id:
        raise KeyError_(f"verification method {vm_id!r} is not a URL or a DID")
    base = vm_id.split("#")[0]
    scheme = base.split(":")[0]
    if base.startswith("did:key:"):
        doc: Mapping[str, Any] = did_key_document(base)
        if "#" not in vm_id:
            vm_id = f"{base}#{base[len('did:key:') :]}"
    elif base.startswith("did:web:") or scheme in ("https", "http"):
        found = documents.get(base)
        if found is None and base.startswith("did:web:"):
            found = documents.get(did_web_url(base))
        if found is None:
            raise KeyError_(
                f"no pinned or cached document for {base}: cannot resolve {vm_id} "
                "offline"
            )
        doc = found
    elif base.startswith("did:"):
        raise KeyError_(f"DID method of {vm_id} is not supported (did:key, did:web)")
    else:
        raise KeyError_(f"verification method {vm_id} has an unsupported scheme")
    method = None
    for candidate in _as_list(doc.get("verificationMethod")) + _as_list(
        doc.get(purpose)
    ):
        if isinstance(candidate, Mapping) and candidate.get("id") == vm_id:
            method = candidate
            break
    if method is None:
        raise KeyError_(f"{vm_id} is not listed in the document of {base}")
    allowed = {
        (m.get("id") if isinstance(m, Mapping) else m)
        for m in _as_list(doc.get(purpose))
    }
    if vm_id not in allowed:
        raise KeyError_(f"{vm_id} is not an {purpose} of {base}")
    multikey = method.get("publicKeyMultibase")
    if not isinstance(multikey, str):
        raise KeyError_(f"{vm_id} has no publicKeyMultibase")
    return public_key_from_multikey(multikey)
