"""Open Badges 2.0: hosted Assertion, BadgeClass and Issuer JSON-LD documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fabrique.credentials.ob3 import identity_hash, timestamp

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def issuer(issuer_id: str, name: str, url: str, **extra: Any) -> dict[str, Any]:
    """Build a hosted OB 2.0 ``Issuer`` profile."""
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_id,
        "name": name,
        "url": url,
    }
    doc.update({k: v for k, v in extra.items() if v not in (None, "", [])})
    return doc


def badge_class(
    badge_id: str,
    issuer_id: str,
    name: str,
    description: str,
    criteria: str,
    image: str,
    *,
    alignments: list[Mapping[str, str]] | None = None,
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """Build a hosted OB 2.0 ``BadgeClass``."""
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_id,
        "name": name,
        "description": description,
        "image": image,
        "criteria": {"narrative": criteria},
        "issuer": issuer_id,
    }
    if alignments:
        doc["alignment"] = [dict(a) for a in alignments]
    if tags:
        doc["tags"] = list(tags)
    return doc


def assertion(
    assertion_id: str,
    badge_id: str,
    email: str,
    salt: str,
    *,
    issued_on: datetime,
    expires: datetime | None = None,
    evidence: list[Mapping[str, str]] | None = None,
    image: str | None = None,
) -> dict[str, Any]:
    """Build a hosted OB 2.0 ``Assertion`` with a salted, hashed e-mail recipient."""
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_id,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": identity_hash(email.strip().lower(), salt),
        },
        "badge": badge_id,
        "issuedOn": timestamp(issued_on),
        "verification": {"type": "HostedBadge"},
    }
    if expires:
        doc["expires"] = timestamp(expires)
    if evidence:
        doc["evidence"] = [dict(e) for e in evidence]
    if image:
        doc["image"] = image
    return doc


def recipient_matches(recipient: Mapping[str, Any], identity: str) -> bool:
    """Say whether an OB 2.0 ``recipient`` (hashed or not) names ``identity``."""
    value = str(recipient.get("identity", ""))
    if not recipient.get("hashed"):
        return value.lower() == identity.strip().lower()
    salt = str(recipient.get("salt") or "")
    algo, _, _ = value.partition("$")
    if algo.lower() != "sha256":
        return False
    return value.lower() == identity_hash(identity.strip().lower(), salt).lower()
