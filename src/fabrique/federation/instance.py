"""This instance as the network sees it: its description, its key, the URIs
of its commons and contributors.

The instance key (Ed25519) signs account-linking claims; its public half is
published in the description at ``/.well-known/fabrique-instance``. It is
made on first use in ``FEDERATION_KEY_FILE`` (kept out of the database, so a
dump of the data never carries it).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.urls import reverse

_KEY: Ed25519PrivateKey | None = None
PROTOCOL = "fabrique-federation/1"


def base_url() -> str:
    """This instance's address, without the final slash."""
    return str(settings.SITE_URL).rstrip("/")


def is_own(uri: str) -> bool:
    """Is ``uri`` one of this instance's addresses?"""
    base = base_url()
    return uri == base or uri.startswith(base + "/")


def commons_uri(slug: str) -> str:
    return base_url() + reverse("catalog:commons", args=[slug])


def key_file() -> Path:
    return Path(settings.FEDERATION_KEY_FILE)


def private_key() -> Ed25519PrivateKey:
    """The instance key, made (and stored, readable by its owner only) once."""
    global _KEY
    if _KEY is not None:
        return _KEY
    path = key_file()
    if path.exists():
        loaded = serialization.load_pem_private_key(path.read_bytes(), None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        _KEY = loaded
        return _KEY
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    _KEY = key
    return key


def public_key_text(key: Ed25519PublicKey | None = None) -> str:
    """``ed25519:<base64 of the raw 32 bytes>``."""
    key = key or private_key().public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + base64.b64encode(raw).decode()


def public_key_from(text: str) -> Ed25519PublicKey:
    """The key of :func:`public_key_text`; ValueError when it is not one."""
    if not text.startswith("ed25519:"):
        raise ValueError("not an ed25519: key")
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text[8:]))


def description() -> dict[str, Any]:
    """What ``/.well-known/fabrique-instance`` answers."""
    from fabrique import __version__
    from fabrique.catalog.models import Commons

    base = base_url()
    position = settings.FEDERATION_POSITION
    return {
        "protocol": PROTOCOL,
        "url": base,
        "name": settings.SITE_NAME,
        "region": settings.FEDERATION_REGION,
        "position": {"lat": position[0], "lon": position[1]} if position else None,
        "languages": [code for code, _name in settings.LANGUAGES],
        "contact": settings.FEDERATION_CONTACT,
        "data_licence": settings.FABRIQUE_DATA_LICENCE,
        "software": {"name": "fabrique", "version": __version__},
        "catalogue": base + reverse("catalog:catalogue_rdf", args=["ttl"]),
        "changes": base + reverse("federation:changes"),
        "public_key": public_key_text(),
        "counts": {"commons": Commons.objects.filter(hidden=False).count()},
    }
