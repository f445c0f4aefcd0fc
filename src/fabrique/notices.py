"""Notices: what a check found, counted per code with capped samples.

Shared by the engines (GTFS, GTFS-RT, GBFS, NeTEx): each reports in
MobilityData's ``report.json`` shape. Imports nothing but the standard
library, so every engine may use it and stay independent of the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SAMPLE_LIMIT = 1000


class Severity(StrEnum):
    """How bad a notice is, in MobilityData's three levels."""

    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        return {"ERROR": 0, "WARNING": 1, "INFO": 2}[self.value]


@dataclass
class NoticeGroup:
    """All notices of one code: the total and the first samples."""

    code: str
    severity: Severity
    total: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)


class Notices:
    """A container of notices, grouped by code, samples capped per code.

    >>> notices = Notices()
    >>> notices.add("invalid_url", Severity.ERROR, filename="agency.txt")
    >>> notices.count("invalid_url")
    1
    """

    def __init__(self, *, sample_limit: int = SAMPLE_LIMIT) -> None:
        self.sample_limit = sample_limit
        self.groups: dict[str, NoticeGroup] = {}

    def _group(self, code: str, severity: Severity) -> NoticeGroup:
        group = self.groups.get(code)
        if group is None:
            group = self.groups[code] = NoticeGroup(code, severity)
        return group

    def add(self, code: str, severity: Severity, **context: Any) -> None:
        """Record one notice with its context (file, row, field, value…)."""
        group = self._group(code, severity)
        group.total += 1
        if len(group.samples) < self.sample_limit:
            group.samples.append(context)

    def add_many(
        self,
        code: str,
        severity: Severity,
        total: int,
        samples: Iterable[Mapping[str, Any]],
    ) -> None:
        """Record ``total`` notices of which ``samples`` are examples."""
        if total <= 0:
            return
        group = self._group(code, severity)
        group.total += total
        room = self.sample_limit - len(group.samples)
        for sample in samples:
            if room <= 0:
                break
            group.samples.append(dict(sample))
            room -= 1

    def count(self, code: str) -> int:
        group = self.groups.get(code)
        return group.total if group else 0

    def codes(self) -> set[str]:
        return set(self.groups)

    def severity_count(self, severity: Severity) -> int:
        return sum(g.total for g in self.groups.values() if g.severity is severity)

    @property
    def has_errors(self) -> bool:
        return self.severity_count(Severity.ERROR) > 0

    def sorted_groups(self) -> list[NoticeGroup]:
        """Groups by severity (errors first), then by code."""
        return sorted(self.groups.values(), key=lambda g: (g.severity.rank, g.code))

    def as_report(self) -> list[dict[str, Any]]:
        """The ``notices`` list of a report.json."""
        return [
            {
                "code": g.code,
                "severity": g.severity.value,
                "totalNotices": g.total,
                "sampleNotices": g.samples,
            }
            for g in self.sorted_groups()
        ]
