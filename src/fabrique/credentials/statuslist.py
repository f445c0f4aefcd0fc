"""Bitstring Status List (W3C): revocation published as a compressed bitstring.

Index 0 is the most significant bit of the first byte. The list is GZIP
compressed and written as base64url multibase (``u`` prefix, no padding);
lists hold at least 131,072 entries so that one entry says little about who.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from fabrique.credentials import CredentialsError
from fabrique.credentials.contexts import CREDENTIALS_V2

MIN_BITS = 131_072


class StatusListError(CredentialsError):
    """A status list or a status entry is malformed."""


class Bitstring:
    """A mutable bitstring; ``Bitstring(n)[i] = True`` sets entry ``i``."""

    def __init__(self, size: int = MIN_BITS, data: bytes | None = None) -> None:
        nbytes = (max(size, 1) + 7) // 8
        self.bytes = bytearray(data if data is not None else bytes(nbytes))

    def __len__(self) -> int:
        return len(self.bytes) * 8

    def __getitem__(self, index: int) -> bool:
        if not 0 <= index < len(self):
            raise StatusListError(f"status index {index} is outside the list")
        return bool(self.bytes[index // 8] & (0x80 >> (index % 8)))

    def __setitem__(self, index: int, value: bool) -> None:
        if not 0 <= index < len(self):
            raise StatusListError(f"status index {index} is outside the list")
        mask = 0x80 >> (index % 8)
        if value:
            self.bytes[index // 8] |= mask
        else:
            self.bytes[index // 8] &= ~mask & 0xFF

    def encode(self) -> str:
        """Return the ``encodedList`` value (``u`` + base64url of GZIP)."""
        packed = gzip.compress(bytes(self.bytes), mtime=0)
        return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, encoded: str) -> Bitstring:
        """Read an ``encodedList`` value (multibase ``u``, or bare base64url)."""
        text = encoded[1:] if encoded.startswith("u") else encoded
        try:
            packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            raw = gzip.decompress(packed)
        except (ValueError, OSError) as exc:
            raise StatusListError("encodedList is not GZIP in base64url") from exc
        return cls(len(raw) * 8, raw)


def status_list_credential(
    url: str,
    issuer: str,
    revoked: Iterable[int],
    *,
    valid_from: datetime,
    size: int = MIN_BITS,
) -> dict[str, Any]:
    """Build the (unsigned) ``BitstringStatusListCredential`` published at ``url``."""
    bits = Bitstring(size)
    for index in revoked:
        bits[index] = True
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
        },
    }


def status_entry(url: str, index: int) -> dict[str, Any]:
    """Build the ``credentialStatus`` entry pointing at ``index`` of list ``url``."""
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def is_set(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> bool:
    """Say whether ``entry``'s bit is set in ``list_credential``."""
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or "encodedList" not in subject:
        raise StatusListError("the status list credential has no encodedList")
    if subject.get("statusPurpose", entry.get("statusPurpose")) != entry.get(
        "statusPurpose"
    ):
        raise StatusListError("the status list's purpose differs from the entry's")
    try:
        index = int(entry["statusListIndex"])
    except (KeyError, TypeError, ValueError) as exc:
        raise StatusListError("statusListIndex is not an integer") from exc
    return Bitstring.decode(str(subject["encodedList"]))[index]
