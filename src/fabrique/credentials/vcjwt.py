"""VC-JWT: a credential as the claims of a JWS signed with EdDSA (Ed25519)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fabrique.credentials import CredentialsError
from fabrique.credentials.keys import SigningKey


class JWTError(CredentialsError):
    """A VC-JWT is malformed or its signature does not verify."""


def _epoch(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def encode(credential: Mapping[str, Any], key: SigningKey) -> str:
    """Sign ``credential`` as a VC-JWT (``vc`` claim plus registered claims)."""
    claims: dict[str, Any] = {"vc": dict(credential)}
    issuer = credential.get("issuer")
    claims["iss"] = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    nbf = _epoch(credential.get("validFrom") or credential.get("issuanceDate"))
    if nbf is not None:
        claims["nbf"] = claims["iat"] = nbf
    exp = _epoch(credential.get("validUntil") or credential.get("expirationDate"))
    if exp is not None:
        claims["exp"] = exp
    headers = {"kid": key.verification_method, "typ": "JWT"}
    return jwt.encode(claims, key.secret, algorithm="EdDSA", headers=headers)


def looks_like_jwt(text: str) -> bool:
    """Say whether ``text`` has the three dot-separated parts of a compact JWS."""
    parts = text.strip().split(".")
    return len(parts) == 3 and all(parts[:2]) and " " not in text.strip()


def header(token: str) -> dict[str, Any]:
    """Return the unverified protected header of ``token``."""
    try:
        return dict(jwt.get_unverified_header(token.strip()))
    except jwt.PyJWTError as exc:
        raise JWTError(f"not a JWT: {exc}") from exc


def unverified_claims(token: str) -> dict[str, Any]:
    """Return the claims of ``token`` without checking them."""
    try:
        return dict(jwt.decode(token.strip(), options={"verify_signature": False}))
    except jwt.PyJWTError as exc:
        raise JWTError(f"not a JWT: {exc}") from exc


def decode(token: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """Verify the EdDSA signature and return the claims (dates checked elsewhere)."""
    alg = header(token).get("alg")
    if alg not in ("EdDSA", "Ed25519"):
        raise JWTError(f"JWT algorithm {alg!r} is not supported (EdDSA only)")
    try:
        claims = jwt.decode(
            token.strip(),
            public_key,
            algorithms=["EdDSA"],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
            },
        )
    except jwt.InvalidSignatureError as exc:
        raise JWTError("the JWT signature does not match") from exc
    except jwt.PyJWTError as exc:
        raise JWTError(f"the JWT does not verify: {exc}") from exc
    return dict(claims)


def credential_of(claims: Mapping[str, Any]) -> dict[str, Any]:
    """Return the credential carried by VC-JWT claims (``vc`` claim or the claims)."""
    vc = claims.get("vc")
    if isinstance(vc, Mapping):
        return dict(vc)
    if "@context" in claims:
        return dict(claims)
    raise JWTError("the JWT carries no credential (`vc` claim)")


def decode_with_pem(token: str, pem: str) -> dict[str, Any]:
    """Verify a JWS signed with the key of an OB 2.0 ``CryptographicKey`` (PEM)."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError) as exc:
        raise JWTError("the issuer's publicKeyPem cannot be read") from exc
    alg = header(token).get("alg")
    if alg not in ("RS256", "RS384", "RS512", "ES256", "ES384", "EdDSA"):
        raise JWTError(f"JWS algorithm {alg!r} is not supported")
    try:
        claims = jwt.decode(
            token.strip(),
            key,  # type: ignore[arg-type]
            algorithms=[str(alg)],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError as exc:
        raise JWTError("the JWS signature does not match") from exc
    except jwt.PyJWTError as exc:
        raise JWTError(f"the JWS does not verify: {exc}") from exc
    return dict(claims)
