"""Account-linking claims: "the person signed in here as X is also Y on
that instance", signed with this instance's Ed25519 key.

A claim is ``<base64url payload>.<base64url signature>``; the payload is
JSON with ``iss`` (the signing instance), ``sub`` (the person there),
``links`` (the account they link it to), ``iat`` and ``exp``. The instance
that receives it checks the signature with the key the issuer publishes in
its description, and that ``links`` is the account signed in there.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from cryptography.exceptions import InvalidSignature

from fabrique.federation import instance

LIFETIME = 24 * 3600


class ClaimError(ValueError):
    """The claim is not valid; the message says why."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(subject: str, links: str, *, now: float | None = None) -> str:
    """A claim, signed here, that ``subject`` (here) is also ``links``."""
    now = time.time() if now is None else now
    payload = {
        "iss": instance.base_url(),
        "sub": subject,
        "links": links,
        "iat": int(now),
        "exp": int(now) + LIFETIME,
    }
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    signature = instance.private_key().sign(body)
    return f"{_b64(body)}.{_b64(signature)}"


def read(token: str) -> dict[str, Any]:
    """The payload of a claim, not yet verified."""
    try:
        body, _signature = token.strip().split(".", 1)
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError) as exc:
        raise ClaimError("this is not a claim") from exc
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(k), str) for k in ("iss", "sub", "links")
    ):
        raise ClaimError("the claim lacks its issuer, subject or link")
    return payload


def verify(token: str, public_key: str, *, now: float | None = None) -> dict[str, Any]:
    """The payload of a claim whose signature ``public_key`` checks."""
    payload = read(token)
    body, signature = token.strip().split(".", 1)
    try:
        key = instance.public_key_from(public_key)
        key.verify(_unb64(signature), _unb64(body))
    except (InvalidSignature, ValueError) as exc:
        raise ClaimError("the claim's signature does not match its instance") from exc
    now = time.time() if now is None else now
    if int(payload.get("exp", 0)) < now:
        raise ClaimError("the claim has expired")
    return payload
