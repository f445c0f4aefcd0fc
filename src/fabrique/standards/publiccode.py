"""publiccode.yml (v0, the current "0" line): validate, read, write.

``validate`` follows the rules of the standard as the reference parser
(italia/publiccode-parser-go) applies them: the same keys, types, required
fields, vocabularies (categories, scopes, ``supports`` aliases, SPDX, BCP 47,
ISO 3166-1) and the same deprecation warnings. Each finding names the key at
fault as a path (``description.en.shortDescription``,
``maintenance.contacts[0].email``).

Checks that fetch remote addresses (is the repository, the landing page, the
documentation reachable, does a remote logo exist) run only with
``offline=False``. Files named by relative paths (logo, screenshots, authors
file) are looked for under ``base_dir`` when one is given.

Italian iPA codes (``urn:x-italian-pa:…``, ``IT.riuso.codiceIPA``) are checked
against the iPA vocabulary when a copy is installed (see ``ipa_codes``);
without it they are accepted as written.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import os
import re
import socket
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fabrique.standards import Finding, StandardsError, not_imported
from fabrique.standards.safeload import (
    BOOL,
    NULL,
    STR,
    Budget,
    YamlSyntaxError,
    compose_yaml,
)

SUPPORTED_VERSIONS = (
    "0",
    "0.2",
    "0.2.0",
    "0.2.1",
    "0.2.2",
    "0.3",
    "0.3.0",
    "0.4",
    "0.4.0",
    "0.5.0",
    "0.5",
    "0.7.0",
    "0.7",
)
CURRENT_VERSION = "0"
BUDGET = Budget(max_bytes=1024**2, max_nodes=50_000, max_depth=32)

# Vocabularies of the standard (publiccodeyml/publiccode.yml, docs/standard).
CATEGORIES = frozenset(
    [
        "accounting",
        "agile-project-management",
        "applicant-tracking",
        "application-development",
        "appointment-scheduling",
        "backup",
        "billing-and-invoicing",
        "blog",
        "budgeting",
        "business-intelligence",
        "business-process-management",
        "cad",
        "call-center-management",
        "cloud-management",
        "collaboration",
        "communications",
        "compliance-management",
        "contact-management",
        "content-management",
        "crm",
        "customer-service-and-support",
        "data-analytics",
        "data-collection",
        "data-visualization",
        "design",
        "design-system",
        "digital-asset-management",
        "digital-citizenship",
        "document-management",
        "donor-management",
        "e-commerce",
        "e-signature",
        "educational-content",
        "email-management",
        "email-marketing",
        "employee-management",
        "enterprise-project-management",
        "enterprise-social-networking",
        "erp",
        "event-management",
        "facility-management",
        "feedback-and-reviews-management",
        "financial-reporting",
        "fleet-management",
        "fundraising",
        "gamification",
        "geographic-information-systems",
        "grant-management",
        "graphic-design",
        "help-desk",
        "hr",
        "ide",
        "identity-management",
        "instant-messaging",
        "integrated-library-system",
        "inventory-management",
        "it-asset-management",
        "it-development",
        "it-management",
        "it-security",
        "it-service-management",
        "knowledge-management",
        "learning-management-system",
        "marketing",
        "mind-mapping",
        "mobile-marketing",
        "mobile-payment",
        "network-management",
        "office",
        "online-booking",
        "online-community",
        "payment-gateway",
        "payroll",
        "predictive-analysis",
        "procurement",
        "productivity-suite",
        "project-collaboration",
        "project-management",
        "property-management",
        "real-estate-management",
        "regulations-and-directives",
        "remote-support",
        "resource-management",
        "sales-management",
        "seo",
        "service-desk",
        "social-media-management",
        "survey",
        "talent-management",
        "task-management",
        "taxes-management",
        "test-management",
        "time-management",
        "time-tracking",
        "translation",
        "video-conferencing",
        "video-editing",
        "visitor-management",
        "voip",
        "warehouse-management",
        "web-collaboration",
        "web-conferencing",
        "website-builder",
        "whistleblowing",
        "workflow-management",
        "other",
    ]
)
SCOPES = frozenset(
    [
        "agriculture",
        "culture",
        "defence",
        "education",
        "emergency-services",
        "employment",
        "energy",
        "environment",
        "finance-and-economic-development",
        "foreign-affairs",
        "government",
        "healthcare",
        "infrastructures",
        "justice",
        "local-authorities",
        "manufacturing",
        "research",
        "science-and-technology",
        "security",
        "society",
        "sport",
        "tourism",
        "transportation",
        "welfare",
    ]
)
SUPPORTS_ALIASES = frozenset(
    ["gdpr", "eidas", "nis2", "cra", "spid", "cie", "anpr", "pagopa", "io"]
)
DEVELOPMENT_STATUSES = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
MAINTENANCE_TYPES = ("internal", "contract", "community", "none")
IT_EXTENSION_VERSIONS = ("0.2", "1.0")

DEPRECATED_SAFE = "This key is deprecated and will be removed; it is safe to drop it"


# --------------------------------------------------------------------------
# Value checks: each returns None when the value is fine, else a message.


def _is_url(text: str) -> bool:
    if not text:
        return False
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return False
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or ""):
        return False
    if parts.scheme.lower() == "file":
        return True
    # An absolute URL has a host, or is opaque ("urn:…", "mailto:…").
    return bool(
        parts.netloc or parts.fragment or (parts.path and "/" not in parts.path[:1])
    )


def _is_http_url(text: str) -> bool:
    if not _is_url(text):
        return False
    parts = urllib.parse.urlsplit(text)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def check_url(text: str) -> str | None:
    return None if _is_url(text) else "must be a valid URL"


def check_http_url(text: str) -> str | None:
    return None if _is_http_url(text) else "must be an HTTP(S) URL"


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_date(text: str) -> str | None:
    if _DATE.fullmatch(text):
        try:
            dt.date.fromisoformat(text)
            return None
        except ValueError:
            pass
    return "must be a date written YYYY-MM-DD"


def check_email(text: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return "must be a valid email address"
    return None


_MIME = re.compile(
    r" *[A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} *"
)


def check_mime(text: str) -> str | None:
    return None if _MIME.fullmatch(text) else "is not a valid MIME type"


def check_language(text: str) -> str | None:
    from language_tags import tags

    # The registry check accepts "_" nowhere; it is case-insensitive as BCP 47.
    if tags.check(text):
        return None
    return "must be a valid BCP 47 language tag (e.g. en, it, en-GB)"


def check_country(text: str) -> str | None:
    import pycountry

    if text in (text.lower(), text.upper()) and (
        len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()) is not None
    ):
        return None
    return "must be an ISO 3166-1 alpha-2 country code (e.g. FR, IT)"


@functools.cache
def _spdx() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def check_license(text: str) -> str | None:
    try:
        info = _spdx().validate(text, strict=True)
    except Exception:
        return "must be a valid SPDX license expression (see https://spdx.org/licenses)"
    if info.errors:
        return "must be a valid SPDX license expression (see https://spdx.org/licenses)"
    return None


def check_category(text: str) -> str | None:
    return None if text in CATEGORIES else "must be a category of the standard's list"


def check_scope(text: str) -> str | None:
    return None if text in SCOPES else "must be a scope of the standard's list"


def ipa_codes() -> frozenset[str] | None:
    """The iPA vocabulary (lowercased codes), when a copy is installed.

    Looked for in ``$FABRIQUE_IPA_CODES`` (a file, one code a line), then in
    ``$FABRIQUE_STANDARDS_DIR/publiccode/it/ipa_codes.txt``.
    """
    candidates = []
    if os.environ.get("FABRIQUE_IPA_CODES"):
        candidates.append(Path(os.environ["FABRIQUE_IPA_CODES"]))
    if os.environ.get("FABRIQUE_STANDARDS_DIR"):
        candidates.append(
            Path(os.environ["FABRIQUE_STANDARDS_DIR"]) / "publiccode/it/ipa_codes.txt"
        )
    for path in candidates:
        if path.is_file():
            return _read_codes(str(path), path.stat().st_mtime)
    return None


@functools.cache
def _read_codes(path: str, _mtime: float) -> frozenset[str]:
    with open(path, encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def check_ipa_code(text: str) -> str | None:
    known = ipa_codes()
    if known is None or text.lower() in known:
        return None
    return "must be a code of the Italian iPA vocabulary"


_URN = re.compile(r"urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s]+", re.IGNORECASE)


def check_organisation_uri(text: str) -> str | None:
    if text.lower().startswith("urn:"):
        if not _URN.fullmatch(text):
            return "is not a valid URI"
        prefix = "urn:x-italian-pa:"
        if text.lower().startswith(prefix) and check_ipa_code(text[len(prefix) :]):
            return (
                "must be 'urn:x-italian-pa:<codiceIPA>' with a code of the "
                "Italian iPA vocabulary"
            )
        return None
    parts = urllib.parse.urlsplit(text)
    if not parts.scheme or not parts.netloc or not _is_url(text):
        return "is not a valid URI"
    return None


def check_supports_id(text: str) -> str | None:
    if text.startswith("alias:"):
        if text[len("alias:") :] in SUPPORTS_ALIASES:
            return None
        return "contains an unknown alias (see the standard's aliases list)"
    if text.lower().startswith("urn:"):
        return None if _URN.fullmatch(text) else "must be a known alias or a URI"
    return None if _is_url(text) else "must be a known alias ('alias:<name>') or a URI"


def _length(text: str) -> int:
    import regex

    return len(regex.findall(r"\X", text))


def max_chars(limit: int) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        if _length(text) > limit:
            return f"must be at most {limit} characters long"
        return None

    return check


def min_max_chars(low: int, high: int) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        n = _length(text)
        if n < low:
            return f"must be at least {low} characters long"
        if n > high:
            return f"must be at most {high} characters long"
        return None

    return check


def one_of(values: tuple[str, ...]) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        if text in values:
            return None
        return "must be one of: " + ", ".join(f'"{v}"' for v in values)

    return check


@functools.cache
def _oembed() -> Any:
    import micawber

    return micawber.bootstrap_basic()


def check_video(text: str) -> str | None:
    if not _is_http_url(text):
        return "must be an HTTP(S) URL"
    if _oembed().provider_for_url(text) is None:
        return "is not a video address of a known oEmbed provider"
    return None


# --------------------------------------------------------------------------
# Shapes of the document.


@dataclass(frozen=True)
class Str:
    required: bool = False
    check: Callable[[str], str | None] | None = None
    strict: bool = False  # a YAML string only (not a number written bare)


@dataclass(frozen=True)
class Bool:
    required: bool = False


@dataclass(frozen=True)
class Seq:
    item: Any
    required: bool = False  # present with at least one item
    one_or_many: bool = False  # a lone value stands for a list of one


@dataclass(frozen=True)
class Map:
    fields: dict[str, Any]
    required: bool = False


@dataclass(frozen=True)
class Dict:
    """A map whose keys are data (language tags), all values of one shape."""

    key_check: Callable[[str], str | None]
    value: Any
    required: bool = False


ORGANISATION = Map(
    {"name": Str(), "uri": Str(required=True, check=check_organisation_uri)}
)
DEPENDENCY = Map(
    {
        "name": Str(required=True),
        "versionMin": Str(),
        "versionMax": Str(),
        "optional": Bool(),
        "version": Str(),
    }
)
DESCRIPTION = Map(
    {
        "localisedName": Str(),
        "genericName": Str(check=max_chars(35)),
        "shortDescription": Str(required=True, check=max_chars(150)),
        "longDescription": Str(required=True, check=min_max_chars(150, 10000)),
        "documentation": Str(check=check_http_url),
        "apiDocumentation": Str(check=check_http_url),
        "features": Seq(Str(), required=True),
        "screenshots": Seq(Str()),
        "videos": Seq(Str(check=check_video)),
        "awards": Seq(Str()),
    }
)
IT_SECTION = Map(
    {
        "countryExtensionVersion": Str(check=one_of(IT_EXTENSION_VERSIONS)),
        "conforme": Map(
            {
                "lineeGuidaDesign": Bool(),
                "modelloInteroperabilita": Bool(),
                "misureMinimeSicurezza": Bool(),
                "gdpr": Bool(),
            }
        ),
        "riuso": Map({"codiceIPA": Str(check=check_ipa_code)}),
        "piattaforme": Map(
            {k: Bool() for k in ("spid", "pagopa", "cie", "anpr", "io")}
        ),
    }
)
DOCUMENT = Map(
    {
        "publiccodeYmlVersion": Str(required=True, strict=True),
        "name": Str(required=True),
        "applicationSuite": Str(),
        "url": Str(required=True, check=check_url),
        "landingURL": Str(check=check_http_url),
        "isBasedOn": Seq(Str(check=check_url), one_or_many=True),
        "softwareVersion": Str(),
        "releaseDate": Str(check=check_date),
        "logo": Str(),
        "monochromeLogo": Str(),
        "organisation": ORGANISATION,
        "inputTypes": Seq(Str(check=check_mime)),
        "outputTypes": Seq(Str(check=check_mime)),
        "platforms": Seq(Str(), required=True),
        "categories": Seq(Str(check=check_category)),
        "usedBy": Seq(Str()),
        "fundedBy": Seq(ORGANISATION),
        "roadmap": Str(check=check_http_url),
        "developmentStatus": Str(required=True, check=one_of(DEVELOPMENT_STATUSES)),
        "softwareType": Str(required=True, check=one_of(SOFTWARE_TYPES)),
        "supports": Seq(Map({"id": Str(required=True, check=check_supports_id)})),
        "intendedAudience": Map(
            {
                "scope": Seq(Str(check=check_scope)),
                "countries": Seq(Str(check=check_country)),
                "unsupportedCountries": Seq(Str(check=check_country)),
            }
        ),
        "description": Dict(check_language, DESCRIPTION, required=True),
        "legal": Map(
            {
                "license": Str(required=True, check=check_license),
                "mainCopyrightOwner": Str(),
                "repoOwner": Str(),
                "authorsFile": Str(),
            },
            required=True,
        ),
        "maintenance": Map(
            {
                "type": Str(required=True, check=one_of(MAINTENANCE_TYPES)),
                "contractors": Seq(
                    Map(
                        {
                            "name": Str(required=True),
                            "email": Str(check=check_email),
                            "website": Str(check=check_http_url),
                            "until": Str(required=True, check=check_date),
                        }
                    )
                ),
                "contacts": Seq(
                    Map(
                        {
                            "name": Str(required=True),
                            "email": Str(check=check_email),
                            "affiliation": Str(),
                            "phone": Str(),
                        }
                    )
                ),
            },
            required=True,
        ),
        "localisation": Map(
            {
                "localisationReady": Bool(required=True),
                "availableLanguages": Seq(Str(check=check_language), required=True),
            },
            required=True,
        ),
        "dependsOn": Map(
            {
                "open": Seq(DEPENDENCY),
                "proprietary": Seq(DEPENDENCY),
                "hardware": Seq(DEPENDENCY),
            }
        ),
        "IT": IT_SECTION,
        "it": IT_SECTION,
    },
    required=True,
)


@dataclass
class _Walk:
    """Checks a composed YAML tree against a shape, collecting findings."""

    findings: list[Finding] = field(default_factory=list)

    def error(self, path: str, message: str, node: yaml.Node | None = None) -> None:
        self.findings.append(Finding("error", message, path, _line(node)))

    def warn(self, path: str, message: str, node: yaml.Node | None = None) -> None:
        self.findings.append(Finding("warning", message, path, _line(node)))

    def check(self, shape: Any, node: yaml.Node | None, path: str) -> None:
        if node is None or _is_null(node):
            if getattr(shape, "required", False):
                if isinstance(shape, Seq | Dict):
                    self.error(path, "must be present with at least one item", node)
                elif isinstance(shape, Map):
                    # an absent section: report its own required keys
                    for key, sub in shape.fields.items():
                        self.check(sub, None, _join(path, key))
                else:
                    self.error(path, "is a required field", node)
            return
        if isinstance(shape, Str):
            if not isinstance(node, yaml.ScalarNode) or (
                shape.strict and node.tag != STR
            ):
                self.error(path, "wrong type for this field: expected a string", node)
                return
            if node.value == "" and shape.required:
                self.error(path, "is a required field", node)
                return
            if shape.check is not None:
                problem = shape.check(node.value)
                if problem:
                    self.error(path, f"{_last(path)} {problem}", node)
        elif isinstance(shape, Bool):
            if not isinstance(node, yaml.ScalarNode) or node.tag != BOOL:
                self.error(
                    path, "wrong type for this field: expected true or false", node
                )
        elif isinstance(shape, Seq):
            if isinstance(node, yaml.ScalarNode) and shape.one_or_many:
                self.check(shape.item, node, f"{path}[0]")
                return
            if not isinstance(node, yaml.SequenceNode):
                self.error(path, "wrong type for this field: expected a list", node)
                return
            if shape.required and not node.value:
                self.error(path, "must contain at least one item", node)
            for i, item in enumerate(node.value):
                if _is_null(item):
                    continue
                self.check(shape.item, item, f"{path}[{i}]")
        elif isinstance(shape, Map):
            if not isinstance(node, yaml.MappingNode):
                self.error(path, "wrong type for this field: expected a map", node)
                return
            seen = self.keys(node, path)
            for key, sub in shape.fields.items():
                self.check(sub, seen.pop(key, None), _join(path, key))
            for key, value in seen.items():
                self.error(_join(path, key), f'unknown field "{key}"', value)
        elif isinstance(shape, Dict):
            if not isinstance(node, yaml.MappingNode):
                self.error(path, "wrong type for this field: expected a map", node)
                return
            entries = self.keys(node, path)
            if shape.required and not entries:
                self.error(path, "must contain at least one item", node)
            for key, value in entries.items():
                problem = shape.key_check(key)
                if problem:
                    self.error(path, f"key {key!r} {problem}", value)
                self.check(shape.value, value, _join(path, key))

    def keys(self, node: yaml.MappingNode, path: str) -> dict[str, yaml.Node]:
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(path, "keys must be plain words", key_node)
                continue
            if key_node.value in out:
                self.error(_join(path, key_node.value), "key written twice", key_node)
            out[key_node.value] = value
        return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _last(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL


def _line(node: yaml.Node | None) -> str:
    if node is None:
        return ""
    return f"line {node.start_mark.line + 1}"


def _get(node: yaml.Node | None, *keys: str | int) -> yaml.Node | None:
    for key in keys:
        if node is None:
            return None
        if isinstance(key, int):
            if not isinstance(node, yaml.SequenceNode) or key >= len(node.value):
                return None
            node = node.value[key]
            continue
        if not isinstance(node, yaml.MappingNode):
            return None
        found = None
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found = v
        node = found
    return None if node is None or _is_null(node) else node


def _text(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _items(node: yaml.Node | None) -> Iterator[tuple[int, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        yield from enumerate(node.value)


# --------------------------------------------------------------------------
# Files and remote addresses.


@dataclass(frozen=True)
class Remote:
    """How remote checks fetch: deadline, size cap, private addresses."""

    timeout: float = 10.0
    max_bytes: int = 5 * 1024**2
    allow_private: bool = False


class _NoRedirectToPrivate(urllib.request.HTTPRedirectHandler):
    def __init__(self, remote: Remote) -> None:
        self.remote = remote

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        _check_host(newurl, self.remote)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _check_host(url: str, remote: Remote) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OSError("only http(s) addresses with a host are fetched")
    if remote.allow_private:
        return
    for info in socket.getaddrinfo(parts.hostname, parts.port or 443):
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise OSError(f"{parts.hostname} is a private or local address; refused")


def fetch(url: str, remote: Remote) -> bytes:
    """GET ``url`` within the limits (raises OSError saying why not)."""
    _check_host(url, remote)
    opener = urllib.request.build_opener(
        _NoRedirectToPrivate(remote), urllib.request.ProxyHandler({})
    )
    request = urllib.request.Request(url, headers={"User-Agent": "fabrique-standards"})  # noqa: S310
    try:
        with opener.open(request, timeout=remote.timeout) as response:
            body: bytes = response.read(remote.max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise OSError(f"HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise OSError(str(exc.reason)) from exc
    if len(body) > remote.max_bytes:
        raise OSError(f"more than {remote.max_bytes:,} bytes")
    return body


_FORGES = {
    "github.com": re.compile(r"/[^/]+/[^/]+?(\.git)?/?"),
    "bitbucket.org": re.compile(r"/[^/]+/[^/]+?(\.git)?/?"),
    "gitlab.com": re.compile(r"(/[^/]+){2,}/?"),
}


def is_code_repository(url: str, remote: Remote) -> bool:
    """Does ``url`` name a code repository? A repository path on a known
    forge, or an address that answers git's smart HTTP protocol."""
    parts = urllib.parse.urlsplit(url)
    shape = _FORGES.get((parts.hostname or "").lower())
    if shape is not None:
        return bool(shape.fullmatch(parts.path)) and not re.search(
            r"/(-/)?(blob|raw|tree)/", parts.path
        )
    refs = url.rstrip("/") + "/info/refs?service=git-upload-pack"
    try:
        fetch(refs, Remote(remote.timeout, 64 * 1024**2, remote.allow_private))
    except OSError:
        return False
    return True


@dataclass
class _Context:
    walk: _Walk
    offline: bool
    base_dir: Path | None
    remote: Remote

    def reachable(self, path: str, node: yaml.Node | None) -> None:
        url = _text(node)
        if self.offline or not url or not _is_http_url(url):
            return
        try:
            fetch(url, self.remote)
        except OSError as exc:
            self.walk.error(path, f"'{url}' is not reachable: {exc}", node)

    def local_or_remote(
        self, path: str, node: yaml.Node | None, extensions: tuple[str, ...] | None
    ) -> None:
        """A relative path (looked for under base_dir) or an HTTP(S) URL."""
        value = _text(node)
        if not value:
            return
        if value.startswith("/"):
            self.walk.error(
                path,
                "is an absolute path; only relative paths or HTTP(S) URLs are allowed",
                node,
            )
            return
        if value.startswith("file:"):
            self.walk.error(
                path,
                "is a file:// URL; only relative paths or HTTP(S) URLs are allowed",
                node,
            )
            return
        target = urllib.parse.urlsplit(value).path if _is_url(value) else value
        if extensions is not None and Path(target).suffix.lower() not in extensions:
            self.walk.error(
                path,
                f"'{value}' has an unsupported extension "
                f"(expected {', '.join(extensions)})",
                node,
            )
            return
        if _is_url(value):
            if not self.offline:
                try:
                    body = fetch(value, self.remote)
                except OSError as exc:
                    self.walk.error(path, f"'{value}' cannot be fetched: {exc}", node)
                    return
                self._image(path, node, value, body)
            return
        if self.base_dir is None:
            return
        base = self.base_dir.resolve()
        file = (base / value).resolve()
        if not file.is_relative_to(base) or not file.is_file():
            self.walk.error(path, f"no such file: '{value}'", node)
            return
        if file.suffix.lower() == ".png":
            with file.open("rb") as handle:
                self._image(path, node, value, handle.read(64))

    def _image(
        self, path: str, node: yaml.Node | None, value: str, head: bytes
    ) -> None:
        is_png = Path(urllib.parse.urlsplit(value).path).suffix.lower() == ".png"
        if is_png and not head.startswith(b"\x89PNG\r\n\x1a\n"):
            self.walk.error(path, f"'{value}' is not a PNG image", node)


def _field_checks(root: yaml.Node, ctx: _Context) -> None:
    """Checks beyond the shape: files, remote addresses, deprecations."""
    walk = ctx.walk
    for key in ("url", "landingURL", "roadmap"):
        ctx.reachable(key, _get(root, key))
    url = _text(_get(root, "url"))
    if (
        url
        and not ctx.offline
        and _is_http_url(url)
        and not is_code_repository(url, ctx.remote)
    ):
        walk.error("url", f"'{url}' is not a code repository", _get(root, "url"))
    logo_types = (".svg", ".svgz", ".png")
    ctx.local_or_remote("logo", _get(root, "logo"), logo_types)
    mono = _get(root, "monochromeLogo")
    if _text(mono):
        walk.warn(
            "monochromeLogo",
            "This key is deprecated and will be removed; use 'logo' instead",
            mono,
        )
        ctx.local_or_remote("monochromeLogo", mono, logo_types)
    for section in ("countries", "unsupportedCountries"):
        for i, item in _items(_get(root, "intendedAudience", section)):
            code = _text(item)
            if code and code.islower() and not check_country(code):
                walk.warn(
                    f"intendedAudience.{section}[{i}]",
                    f"Lowercase country codes are deprecated; write '{code.upper()}'",
                    item,
                )
    authors = _get(root, "legal", "authorsFile")
    if authors is not None:
        walk.warn("legal.authorsFile", DEPRECATED_SAFE, authors)
        ctx.local_or_remote("legal.authorsFile", authors, None)
    repo_owner = _get(root, "legal", "repoOwner")
    if repo_owner is not None:
        walk.warn(
            "legal.repoOwner",
            "This key is deprecated and will be removed; "
            "use 'organisation.name' instead",
            repo_owner,
        )
    for key in ("inputTypes", "outputTypes"):
        if _get(root, key) is not None:
            walk.warn(key, DEPRECATED_SAFE, _get(root, key))
    description = _get(root, "description")
    if isinstance(description, yaml.MappingNode):
        for key_node, desc in description.value:
            lang = key_node.value
            generic = _get(desc, "genericName")
            if _text(generic):
                walk.warn(f"description.{lang}.genericName", DEPRECATED_SAFE, generic)
            for key in ("documentation", "apiDocumentation"):
                ctx.reachable(f"description.{lang}.{key}", _get(desc, key))
            for i, shot in _items(_get(desc, "screenshots")):
                ctx.local_or_remote(
                    f"description.{lang}.screenshots[{i}]", shot, (".jpg", ".png")
                )
    lower, upper = _get(root, "it"), _get(root, "IT")
    if lower is not None:
        walk.warn("it", "Lowercase country sections are deprecated; write 'IT'", lower)
        if upper is not None:
            walk.error("it", "the 'IT' section is already present; remove 'it'", lower)
    it_section = upper if upper is not None else lower
    if it_section is not None:
        conforme = _get(it_section, "conforme")
        if conforme is not None:
            walk.warn("IT.conforme", DEPRECATED_SAFE, conforme)
        ipa = _text(_get(it_section, "riuso", "codiceIPA"))
        if ipa and not check_ipa_code(ipa):
            walk.warn(
                "IT.riuso.codiceIPA",
                "This key is deprecated and will be removed; set 'organisation.uri' "
                f"to 'urn:x-italian-pa:{ipa}' instead",
                _get(it_section, "riuso", "codiceIPA"),
            )
    maintenance = _get(root, "maintenance")
    kind = _text(_get(maintenance, "type"))
    contractors = _get(maintenance, "contractors")
    if kind == "contract" and contractors is None:
        walk.error(
            "maintenance.contractors",
            'contractors is required when "type" is "contract"',
            maintenance,
        )
    if kind is not None and kind != "contract" and contractors is not None:
        walk.error(
            "maintenance.contractors",
            'contractors must not be present unless "type" is "contract"',
            contractors,
        )
    if kind in ("community", "internal") and _get(maintenance, "contacts") is None:
        walk.error(
            "maintenance.contacts",
            f'contacts is required when "type" is "{kind}"',
            maintenance,
        )


def validate(
    data: bytes,
    *,
    name: str = "",
    offline: bool = True,
    base_dir: Path | None = None,
    remote: Remote | None = None,
) -> list[Finding]:
    """Check a publiccode.yml; findings name the key at fault.

    Raises StandardsError for input that is refused outright (too large,
    alias bombs, recursive aliases).
    """
    try:
        root = compose_yaml(data, BUDGET)
    except UnicodeDecodeError:
        return [Finding("error", "the file is not valid UTF-8 text")]
    except YamlSyntaxError as exc:
        return [Finding("error", str(exc), "", f"line {exc.line}" if exc.line else "")]
    walk = _Walk()
    if root is None or not isinstance(root, yaml.MappingNode):
        if root is None or _is_null(root):
            walk.error(
                "publiccodeYmlVersion", "publiccodeYmlVersion is a required field"
            )
        else:
            walk.error("", "the document must be a map of keys", root)
        return walk.findings
    version_node = _get(root, "publiccodeYmlVersion")
    if version_node is None:
        walk.error("publiccodeYmlVersion", "publiccodeYmlVersion is a required field")
        return walk.findings
    if not isinstance(version_node, yaml.ScalarNode) or version_node.tag != STR:
        walk.error(
            "publiccodeYmlVersion",
            'wrong type for this field: write the version as a string, e.g. "0"',
            version_node,
        )
        return walk.findings
    version = version_node.value
    if version not in SUPPORTED_VERSIONS:
        walk.error(
            "publiccodeYmlVersion",
            f"unsupported version '{version}'; "
            f"supported: {', '.join(SUPPORTED_VERSIONS)}",
            version_node,
        )
        return walk.findings
    if version != "0" and not version.startswith("0.7"):
        walk.warn(
            "publiccodeYmlVersion",
            f"v{version} is not the latest version; write '0' (read as the current v0)",
            version_node,
        )
    walk.check(DOCUMENT, root, "")
    _field_checks(root, _Context(walk, offline, base_dir, remote or Remote()))
    return walk.findings


def is_valid(findings: list[Finding]) -> bool:
    return not any(f.severity == "error" for f in findings)


def require_valid(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise StandardsError(
            "publiccode.yml is not valid: "
            + "; ".join(f"{f.path or 'document'}: {f.message}" for f in errors[:10])
        )


# --------------------------------------------------------------------------
# Mapping to and from Fabrique's commons fields.

MATURITY_TO_STATUS = {
    "idea": "concept",
    "prototype": "development",
    "beta": "beta",
    "production": "stable",
    "archived": "obsolete",
}
STATUS_TO_MATURITY = {v: k for k, v in MATURITY_TO_STATUS.items()}

# longDescription needs 150 characters; a shorter description is completed
# with this sentence, which the import takes off again.
FILLER = (
    "This description is short: the catalogue entry this publiccode.yml was "
    "exported from is the reference for this software, its community and "
    "its governance."
)
PREFERRED_LANGUAGES = ("fr", "en")

# publiccode.yml keys that have no place among a commons' fields.
UNMAPPED = (
    "applicationSuite",
    "isBasedOn",
    "softwareVersion",
    "releaseDate",
    "logo",
    "monochromeLogo",
    "organisation",
    "inputTypes",
    "outputTypes",
    "usedBy",
    "fundedBy",
    "roadmap",
    "supports",
    "intendedAudience",
    "dependsOn",
    "IT",
    "it",
)


def load(data: bytes) -> dict[str, Any]:
    """Parse and validate a publiccode.yml; StandardsError when it is not valid."""
    findings = validate(data)
    require_valid(findings)
    node = compose_yaml(data, BUDGET)
    document = _plain(node) if node is not None else None
    if not isinstance(document, dict):
        raise StandardsError("publiccode.yml is not a map of keys")
    return document


def _plain(node: yaml.Node) -> Any:
    """Values of a validated tree; scalars as written (text), booleans as bool."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    if node.tag == NULL:
        return None
    if node.tag == BOOL:
        return node.value.lower() == "true"
    return node.value


def to_commons(doc: dict[str, Any] | bytes) -> tuple[dict[str, Any], list[str]]:
    """A commons' fields from a publiccode.yml, and what could not be mapped."""
    document = load(doc) if isinstance(doc, bytes) else doc
    warnings: list[str] = []
    descriptions = document.get("description") or {}
    language = next(
        (lang for lang in PREFERRED_LANGUAGES if lang in descriptions),
        next(iter(descriptions), ""),
    )
    desc = descriptions.get(language) or {}
    others = [lang for lang in descriptions if lang != language]
    if others:
        warnings.append(
            f"description kept in '{language}' only; not imported: {', '.join(others)}"
        )
    long = str(desc.get("longDescription") or "").strip()
    if long == FILLER:
        long = ""
    elif long.endswith("\n\n" + FILLER):
        long = long[: -len(FILLER) - 2].rstrip()
    categories = [str(c) for c in document.get("categories") or []]
    features = [str(f) for f in desc.get("features") or []]
    tags: list[str] = []
    if features == [str(document.get("name", ""))]:
        features = []  # the export's stand-in when there are no free tags
    for tag in categories + features:
        if tag not in tags:
            tags.append(tag)
    maintenance = document.get("maintenance") or {}
    contacts = [
        {"name": str(c.get("name", "")), "email": str(c.get("email") or "")}
        for c in (maintenance.get("contacts") or [])
    ]
    status = str(document.get("developmentStatus", ""))
    commons: dict[str, Any] = {
        "kind": "software",
        "title": str(document.get("name", "")),
        "summary": str(desc.get("shortDescription") or "").strip(),
        "description": long,
        "licence": str((document.get("legal") or {}).get("license", "")),
        "maturity": STATUS_TO_MATURITY.get(status, "idea"),
        "repository_url": str(document.get("url") or ""),
        "documentation_url": str(desc.get("documentation") or ""),
        "demo_url": str(document.get("landingURL") or ""),
        "tags": tags,
        "contacts": contacts,
        "language": language,
        "software_type": str(document.get("softwareType", "")),
        "platforms": [str(p) for p in document.get("platforms") or []],
    }
    warnings += not_imported(
        key for key in UNMAPPED if document.get(key) not in (None, "", [], {})
    )
    return commons, warnings


def from_commons(commons: dict[str, Any]) -> str:
    """publiccode.yml text (version "0") for a software commons.

    Needs a title, a summary, a licence and a repository address (the keys
    the standard requires); raises StandardsError naming what is missing.
    ``download_url`` has no place in publiccode.yml and is left out.
    """
    missing = [
        key
        for key in ("title", "summary", "licence", "repository_url")
        if not str(commons.get(key) or "").strip()
    ]
    if missing:
        raise StandardsError(
            "a publiccode.yml needs these fields of the commons: " + ", ".join(missing)
        )
    language = str(commons.get("language") or "fr")
    long = str(commons.get("description") or "").strip()
    if _length(long) < 150:
        long = f"{long}\n\n{FILLER}" if long else FILLER
    tags = [str(t) for t in commons.get("tags") or []]
    categories = [t for t in tags if t in CATEGORIES]
    features = [t for t in tags if t not in CATEGORIES]
    desc: dict[str, Any] = {
        "shortDescription": str(commons["summary"]).strip(),
        "longDescription": long,
    }
    if commons.get("documentation_url"):
        desc["documentation"] = str(commons["documentation_url"])
    desc["features"] = features or [str(commons["title"])]
    contacts = [
        {k: v for k, v in (("name", c.get("name")), ("email", c.get("email"))) if v}
        for c in commons.get("contacts") or []
        if c.get("name")
    ]
    document: dict[str, Any] = {
        "publiccodeYmlVersion": CURRENT_VERSION,
        "name": str(commons["title"]).strip(),
        "url": str(commons["repository_url"]),
    }
    if commons.get("demo_url"):
        document["landingURL"] = str(commons["demo_url"])
    document["platforms"] = [str(p) for p in commons.get("platforms") or []] or ["web"]
    if categories:
        document["categories"] = categories
    document["developmentStatus"] = MATURITY_TO_STATUS.get(
        str(commons.get("maturity") or "idea"), "concept"
    )
    software_type = str(commons.get("software_type") or "")
    document["softwareType"] = (
        software_type if software_type in SOFTWARE_TYPES else "standalone/other"
    )
    document["description"] = {language: desc}
    document["legal"] = {"license": str(commons["licence"])}
    document["maintenance"] = (
        {"type": "community", "contacts": contacts} if contacts else {"type": "none"}
    )
    document["localisation"] = {
        "localisationReady": False,
        "availableLanguages": [language],
    }
    text: str = yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
    return text
