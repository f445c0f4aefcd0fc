"""Verify any badge offline: OB 2.0 and 3.0, as JSON, VC-JWT, baked PNG or SVG.

Nothing here opens a socket. Everything outside the badge (issuer profiles,
``did:web`` documents, OB 2.0 hosted badge classes, status lists) comes from
``documents``, a mapping ``URL -> parsed JSON`` of pinned or cached copies the
caller trusts; ``did:key`` resolves locally.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pyld import jsonld

from fabrique.credentials import (
    CredentialsError,
    baking,
    dataintegrity,
    ob2,
    ob3,
    statuslist,
    vcjwt,
)
from fabrique.credentials.contexts import CREDENTIALS_V1, CREDENTIALS_V2, FrozenLoader
from fabrique.credentials.keys import resolve_verification_method

VALID, INVALID, REVOKED, EXPIRED = "valid", "invalid", "revoked", "expired"


@dataclass
class Verdict:
    """The outcome of one verification, with its reasons."""

    status: str = VALID
    version: str = ""
    form: str = "json"
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    issuer: str = ""
    issuer_name: str = ""
    achievement: str = ""
    status_as_of: str = ""

    @property
    def valid(self) -> bool:
        return self.status == VALID

    def fail(self, message: str, status: str = INVALID) -> None:
        self.errors.append(message)
        if self.status == VALID or status == REVOKED:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "version": self.version,
            "form": self.form,
            "issuer": self.issuer,
            "issuer_name": self.issuer_name,
            "achievement": self.achievement,
            "errors": self.errors,
            "warnings": self.warnings,
            "checks": self.checks,
            "status_as_of": self.status_as_of,
        }


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _types(doc: Mapping[str, Any]) -> list[str]:
    value = doc.get("type", doc.get("@type"))
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _contexts(doc: Mapping[str, Any]) -> list[Any]:
    value = doc.get("@context")
    return value if isinstance(value, list) else [value]


UNDEFINED_VOCAB = "urn:fabrique:undefined-term:"


def _undefined(value: Any, into: set[str]) -> set[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key.startswith(UNDEFINED_VOCAB):
                into.add(key[len(UNDEFINED_VOCAB) :])
            if key in ("@type", "@id"):
                for t in item if isinstance(item, list) else [item]:
                    if isinstance(t, str) and t.startswith(UNDEFINED_VOCAB):
                        into.add(t[len(UNDEFINED_VOCAB) :])
            _undefined(item, into)
    elif isinstance(value, list):
        for item in value:
            _undefined(item, into)
    return into


def dropped_terms(doc: Mapping[str, Any], loader: FrozenLoader) -> list[str]:
    """Name the properties and types no context defines (JSON-LD would drop them).

    Expands with a last context whose ``@vocab`` catches every undefined term,
    then lists what it caught.
    """
    return probe_expansion(doc, loader)[1]


def probe_expansion(
    doc: Mapping[str, Any], loader: FrozenLoader
) -> tuple[Any, list[str]]:
    """Expand ``doc`` catching undefined terms; return the expansion and them.

    When nothing is undefined the catch-all ``@vocab`` was never used, so the
    expansion is the document's own and canonicalisation can start from it.
    """
    contexts = [*list(_contexts(doc)), {"@vocab": UNDEFINED_VOCAB}]
    probe = {**doc, "@context": contexts}
    expanded = jsonld.expand(probe, {"documentLoader": loader})
    return expanded, sorted(_undefined(expanded, set()))


def extract(data: bytes | str | Mapping[str, Any]) -> tuple[str, str | dict[str, Any]]:
    """Return ``(form, payload)``: form is json, jwt, png or svg."""
    if isinstance(data, Mapping):
        return "json", dict(data)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if raw.startswith(baking.PNG_SIGNATURE):
        _, payload = baking.unbake_png(raw)
        return "png", _payload(payload)
    head = raw.lstrip()[:512]
    if head.startswith(b"<"):
        _, payload = baking.unbake_svg(raw)
        return "svg", _payload(payload)
    text = raw.decode("utf-8", errors="replace").strip()
    parsed = _payload(text)
    return ("jwt" if isinstance(parsed, str) else "json"), parsed


def _payload(text: str) -> str | dict[str, Any]:
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CredentialsError(f"the badge is not valid JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise CredentialsError("the badge JSON is not an object")
        return value
    if vcjwt.looks_like_jwt(text):
        return text
    if text.startswith(("http://", "https://")):
        return text
    raise CredentialsError("the input is neither JSON, a JWT, a PNG nor an SVG badge")


def verify(
    data: bytes | str | Mapping[str, Any],
    *,
    loader: FrozenLoader,
    documents: Mapping[str, Mapping[str, Any]] | None = None,
    now: datetime | None = None,
    schemas: Sequence[Mapping[str, Any]] = (),
    recipient: str | None = None,
) -> Verdict:
    """Verify a badge; return a :class:`Verdict` (never raises for bad badges).

    >>> verdict = verify(png_bytes, loader=loader)  # doctest: +SKIP
    >>> verdict.status  # doctest: +SKIP
    'valid'
    """
    docs: Mapping[str, Mapping[str, Any]] = documents or {}
    moment = now or datetime.now(UTC)
    verdict = Verdict()
    try:
        verdict.form, payload = extract(data)
    except CredentialsError as exc:
        verdict.fail(str(exc))
        return verdict
    if isinstance(payload, str) and payload.startswith(("http://", "https://")):
        hosted = docs.get(payload)
        if hosted is None:
            verdict.fail(
                f"the badge points to {payload}, which is not available offline"
            )
            return verdict
        payload = dict(hosted)
    try:
        if isinstance(payload, str):
            _verify_jwt(payload, verdict, loader, docs, moment, schemas, recipient)
        elif "Assertion" in _types(payload) or _contexts(payload)[0] == ob2.OB2_CONTEXT:
            _verify_ob2(payload, verdict, docs, moment, recipient)
        else:
            _verify_vc(payload, verdict, loader, docs, moment, schemas, recipient)
    except CredentialsError as exc:
        verdict.fail(str(exc))
    return verdict


def _verify_jwt(
    token: str,
    verdict: Verdict,
    loader: FrozenLoader,
    docs: Mapping[str, Mapping[str, Any]],
    moment: datetime,
    schemas: Sequence[Mapping[str, Any]],
    recipient: str | None,
) -> None:
    header = vcjwt.header(token)
    claims = vcjwt.unverified_claims(token)
    if "vc" not in claims and "Assertion" in _types(claims):
        _verify_ob2_signed(token, claims, verdict, docs, moment, recipient)
        return
    credential = vcjwt.credential_of(claims)
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise CredentialsError("the JWT header names no key (`kid`)")
    if "#" not in kid and isinstance(claims.get("iss"), str):
        kid = f"{claims['iss']}#{kid}" if not kid.startswith("did:") else kid
    key = resolve_verification_method(kid, docs)
    vcjwt.decode(token, key)
    verdict.checks.append(f"JWT signature by {kid}")
    _verify_vc(
        credential, verdict, loader, docs, moment, schemas, recipient, proof_done=True
    )


def _verify_vc(
    doc: dict[str, Any],
    verdict: Verdict,
    loader: FrozenLoader,
    docs: Mapping[str, Mapping[str, Any]],
    moment: datetime,
    schemas: Sequence[Mapping[str, Any]],
    recipient: str | None,
    *,
    proof_done: bool = False,
) -> None:
    verdict.credential = doc
    verdict.version = "3.0"
    contexts = _contexts(doc)
    if contexts[0] == CREDENTIALS_V1:
        verdict.warnings.append("the credential uses the VC 1.1 context")
    elif contexts[0] != CREDENTIALS_V2:
        verdict.fail("the first @context is not the VC 2.0 context")
    if not any(
        isinstance(c, str) and c.startswith(ob3.OB3_CONTEXT_PREFIX) for c in contexts
    ):
        verdict.fail("the Open Badges 3.0 context is missing")
    types = _types(doc)
    if "VerifiableCredential" not in types:
        verdict.fail("type does not include VerifiableCredential")
    if not {
        "OpenBadgeCredential",
        "AchievementCredential",
        "EndorsementCredential",
    } & set(types):
        verdict.fail("type is not OpenBadgeCredential or EndorsementCredential")
    issuer = doc.get("issuer")
    if isinstance(issuer, Mapping):
        verdict.issuer = str(issuer.get("id", ""))
        verdict.issuer_name = str(issuer.get("name", ""))
    elif isinstance(issuer, str):
        verdict.issuer = issuer
    subject = doc.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("achievement"), Mapping):
        verdict.achievement = str(subject["achievement"].get("name", ""))
    achievement_credential = bool(
        {"OpenBadgeCredential", "AchievementCredential"} & set(types)
    )
    applicable = (
        schemas if achievement_credential and contexts[0] == CREDENTIALS_V2 else ()
    )
    # The proof is checked by its own step; the schema speaks of the credential.
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    for line in ob3.schema_errors(unsecured, applicable):
        verdict.fail(f"schema: {line}")
    try:
        expanded, dropped = probe_expansion(unsecured, loader)
    except jsonld.JsonLdError as exc:
        verdict.fail(f"JSON-LD: {dataintegrity._root_cause(exc)}")
        return
    if dropped and contexts[0] == CREDENTIALS_V1:
        verdict.warnings.append("JSON-LD: undefined terms: " + ", ".join(dropped))
    elif dropped:
        verdict.fail(
            "JSON-LD: terms not defined by the contexts: " + ", ".join(dropped)
        )
    else:
        verdict.checks.append("JSON-LD expands with the bundled contexts")
    if not proof_done:
        try:
            vm = dataintegrity.verify_proof(
                doc, loader, docs, expanded=None if dropped else expanded
            )
        except CredentialsError as exc:
            verdict.fail(str(exc))
        else:
            verdict.checks.append(f"Data Integrity proof by {vm}")
    _check_dates(
        verdict,
        moment,
        doc.get("validFrom", doc.get("issuanceDate")),
        doc.get("validUntil", doc.get("expirationDate")),
    )
    _check_status(doc, verdict, loader, docs)
    if recipient is not None and isinstance(subject, Mapping):
        idents = subject.get("identifier") or []
        matches = subject.get("id") == recipient or any(
            isinstance(i, Mapping)
            and ob2.recipient_matches(
                {
                    "identity": i.get("identityHash"),
                    "hashed": i.get("hashed"),
                    "salt": i.get("salt"),
                },
                recipient,
            )
            for i in idents
        )
        if matches:
            verdict.checks.append("the recipient matches")
        else:
            verdict.fail("the credential was not issued to this recipient")


def _check_dates(verdict: Verdict, moment: datetime, start: Any, end: Any) -> None:
    begins, ends = _parse_time(start), _parse_time(end)
    if start is not None and begins is None:
        verdict.fail(f"the issue date {start!r} is not a date-time")
    if begins and begins > moment:
        verdict.fail(f"not valid before {start}")
    if ends and ends < moment:
        verdict.fail(f"expired on {end}", EXPIRED)
    if begins and ends and ends < begins:
        verdict.fail("expires before it was issued")


def _check_status(
    doc: Mapping[str, Any],
    verdict: Verdict,
    loader: FrozenLoader,
    docs: Mapping[str, Mapping[str, Any]],
) -> None:
    entries = doc.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, Mapping):
            continue
        if entry.get("type") != "BitstringStatusListEntry":
            verdict.warnings.append(
                f"status of type {entry.get('type')!r} was not checked"
            )
            continue
        url = str(entry.get("statusListCredential", ""))
        listed = docs.get(url)
        if listed is None:
            verdict.warnings.append(f"status list {url} is not available offline")
            continue
        if listed.get("proof") is not None:
            try:
                dataintegrity.verify_proof(listed, loader, docs)
            except CredentialsError as exc:
                verdict.fail(f"status list: {exc}")
                continue
        verdict.status_as_of = str(
            listed.get("validFrom", listed.get("issuanceDate", ""))
        )
        if statuslist.is_set(entry, listed):
            reason = ""
            reasons = listed.get("reasons")
            if isinstance(reasons, Mapping):
                reason = str(reasons.get(str(entry.get("statusListIndex")), ""))
            verdict.fail(
                f"revoked (status list of {verdict.status_as_of})"
                + (f": {reason}" if reason else ""),
                REVOKED,
            )
        else:
            verdict.checks.append(f"not revoked as of {verdict.status_as_of}")


def _ref(
    value: Any, docs: Mapping[str, Mapping[str, Any]], what: str
) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value in docs:
        return dict(docs[value])
    raise CredentialsError(f"the {what} {value!r} is not available offline")


def _verify_ob2_signed(
    token: str,
    claims: dict[str, Any],
    verdict: Verdict,
    docs: Mapping[str, Mapping[str, Any]],
    moment: datetime,
    recipient: str | None,
) -> None:
    """An OB 2.0 signed assertion: a JWS by the issuer's ``CryptographicKey``."""
    verification = claims.get("verification")
    creator = verification.get("creator") if isinstance(verification, Mapping) else None
    badge = _ref(claims.get("badge"), docs, "badge class")
    issuer = _ref(badge.get("issuer"), docs, "issuer")
    listed = issuer.get("publicKey")
    keys = listed if isinstance(listed, list) else [listed]
    key_id = creator if isinstance(creator, str) else (keys[0] if keys else None)
    key_doc = docs.get(str(key_id)) if key_id else None
    if key_doc is None or not isinstance(key_doc.get("publicKeyPem"), str):
        raise CredentialsError(f"the signing key {key_id} is not available offline")
    if key_doc.get("owner") != issuer.get("id"):
        raise CredentialsError("the signing key does not belong to the badge's issuer")
    vcjwt.decode_with_pem(token, key_doc["publicKeyPem"])
    verdict.checks.append(f"JWS signature by {key_id}")
    _verify_ob2(claims, verdict, docs, moment, recipient, signed=True)


def _verify_ob2(
    doc: dict[str, Any],
    verdict: Verdict,
    docs: Mapping[str, Mapping[str, Any]],
    moment: datetime,
    recipient: str | None,
    *,
    signed: bool = False,
) -> None:
    verdict.credential = doc
    verdict.version = "2.0"
    if ob2.OB2_CONTEXT not in _contexts(doc):
        verdict.fail("the Open Badges 2.0 context is missing")
    if "Assertion" not in _types(doc):
        verdict.fail("type is not Assertion")
    badge = _ref(doc.get("badge"), docs, "badge class")
    if "BadgeClass" not in _types(badge):
        verdict.fail("the badge is not a BadgeClass")
    verdict.achievement = str(badge.get("name", ""))
    issuer = _ref(badge.get("issuer"), docs, "issuer")
    if not {"Issuer", "Profile"} & set(_types(issuer)):
        verdict.fail("the badge class's issuer is not an Issuer profile")
    verdict.issuer = str(issuer.get("id", ""))
    verdict.issuer_name = str(issuer.get("name", ""))
    verification = doc.get("verification") or {}
    vtype = (
        str(verification.get("type", "")).lower()
        if isinstance(verification, Mapping)
        else ""
    )
    if vtype in ("hosted", "hostedbadge"):
        assertion_id = str(doc.get("id", ""))
        hosted = docs.get(assertion_id)
        if hosted is None:
            verdict.warnings.append(f"hosted copy {assertion_id} not available offline")
        elif hosted.get("recipient") != doc.get("recipient") or hosted.get(
            "badge"
        ) != doc.get("badge"):
            verdict.fail("the hosted copy differs from this assertion")
        else:
            verdict.checks.append("matches its hosted copy")
        allowed = _allowed_origins(issuer, badge)
        if not allowed:
            verdict.warnings.append(
                "the issuer's id is not a web address: where the assertion is "
                "hosted cannot be checked"
            )
        elif not any(assertion_id.startswith(prefix) for prefix in allowed):
            verdict.fail(f"{assertion_id} is not hosted where the issuer allows")
    elif vtype in ("signed", "signedbadge"):
        if not signed:
            verdict.fail("signed OB 2.0 assertions are only accepted as a JWS")
    else:
        verdict.fail(f"unknown verification type {vtype!r}")
    _check_dates(verdict, moment, doc.get("issuedOn"), doc.get("expires"))
    issued = _parse_time(doc.get("issuedOn"))
    if issued is None:
        verdict.fail("issuedOn is missing or not a date-time")
    revocation_url = issuer.get("revocationList")
    if isinstance(revocation_url, str) and revocation_url in docs:
        revoked = docs[revocation_url].get("revokedAssertions") or []
        for item in revoked:
            rid = item.get("id", item.get("uid")) if isinstance(item, Mapping) else item
            if rid in (doc.get("id"), doc.get("uid")):
                reason = (
                    item.get("revocationReason", "")
                    if isinstance(item, Mapping)
                    else ""
                )
                verdict.fail(f"revoked: {reason}".rstrip(": "), REVOKED)
    if recipient is not None:
        if ob2.recipient_matches(doc.get("recipient") or {}, recipient):
            verdict.checks.append("the recipient matches")
        else:
            verdict.fail("the assertion was not issued to this recipient")


def _allowed_origins(issuer: Mapping[str, Any], badge: Mapping[str, Any]) -> list[str]:
    for source in (badge, issuer):
        verification = source.get("verification")
        if isinstance(verification, Mapping):
            starts = verification.get("startsWith")
            if starts:
                return [starts] if isinstance(starts, str) else list(starts)
            origins = verification.get("allowedOrigins")
            if origins:
                listed = [origins] if isinstance(origins, str) else list(origins)
                return [f"https://{o}" for o in listed] + [
                    f"http://{o}" for o in listed
                ]
    # By default the issuer's domain, whatever the scheme (OB 2.0 §verification).
    host = urlsplit(str(issuer.get("id", ""))).netloc
    return [f"https://{host}/", f"http://{host}/"] if host else []
