"""Validate NeTEx: well-formedness, XML Schema, references, French profile.

:func:`validate` runs, for a file or each XML member of a zip:

1. the well-formedness and frames check (:mod:`fabrique.netex.check`), which
   also refuses DTDs, entities and zip bombs before anything else reads;
2. XML Schema validation against the installed NeTEx XSD of the file's
   version (:mod:`fabrique.netex.xsd`);
3. one streaming pass for references, ids, the French profile's rules and
   the summary (:mod:`fabrique.netex.stream`);

then resolves references across the archive's files. Errors and warnings are
counted apart: a result with an error is never valid.

>>> validate(Path("offer.zip"), xsd_dir=Path("xsd")).verdict  # doctest: +SKIP
'valid_with_warnings'
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from fabrique.netex import xsd
from fabrique.netex.check import Limits, NetexCheck, check
from fabrique.netex.stream import Scan, scan
from fabrique.notices import Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# Schema validation holds the document in memory: about 12 times its size was
# measured (262 MB → 3.1 GB peak), so files above this are streamed only.
MAX_XSD_BYTES = 300 * 1024**2
# Above this size, the schema without identity constraints is used.
MAX_CONSTRAINED_BYTES = 8 * 1024**2
PROFILES = ("auto", "fr", "none")


@dataclass
class NetexValidation:
    """What validation found: the check, the scan and the schema used."""

    result: NetexCheck
    state: Scan
    schema_versions: list[str] = field(default_factory=list)
    schema_files: int = 0
    seconds: float = 0.0

    @property
    def notices(self) -> Any:
        return self.result.notices

    @property
    def errors(self) -> int:
        return int(self.notices.severity_count(ERROR))

    @property
    def warnings(self) -> int:
        return int(self.notices.severity_count(WARNING))

    @property
    def verdict(self) -> str:
        """``invalid`` with any error, else ``valid_with_warnings`` or ``valid``."""
        if self.errors:
            return "invalid"
        return "valid_with_warnings" if self.warnings else "valid"

    def summary(self) -> dict[str, Any]:
        base = self.result.summary()
        content = self.state.summary.as_dict()
        base.update(
            {
                "profileValidation": True,
                "checked": (
                    "Checked: well-formed XML, frames, "
                    + (
                        f"the NeTEx XML Schema ({', '.join(self.schema_versions)})"
                        if self.schema_versions
                        else "no XML Schema (none installed)"
                    )
                    + ", references and ids"
                    + (
                        ", French profile rules"
                        if self.state.french_files
                        else " (no French-profile file)"
                    )
                    + "."
                ),
                "verdict": self.verdict,
                "errors": self.errors,
                "warnings": self.warnings,
                "infos": int(self.notices.severity_count(INFO)),
                "profile": "fr" if self.state.french_files else "",
                "frenchProfileFiles": self.state.french_files,
                "schema": {
                    "versions": self.schema_versions,
                    "filesChecked": self.schema_files,
                },
                "references": len(self.state.refs),
                "ids": len(self.state.ids),
                **content,
                # The check's counts stay; these come from whole objects.
                "stopPlaces": content["stopPlaces"] or base["stopPlaces"],
                "quays": content["quays"] or base["quays"],
            }
        )
        return base

    def geojson(self) -> dict[str, Any]:
        """Stop places and quays with coordinates, as a FeatureCollection."""
        return self.state.summary.geojson()

    def report(self) -> dict[str, Any]:
        notices = self.notices.as_report()
        return {
            "summary": {
                **self.summary(),
                "validationTimeSeconds": round(self.seconds, 3),
            },
            "notices": notices,
            "errors": [n for n in notices if n["severity"] == "ERROR"],
            "warnings": [n for n in notices if n["severity"] == "WARNING"],
            "infos": [n for n in notices if n["severity"] == "INFO"],
        }


@contextmanager
def _opener(path: Path) -> Iterator[Any]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            yield lambda name: archive.open(name)
    else:
        yield lambda name: path.open("rb")


def validate(
    path: Path,
    *,
    xsd_dir: Path | None = None,
    external: tuple[str, ...] = (),
    profile: str = "auto",
    limits: Limits | None = None,
    max_xsd_bytes: int = MAX_XSD_BYTES,
    max_constrained_bytes: int = MAX_CONSTRAINED_BYTES,
) -> NetexValidation:
    """Validate a NeTEx zip or XML file; never raises on bad input.

    ``xsd_dir`` holds installed schemas (:func:`fabrique.netex.xsd.install`);
    ``external`` lists id prefixes of objects that live outside the input;
    ``profile`` is ``auto`` (French rules for files whose version names the
    French profile), ``fr`` or ``none``.
    """
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}")
    started = time.monotonic()
    result = check(path, limits=limits)
    notices = result.notices
    notices.groups.pop("profile_not_validated", None)
    state = Scan(notices, external=tuple(external))
    validation = NetexValidation(result, state)
    readable = [f for f in result.files if f.well_formed]
    if not xsd.installed(xsd_dir) and readable:
        notices.add(
            "xsd_not_available",
            WARNING,
            filename=path.name,
            message="install it with `fabrique netex xsd install`",
        )
    versions: set[str] = set()
    try:
        with _opener(path) as open_member:
            for index, file in enumerate(readable):
                _validate_one(
                    open_member,
                    file.name,
                    file.version,
                    file.size,
                    index,
                    validation,
                    xsd_dir=xsd_dir,
                    profile=profile,
                    max_xsd_bytes=max_xsd_bytes,
                    max_constrained_bytes=max_constrained_bytes,
                    versions=versions,
                )
    except (OSError, zipfile.BadZipFile) as exc:
        notices.add("file_unreadable", ERROR, filename=path.name, message=str(exc))
    state.finish()
    validation.schema_versions = sorted(versions)
    validation.seconds = time.monotonic() - started
    return validation


def _validate_one(
    open_member: Any,
    name: str,
    version: str,
    size: int,
    index: int,
    validation: NetexValidation,
    *,
    xsd_dir: Path | None,
    profile: str,
    max_xsd_bytes: int,
    max_constrained_bytes: int,
    versions: set[str],
) -> None:
    notices = validation.notices
    chosen = xsd.choose(xsd_dir, version)
    if chosen is not None:
        label, entry = chosen
        if size > max_xsd_bytes:
            notices.add(
                "xsd_skipped_file_too_large",
                WARNING,
                filename=name,
                bytes=size,
                limit=max_xsd_bytes,
            )
        else:
            wanted = xsd._numbers(version)
            if wanted and wanted != xsd._numbers(label):
                notices.add(
                    "xsd_version_substituted",
                    INFO,
                    filename=name,
                    version=version,
                    schema=label,
                )
            relaxed = entry.with_name(xsd.NO_CONSTRAINT)
            if size > max_constrained_bytes and relaxed.is_file():
                entry = relaxed
                notices.add(
                    "xsd_constraints_skipped",
                    INFO,
                    filename=name,
                    bytes=size,
                    limit=max_constrained_bytes,
                )
            try:
                schema = xsd.load(str(entry))
            except xsd.XsdError as exc:
                notices.add(
                    "xsd_not_available", WARNING, filename=name, message=str(exc)
                )
            else:
                with open_member(name) as stream:
                    outcome = xsd.validate(stream, name, schema, notices)
                if outcome.checked:
                    validation.schema_files += 1
                    versions.add(label)
    with open_member(name) as stream:
        try:
            scan(stream, name, index, validation.state, profile=profile)
        except etree.XMLSyntaxError as exc:
            notices.add(
                "xml_not_well_formed",
                ERROR,
                filename=name,
                line=exc.lineno,
                column=exc.offset,
                message=str(exc),
            )
