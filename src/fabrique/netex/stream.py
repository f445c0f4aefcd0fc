"""One streaming pass over NeTEx documents: references, profile rules, summary.

Each document goes through lxml's ``iterparse`` (entities unresolved, no
network, no DTD). An element is kept only while it or one of its ancestors is
an object the rules look at as a whole (a ``Line``, a ``ServiceJourney``…);
everything else is dropped as soon as it closes, so memory follows the size
of the largest such object and of the id index, never the size of the file.

What must be known across files (ids, references, scheduled stop points) is
kept in :class:`Scan` and resolved by :meth:`Scan.finish` once every file of
an archive has been read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from fabrique.netex.profile import (
    KEPT,
    check_kept,
    check_price,
    frame_type_known,
    id_follows_profile,
)
from fabrique.notices import Notices, Severity

NS = "http://www.netex.org.uk/netex"
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# Elements whose ``ref`` is not an object id of the exchange.
NOT_OBJECT_REFS = frozenset({"ParticipantRef", "RequestorRef"})
NETEX_TAG = "{" + NS + "}"
# Elements with an ``id`` that NeTEx does not version.
UNVERSIONED = frozenset({"Location"})


def is_french(version: str) -> bool:
    """True when a ``PublicationDelivery`` version names the French profile."""
    return bool(re.search(r"FR-NETEX|:FR\b", version, re.IGNORECASE))


@dataclass
class RefSeen:
    """The first place a referenced id was seen, and how often."""

    filename: str
    line: int
    element: str
    count: int = 0
    versions: set[str] = field(default_factory=set)


@dataclass
class Summary:
    """What a valid file holds, built while streaming."""

    operators: list[dict[str, str]] = field(default_factory=list)
    lines: list[dict[str, str]] = field(default_factory=list)
    lines_by_mode: Counter[str] = field(default_factory=Counter)
    networks: list[dict[str, str]] = field(default_factory=list)
    features: list[dict[str, Any]] = field(default_factory=list)
    stop_places: int = 0
    quays: int = 0
    located: int = 0
    service_journeys: int = 0
    day_types: int = 0
    day_type_assignments: int = 0
    operating_periods: int = 0
    first_date: str = ""
    last_date: str = ""
    calendar_first: str = ""
    calendar_last: str = ""

    def extend_validity(self, start: str, end: str) -> None:
        if start and (not self.first_date or start < self.first_date):
            self.first_date = start
        if end and (not self.last_date or end > self.last_date):
            self.last_date = end

    def extend_calendar(self, start: str, end: str) -> None:
        if start and (not self.calendar_first or start < self.calendar_first):
            self.calendar_first = start
        if end and (not self.calendar_last or end > self.calendar_last):
            self.calendar_last = end

    def as_dict(self) -> dict[str, Any]:
        return {
            "operators": self.operators,
            "networks": self.networks,
            "lineList": self.lines,
            "linesByMode": dict(sorted(self.lines_by_mode.items())),
            "stopPlaces": self.stop_places,
            "quays": self.quays,
            "locatedStops": self.located,
            "serviceJourneys": self.service_journeys,
            "validity": {"from": self.first_date, "to": self.last_date},
            "calendars": {
                "dayTypes": self.day_types,
                "dayTypeAssignments": self.day_type_assignments,
                "operatingPeriods": self.operating_periods,
                "from": self.calendar_first,
                "to": self.calendar_last,
            },
        }

    def geojson(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features}


@dataclass
class Scan:
    """State shared by the files of one input; ``finish`` reports across them."""

    notices: Notices
    external: tuple[str, ...] = ()
    ids: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    more_versions: dict[str, set[str]] = field(default_factory=dict)
    refs: dict[str, RefSeen] = field(default_factory=dict)
    scheduled_points: dict[str, tuple[str, int]] = field(default_factory=dict)
    assigned_points: set[str] = field(default_factory=set)
    summary: Summary = field(default_factory=Summary)
    french_files: int = 0
    files: int = 0

    def add_id(
        self, file_index: int, ident: str, version: str, kind: str, **where: Any
    ) -> None:
        """Index an id; the same kind, id and version twice in a file is an error."""
        first = self.ids.get(ident)
        if first is None:
            self.ids[ident] = (file_index, version, kind)
            return
        first_file, first_version, first_kind = first
        if first_version == version or version in self.more_versions.get(ident, ()):
            if first_file == file_index and first_kind == kind:
                self.notices.add(
                    "duplicate_id", ERROR, id=ident, version=version, **where
                )
            return
        self.more_versions.setdefault(ident, set()).add(version)

    def add_ref(
        self, ref: str, version: str, filename: str, line: int, element: str
    ) -> None:
        seen = self.refs.get(ref)
        if seen is None:
            seen = self.refs[ref] = RefSeen(filename, line, element)
        seen.count += 1
        if version and len(seen.versions) < 4:
            seen.versions.add(version)

    def finish(self) -> None:
        """Report what is known only once every file was read."""
        for ref, seen in self.refs.items():
            target = self.ids.get(ref)
            if target is None:
                if self.external and ref.startswith(self.external):
                    continue
                self.notices.add(
                    "unresolved_reference",
                    ERROR,
                    filename=seen.filename,
                    line=seen.line,
                    element=seen.element,
                    ref=ref,
                    occurrences=seen.count,
                )
                continue
            known = {target[1], *self.more_versions.get(ref, ())}
            if "any" in known:
                continue
            for version in sorted(seen.versions - known - {"any"}):
                self.notices.add(
                    "reference_version_mismatch",
                    WARNING,
                    filename=seen.filename,
                    line=seen.line,
                    element=seen.element,
                    ref=ref,
                    versionRef=version,
                    versions=sorted(known),
                )
        if self.french_files:
            for ident, (filename, line) in self.scheduled_points.items():
                if ident not in self.assigned_points:
                    self.notices.add(
                        "fr_scheduled_stop_point_unassigned",
                        WARNING,
                        filename=filename,
                        line=line,
                        id=ident,
                    )


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def scan(
    stream: IO[bytes],
    filename: str,
    file_index: int,
    state: Scan,
    *,
    profile: str = "auto",
) -> None:
    """Stream one document into ``state``; raises lxml's XMLSyntaxError."""
    notices = state.notices
    state.files += 1
    french = profile == "fr"
    names: list[str] = []
    kept = 0
    frames: list[list[Any]] = []
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    for event, element in events:
        name = _local(element.tag)
        if event == "start":
            if not names:
                if profile == "auto":
                    french = is_french(element.get("version", ""))
                if french:
                    state.french_files += 1
            names.append(name)
            if name in KEPT:
                kept += 1
            line = element.sourceline or 0
            attributes = element.attrib
            ident = attributes.get("id")
            if ident is not None and len(names) > 1:
                version = attributes.get("version", "")
                state.add_id(
                    file_index,
                    ident,
                    version,
                    name,
                    filename=filename,
                    line=line,
                    element=name,
                )
                if french and element.tag.startswith(NETEX_TAG):
                    if not version and name not in UNVERSIONED:
                        notices.add(
                            "fr_missing_version",
                            ERROR,
                            filename=filename,
                            line=line,
                            element=name,
                            id=ident,
                        )
                    if not id_follows_profile(ident):
                        notices.add(
                            "fr_id_syntax",
                            WARNING,
                            filename=filename,
                            line=line,
                            element=name,
                            id=ident,
                        )
                if name == "ScheduledStopPoint":
                    state.scheduled_points.setdefault(ident, (filename, line))
            elif name.endswith("Ref") and name not in NOT_OBJECT_REFS:
                ref = attributes.get("ref")
                if ref:
                    state.add_ref(
                        ref, attributes.get("versionRef", ""), filename, line, name
                    )
                    if (
                        name == "TypeOfFrameRef"
                        and frames
                        and len(names) >= 2
                        and names[-2] == frames[-1][0]
                    ):
                        frames[-1][2] = True
                        if french and not frame_type_known(ref):
                            notices.add(
                                "fr_unknown_type_of_frame",
                                WARNING,
                                filename=filename,
                                line=line,
                                ref=ref,
                            )
            if name.endswith("Frame") and ident is not None:
                frames.append([name, ident, False, line])
            continue
        # end
        names.pop()
        if name.endswith("Frame") and frames and frames[-1][0] == name:
            kind, ident, typed, line = frames.pop()
            if french and kind == "GeneralFrame" and not typed:
                notices.add(
                    "fr_frame_without_type",
                    ERROR,
                    filename=filename,
                    line=line,
                    id=ident,
                )
        if french and name.endswith("Price") and element.get("id"):
            check_price(element, filename, state)
        if name in KEPT:
            check_kept(name, element, filename, state, french=french)
            kept -= 1
        if kept == 0:
            parent = element.getparent()
            element.clear(keep_tail=False)
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
