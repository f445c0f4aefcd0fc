"""NeTEx XML Schema: installation, choice per file version, validation.

The NeTEx XSD set is published under the GPL by CEN's NeTEx project and is
not shipped inside this package: :func:`install` unpacks it (from the
published archive, a local copy or an address) into a folder, one sub-folder
per schema version, and :func:`validate` checks a document against the
version its ``version`` attribute names.

Untrusted documents are parsed with entities unresolved, no network, no DTD
and libxml2's default size limits (``huge_tree`` off).

>>> install(Path("netex-xsd.zip"), Path("xsd-dir"))  # doctest: +SKIP
PosixPath('xsd-dir/1.1')
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO

from lxml import etree

from fabrique.notices import Notices, Severity

ENTRY = "NeTEx_publication.xsd"
# The same schema without xsd:key/keyref/unique: libxml2 checks identity
# constraints in time that grows with the square of the objects, so large files
# use this one (the streaming pass checks ids and references instead).
NO_CONSTRAINT = "NeTEx_publication-NoConstraint.xsd"
# The published repository at the commit the project was tested with.
DEFAULT_SOURCE = (
    "https://github.com/NeTEx-CEN/NeTEx/archive/"
    "4f42794047ec9944fd38e4497f3af142a33462c8.zip"
)
MAX_ERRORS_PER_FILE = 200
NS = re.compile(r"\{(?:https?|urn):[^}]*\}")


def default_dir() -> Path:
    """Where schemas are installed when no folder is given."""
    return Path.home() / ".cache" / "fabrique" / "netex-xsd"


class XsdError(Exception):
    """The schema cannot be installed or loaded."""


def safe_parser(**options: object) -> etree.XMLParser:
    """An lxml parser for untrusted XML: no entities, network, DTD or huge trees."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        **options,
    )


def _schema_version(entry: Path) -> str:
    root = etree.parse(str(entry), safe_parser()).getroot()
    return root.get("version", "") or "unknown"


def install(source: Path | str, target: Path, *, label: str = "") -> Path:
    """Unpack the ``xsd/`` folder of a NeTEx archive into ``target/<version>``.

    ``source`` is a zip (the repository's archive or a zip of its ``xsd``
    folder) as a path or an http(s) address. Only ``.xsd`` files are taken,
    never outside the target. Returns the installed folder.
    """
    with tempfile.TemporaryDirectory() as scratch:
        archive_path = Path(scratch) / "netex.zip"
        if isinstance(source, str) and source.startswith(("http://", "https://")):
            import httpx

            with httpx.stream(
                "GET", source, follow_redirects=True, timeout=120
            ) as response:
                response.raise_for_status()
                with archive_path.open("wb") as out:
                    for chunk in response.iter_bytes():
                        out.write(chunk)
        else:
            archive_path = Path(source)
        staging = Path(scratch) / "xsd"
        try:
            archive = zipfile.ZipFile(archive_path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XsdError(f"{source}: not a readable zip ({exc})") from exc
        with archive:
            for info in archive.infolist():
                parts = PurePosixPath(info.filename).parts
                if "xsd" not in parts or not info.filename.endswith(".xsd"):
                    continue
                inner = parts[parts.index("xsd") + 1 :]
                if not inner or ".." in inner or info.file_size > 20 * 1024**2:
                    continue
                destination = staging.joinpath(*inner)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as data, destination.open("wb") as out:
                    shutil.copyfileobj(data, out)
        entry = staging / ENTRY
        if not entry.is_file():
            raise XsdError(f"{source}: no xsd/{ENTRY} in the archive")
        folder = target / (label or _schema_version(entry))
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, folder)
    return folder


def installed(root: Path | None) -> dict[str, Path]:
    """Installed schema versions under ``root``: label → entry XSD."""
    if root is None or not root.is_dir():
        return {}
    return {
        child.name: child / ENTRY
        for child in sorted(root.iterdir())
        if (child / ENTRY).is_file()
    }


def _numbers(version: str) -> tuple[int, ...]:
    head = version.split(":", 1)[0]
    return tuple(int(p) for p in re.findall(r"\d+", head))


def choose(root: Path | None, file_version: str) -> tuple[str, Path] | None:
    """The schema for a file's ``version`` (``1.10:FR-NETEX-2.2`` → ``1.10``).

    The exact version when installed, otherwise the nearest one below it,
    otherwise the newest installed.
    """
    versions = installed(root)
    if not versions:
        return None
    wanted = _numbers(file_version)
    by_number = sorted(versions.items(), key=lambda item: _numbers(item[0]))
    for label, entry in by_number:
        if _numbers(label) == wanted:
            return label, entry
    below = [item for item in by_number if _numbers(item[0]) <= wanted]
    return (below or by_number)[-1]


@lru_cache(maxsize=4)
def load(entry: str) -> etree.XMLSchema:
    """Build the schema once per process (it takes seconds) and keep it."""
    try:
        return etree.XMLSchema(etree.parse(entry, safe_parser()))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        raise XsdError(f"{entry}: cannot be loaded ({exc})") from exc


# libxml2's messages, in French. Namespaces are dropped first.
_FRENCH = [
    (
        r"Element '(.+?)': This element is not expected\. Expected is (.+)\.",
        r"Élément '\1' inattendu ici ; attendu : \2.",
    ),
    (
        r"Element '(.+?)': This element is not expected\.",
        r"Élément '\1' inattendu ici.",
    ),
    (
        r"Element '(.+?)': Missing child element\(s\)\. Expected is (.+)\.",
        r"Élément '\1' : élément(s) enfant(s) manquant(s) ; attendu : \2.",
    ),
    (
        r"Element '(.+?)', attribute '(.+?)': '(.*?)' is not a valid value of "
        r"the atomic type '(.+?)'\.",
        r"Élément '\1', attribut '\2' : '\3' n'est pas une valeur valide du "
        r"type '\4'.",
    ),
    (
        r"Element '(.+?)': '(.*?)' is not a valid value of the atomic type "
        r"'(.+?)'\.",
        r"Élément '\1' : '\2' n'est pas une valeur valide du type '\3'.",
    ),
    (
        r"Element '(.+?)': \[facet 'enumeration'\] The value '(.*?)' is not an "
        r"element of the set \{(.*)\}\.",
        r"Élément '\1' : la valeur '\2' n'est pas dans la liste {\3}.",
    ),
    (
        r"Element '(.+?)': \[facet 'pattern'\] The value '(.*?)' is not "
        r"accepted by the pattern '(.*)'\.",
        r"Élément '\1' : la valeur '\2' ne suit pas le motif '\3'.",
    ),
    (
        r"Element '(.+?)': The attribute '(.+?)' is required but missing\.",
        r"Élément '\1' : l'attribut obligatoire '\2' manque.",
    ),
    (
        r"Element '(.+?)', attribute '(.+?)': The attribute '(.+?)' is not "
        r"allowed\.",
        r"Élément '\1' : l'attribut '\2' n'est pas permis.",
    ),
    (
        r"Element '(.+?)': No match found for key-sequence \[(.*)\] of keyref "
        r"'(.+?)'\.",
        r"Élément '\1' : aucun objet ne correspond à la référence [\2] "
        r"(contrainte '\3').",
    ),
    (
        r"Element '(.+?)': Duplicate key-sequence \[(.*)\] in (?:unique|key) "
        r"identity-constraint '(.+?)'\.",
        r"Élément '\1' : clé [\2] en double (contrainte '\3').",
    ),
    (
        r"Element '(.+?)': Character content other than whitespace is not "
        r"allowed because the content type is 'element-only'\.",
        r"Élément '\1' : du texte n'est pas permis ici, seulement des éléments.",
    ),
]
_FRENCH_COMPILED = [(re.compile(p), r) for p, r in _FRENCH]


def french(message: str) -> str:
    """The French text of a (namespace-free) libxml2 schema message."""
    for pattern, replacement in _FRENCH_COMPILED:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message)
    return f"Non conforme au schéma NeTEx : {message}"


def _path(document: etree._ElementTree, raw: str | None) -> str:
    """``PublicationDelivery/dataObjects/…/StopPlace[id]/StopPlaceType``."""
    if not raw:
        return ""
    try:
        found = document.xpath(raw)
    except etree.XPathError:
        return raw
    if not isinstance(found, list) or not found:
        return raw
    element = found[0]
    if not isinstance(element, etree._Element):
        return raw
    parts: list[str] = []
    named = False
    while element is not None:
        tag = element.tag
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        ident = element.get("id")
        if ident and not named:
            name = f"{name}[{ident}]"
            named = True
        parts.append(name)
        element = element.getparent()
    return "/".join(reversed(parts))


@dataclass
class XsdOutcome:
    """What schema validation of one file found."""

    checked: bool
    errors: int = 0


def validate(
    stream: IO[bytes],
    name: str,
    schema: etree.XMLSchema,
    notices: Notices,
    *,
    max_errors: int = MAX_ERRORS_PER_FILE,
) -> XsdOutcome:
    """Validate one document; each error becomes an ``xsd_invalid`` notice.

    The document is held in memory while it is checked (libxml2 validates a
    tree), then freed. Errors name the file, line, element path, and the
    message in English (``message``) and French (``messageFr``).
    """
    try:
        document = etree.parse(stream, safe_parser())
    except etree.XMLSyntaxError:
        # Not well-formed: already reported by the streaming check.
        return XsdOutcome(checked=False)
    if schema.validate(document):
        return XsdOutcome(checked=True)
    log = schema.error_log
    shown = 0
    total = 0
    for entry in log:
        if entry.level_name == "WARNING" or "No precomputed value" in entry.message:
            continue
        total += 1
        if shown >= max_errors:
            continue
        shown += 1
        message = NS.sub("", entry.message).strip()
        notices.add(
            "xsd_invalid",
            Severity.ERROR,
            filename=name,
            line=entry.line,
            path=_path(document, entry.path),
            message=message,
            messageFr=french(message),
        )
    if total > shown:
        notices.add(
            "xsd_errors_truncated",
            Severity.INFO,
            filename=name,
            message=f"{total - shown} more schema errors in this file",
        )
    return XsdOutcome(checked=True, errors=total)


def bytes_stream(data: bytes) -> IO[bytes]:
    """A readable stream over ``data`` (tests and small inputs)."""
    return io.BytesIO(data)
