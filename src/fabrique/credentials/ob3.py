"""Open Badges 3.0: the ``OpenBadgeCredential`` (a W3C Verifiable Credential 2.0).

:func:`achievement` and :func:`open_badge_credential` build the unsigned
document; :func:`schema_errors` checks it against JSON Schemas handed in by
the caller (the 1EdTech AchievementCredential schema, the VC 2.0 schema).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import jsonschema
from referencing import Registry, Resource

from fabrique.credentials.contexts import CREDENTIALS_V2, OB3_CONTEXT

OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"


def timestamp(moment: datetime) -> str:
    """Format ``moment`` as an XSD dateTime in UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(identity: str, salt: str) -> str:
    """Return the ``sha256$…`` hash of a salted recipient identity.

    >>> identity_hash("ana@example.org", "s4lt")[:7]
    'sha256$'
    """
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def profile(
    profile_id: str, name: str, *, url: str | None = None, **extra: Any
) -> dict[str, Any]:
    """Build an issuer ``Profile``."""
    doc: dict[str, Any] = {"id": profile_id, "type": ["Profile"], "name": name}
    if url:
        doc["url"] = url
    doc.update({k: v for k, v in extra.items() if v not in (None, "", [])})
    return doc


def achievement(
    achievement_id: str,
    name: str,
    description: str,
    criteria: str,
    *,
    image: str | None = None,
    achievement_type: str | None = None,
    alignments: Iterable[Mapping[str, str]] = (),
    creator: Mapping[str, Any] | None = None,
    tags: Sequence[str] = (),
) -> dict[str, Any]:
    """Build an ``Achievement`` (the badge class of Open Badges 3.0).

    ``alignments`` are ``{"targetName", "targetUrl", "targetFramework"?}``.
    """
    doc: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria},
    }
    if achievement_type:
        doc["achievementType"] = achievement_type
    if image:
        doc["image"] = {"id": image, "type": "Image"}
    aligned = [{"type": ["Alignment"], **dict(a)} for a in alignments]
    if aligned:
        doc["alignment"] = aligned
    if creator:
        doc["creator"] = dict(creator)
    if tags:
        doc["tag"] = list(tags)
    return doc


def open_badge_credential(
    credential_id: str,
    issuer: Mapping[str, Any],
    achievement_doc: Mapping[str, Any],
    *,
    valid_from: datetime,
    recipient_id: str | None = None,
    recipient_identity: tuple[str, str, str] | None = None,
    valid_until: datetime | None = None,
    evidence: Iterable[Mapping[str, Any]] = (),
    credential_status: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Build an unsigned ``OpenBadgeCredential``.

    The recipient is ``recipient_id`` (a DID or URL) or ``recipient_identity``
    ``(identity_type, identity, salt)``, stored only as a salted hash.
    """
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": dict(achievement_doc),
    }
    if recipient_id:
        subject["id"] = recipient_id
    if recipient_identity:
        kind, identity, salt = recipient_identity
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(identity, salt),
                "identityType": kind,
                "hashed": True,
                "salt": salt,
            }
        ]
    doc: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB3_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name or str(achievement_doc.get("name", "")),
        "issuer": dict(issuer),
        "validFrom": timestamp(valid_from),
        "credentialSubject": subject,
    }
    if valid_until:
        doc["validUntil"] = timestamp(valid_until)
    items = [
        {"type": ["Evidence"], **{k: v for k, v in e.items() if v}} for e in evidence
    ]
    if items:
        doc["evidence"] = items
    if credential_status:
        doc["credentialStatus"] = dict(credential_status)
    return doc


def presentation(
    credentials: Iterable[Mapping[str, Any] | str], holder: str | None = None
) -> dict[str, Any]:
    """Wrap credentials (JSON or VC-JWT) in an unsigned ``VerifiablePresentation``."""
    items: list[Any] = []
    for c in credentials:
        if isinstance(c, str):
            items.append(
                {
                    "@context": [CREDENTIALS_V2],
                    "id": f"data:application/vc+jwt,{c}",
                    "type": "EnvelopedVerifiableCredential",
                }
            )
        else:
            items.append(dict(c))
    doc: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": items,
    }
    if holder:
        doc["holder"] = holder
    return doc


def schema_errors(
    document: Mapping[str, Any], schemas: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Validate ``document`` against each schema; return readable error lines.

    Schemas may ``$ref`` each other by ``$id``: all are registered together.
    """
    resources = [
        (str(s["$id"]), Resource.from_contents(dict(s)))
        for s in schemas
        if isinstance(s.get("$id"), str)
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    errors: list[str] = []
    for schema in schemas:
        cls = jsonschema.validators.validator_for(schema)
        validator = cls(schema, registry=registry)
        for err in sorted(validator.iter_errors(document), key=lambda e: e.path):
            where = "/".join(str(p) for p in err.absolute_path) or "(root)"
            errors.append(f"{where}: {err.message[:200]}")
    return errors
