"""Stream-parse NeTEx XML: well-formedness, PublicationDelivery and its frames.

Each XML file (alone, or a member of a zip read without extracting it) goes
through the standard library's ``iterparse`` with defusedxml's protections:
a DTD, entity declarations and external references are refused, so billion
laughs and XXE never expand. Bytes are counted as they are read, so an
archive that inflates past the limits is stopped mid-stream. Elements are
dropped as soon as they close: memory stays flat whatever the file size.

Full validation against a NeTEx profile (XSD, French profile rules) is not
done: the report says so.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from fabrique.notices import Notices, Severity

NETEX_NS = "http://www.netex.org.uk/netex"
FRAMES = (
    "CompositeFrame",
    "GeneralFrame",
    "ResourceFrame",
    "ServiceFrame",
    "SiteFrame",
    "TimetableFrame",
    "ServiceCalendarFrame",
    "FareFrame",
    "InfrastructureFrame",
    "VehicleScheduleFrame",
    "DriverScheduleFrame",
    "SalesTransactionFrame",
    "MobilityServiceFrame",
)
# Entities counted inside frames (only elements with an ``id``: not refs).
COUNTED = (
    "Network",
    "Line",
    "FlexibleLine",
    "Route",
    "JourneyPattern",
    "ServiceJourneyPattern",
    "ScheduledStopPoint",
    "PassengerStopAssignment",
    "StopPlace",
    "Quay",
    "ServiceJourney",
    "DatedServiceJourney",
    "DayType",
    "DayTypeAssignment",
    "OperatingPeriod",
    "Operator",
    "Authority",
)
PROFILE_NOTE = (
    "Checked: well-formed XML, PublicationDelivery root, frames and what they "
    "hold. Not checked yet: the NeTEx XSD and profile rules (French profile…)."
)
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
FILE_LIST_LIMIT = 500


@dataclass(frozen=True)
class Limits:
    """Caps for archives and files."""

    max_total_bytes: int = 8 * 1024**3
    max_file_bytes: int = 4 * 1024**3
    max_ratio: float = 200.0
    max_members: int = 10_000
    ratio_floor_bytes: int = 10 * 1024**2


class _Refused(Exception):
    """Reading stopped: a limit was passed."""


class _Counted(io.RawIOBase):
    """A read-only stream that counts bytes and stops past the limits."""

    def __init__(
        self,
        stream: IO[bytes],
        name: str,
        limits: Limits,
        budget: list[int],
        compressed: int = 0,
    ) -> None:
        self.stream = stream
        self.name = name
        self.limits = limits
        self.budget = budget
        self.compressed = compressed
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.size += count
        self.budget[0] -= count
        if self.size > self.limits.max_file_bytes:
            raise _Refused(
                f"{self.name}: more than {self.limits.max_file_bytes:,} bytes"
            )
        if self.budget[0] < 0:
            raise _Refused(
                f"{self.name}: the files add up to more than "
                f"{self.limits.max_total_bytes:,} bytes; refused as a possible "
                "zip bomb"
            )
        if (
            self.compressed
            and self.size > self.limits.ratio_floor_bytes
            and self.size / self.compressed > self.limits.max_ratio
        ):
            raise _Refused(
                f"{self.name}: compression ratio above "
                f"{self.limits.max_ratio:.0f}:1; refused as a possible zip bomb"
            )
        return count


@dataclass
class Frame:
    """One frame: its kind, id, type of frame and the entities it holds."""

    kind: str
    id: str
    type_of_frame: str = ""
    parent: str = ""
    counts: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "typeOfFrame": self.type_of_frame,
            "parent": self.parent,
            "counts": dict(sorted(self.counts.items())),
        }


@dataclass
class FileResult:
    """One XML file."""

    name: str
    size: int = 0
    well_formed: bool = False
    root: str = ""
    version: str = ""
    publication_timestamp: str = ""
    participant: str = ""
    frames: list[Frame] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "bytes": self.size,
            "wellFormed": self.well_formed,
            "root": self.root,
            "version": self.version,
            "publicationTimestamp": self.publication_timestamp,
            "participant": self.participant,
            "frames": [f.as_dict() for f in self.frames],
        }


@dataclass
class NetexCheck:
    """What the check found."""

    input: str
    notices: Notices
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        totals: Counter[str] = Counter()
        frames: Counter[str] = Counter()
        for file in self.files:
            for frame in file.frames:
                frames[frame.kind] += 1
                totals.update(frame.counts)
        return {
            "format": "netex",
            "input": self.input,
            "profileValidation": False,
            "checked": PROFILE_NOTE,
            "files": len(self.files),
            "wellFormedFiles": sum(1 for f in self.files if f.well_formed),
            "versions": sorted({f.version for f in self.files if f.version}),
            "frames": dict(sorted(frames.items())),
            "counts": dict(sorted(totals.items())),
            "lines": totals["Line"] + totals["FlexibleLine"],
            "stopPlaces": totals["StopPlace"],
            "quays": totals["Quay"],
            "scheduledStopPoints": totals["ScheduledStopPoint"],
            "serviceJourneys": totals["ServiceJourney"] + totals["DatedServiceJourney"],
            "dayTypes": totals["DayType"],
            "ignoredMembers": self.ignored[:100],
            # Capped: a national export may hold thousands of files.
            "fileList": [f.as_dict() for f in self.files[:FILE_LIST_LIMIT]],
            "fileListTruncated": len(self.files) > FILE_LIST_LIMIT,
        }

    def report(self) -> dict[str, Any]:
        return {
            "summary": {
                **self.summary(),
                "validationTimeSeconds": round(self.seconds, 3),
            },
            "notices": self.notices.as_report(),
        }


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def parse_xml(stream: IO[bytes], result: FileResult, notices: Notices) -> None:
    """Stream-parse one XML document into ``result``; problems become notices."""
    open_frames: list[Frame] = []
    stack: list[Element] = []
    depth_text: str | None = None
    events = iterparse(
        stream,
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        for event, element in events:
            ns, name = _local(element.tag)
            if event == "start":
                if not stack:
                    result.root = name
                    result.version = element.get("version", "")
                    if name != "PublicationDelivery" or ns != NETEX_NS:
                        notices.add(
                            "not_a_publication_delivery",
                            ERROR,
                            filename=result.name,
                            root=element.tag,
                        )
                stack.append(element)
                if name in FRAMES:
                    frame = Frame(
                        name,
                        element.get("id", ""),
                        parent=open_frames[-1].id if open_frames else "",
                    )
                    result.frames.append(frame)
                    open_frames.append(frame)
                elif name in COUNTED and element.get("id") and open_frames:
                    open_frames[-1].counts[name] += 1
                elif name == "TypeOfFrameRef" and open_frames:
                    open_frames[-1].type_of_frame = element.get("ref", "")
                elif name in ("PublicationTimestamp", "ParticipantRef"):
                    depth_text = name
                continue
            # end
            if depth_text == name and len(stack) == 2:
                text = (element.text or "").strip()
                if name == "PublicationTimestamp":
                    result.publication_timestamp = text
                else:
                    result.participant = text
            depth_text = None if depth_text == name else depth_text
            if name in FRAMES and open_frames:
                open_frames.pop()
            stack.pop()
            element.clear()
            if stack:
                # Drop the closed child so memory stays flat.
                stack[-1].remove(element)
        result.well_formed = True
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        notices.add(
            "xml_not_well_formed",
            ERROR,
            filename=result.name,
            line=line,
            column=column,
            message=str(exc),
        )
    except DefusedXmlException as exc:
        notices.add(
            "xml_entities_refused",
            ERROR,
            filename=result.name,
            message=f"{type(exc).__name__}: DTDs, entities and external "
            "references are refused",
        )


def check(path: Path, *, limits: Limits | None = None) -> NetexCheck:
    """Check a NeTEx zip or XML file; never raises on bad input.

    >>> check(Path("netex.zip")).summary()["lines"]  # doctest: +SKIP
    23
    """
    started = time.monotonic()
    limits = limits or Limits()
    notices = Notices()
    result = NetexCheck(path.name, notices)
    budget = [limits.max_total_bytes]
    try:
        if not path.is_file():
            notices.add(
                "file_unreadable", ERROR, filename=path.name, message="not found"
            )
        elif zipfile.is_zipfile(path):
            _check_zip(path, result, limits, budget)
        else:
            _check_file(path, result, limits, budget)
    except OSError as exc:
        notices.add("file_unreadable", ERROR, filename=path.name, message=str(exc))
    if not result.files and not notices.codes() & {
        "file_unreadable",
        "archive_unreadable",
        "archive_too_large",
    }:
        notices.add("no_xml_file", ERROR, filename=path.name)
    notices.add("profile_not_validated", INFO, filename=path.name, message=PROFILE_NOTE)
    result.seconds = time.monotonic() - started
    return result


def _check_file(
    path: Path, result: NetexCheck, limits: Limits, budget: list[int]
) -> None:
    with path.open("rb") as raw:
        head = raw.read(64).lstrip()
        if not head.startswith((b"<", b"\xef\xbb\xbf<")) and head[:2] not in (
            b"\xff\xfe",
            b"\xfe\xff",
        ):
            result.notices.add(
                "xml_not_well_formed",
                ERROR,
                filename=path.name,
                line=1,
                column=0,
                message="does not start like an XML document",
            )
            result.files.append(FileResult(path.name, size=path.stat().st_size))
            return
        raw.seek(0)
        _parse_counted(raw, path.name, result, limits, budget, 0)


def _parse_counted(
    stream: IO[bytes],
    name: str,
    result: NetexCheck,
    limits: Limits,
    budget: list[int],
    compressed: int,
) -> bool:
    file = FileResult(name)
    counted = _Counted(stream, name, limits, budget, compressed)
    try:
        parse_xml(io.BufferedReader(counted, 64 * 1024), file, result.notices)
    except _Refused as exc:
        result.notices.add("archive_too_large", ERROR, filename=name, message=str(exc))
        file.size = counted.size
        result.files.append(file)
        return False
    file.size = counted.size
    result.files.append(file)
    return True


def _check_zip(
    path: Path, result: NetexCheck, limits: Limits, budget: list[int]
) -> None:
    notices = result.notices
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        notices.add("archive_unreadable", ERROR, filename=path.name, message=str(exc))
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            notices.add(
                "archive_too_large",
                ERROR,
                filename=path.name,
                message=f"{len(infos):,} members, more than the "
                f"{limits.max_members:,} allowed",
            )
            return
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_total_bytes:
            notices.add(
                "archive_too_large",
                ERROR,
                filename=path.name,
                message=f"declares {declared:,} uncompressed bytes, more than the "
                f"{limits.max_total_bytes:,} allowed; refused as a possible zip bomb",
            )
            return
        for info in infos:
            name = info.filename
            if name.endswith("/"):
                continue
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts:
                notices.add("unsafe_member_name", WARNING, filename=name)
                continue
            if "__MACOSX" in pure.parts or pure.name.startswith("."):
                result.ignored.append(name)
                continue
            if not name.lower().endswith(".xml"):
                result.ignored.append(name)
                notices.add("unknown_file", INFO, filename=name)
                continue
            if info.flag_bits & 0x1:
                notices.add(
                    "archive_unreadable", ERROR, filename=name, message="encrypted"
                )
                continue
            try:
                with archive.open(info) as stream:
                    if (
                        not _parse_counted(
                            stream, name, result, limits, budget, info.compress_size
                        )
                        and budget[0] < 0
                    ):
                        return
            except (
                zipfile.BadZipFile,
                EOFError,
                NotImplementedError,
                zlib.error,
            ) as exc:
                notices.add(
                    "archive_unreadable",
                    ERROR,
                    filename=name,
                    message=f"cannot be uncompressed ({exc}); the archive is "
                    "truncated or corrupt",
                )
