"""Notices of a NeTEx check, counted per code with capped samples."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SAMPLE_LIMIT = 1000


class Severity(StrEnum):
    """MobilityData's three levels."""

    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        return {"ERROR": 0, "WARNING": 1, "INFO": 2}[self.value]


@dataclass
class NoticeGroup:
    code: str
    severity: Severity
    total: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)


class Notices:
    """Notices grouped by code.

    >>> notices = Notices()
    >>> notices.add("xml_not_well_formed", Severity.ERROR, filename="a.xml")
    >>> notices.count("xml_not_well_formed")
    1
    """

    def __init__(self, *, sample_limit: int = SAMPLE_LIMIT) -> None:
        self.sample_limit = sample_limit
        self.groups: dict[str, NoticeGroup] = {}

    def add(self, code: str, severity: Severity, **context: Any) -> None:
        group = self.groups.get(code)
        if group is None:
            group = self.groups[code] = NoticeGroup(code, severity)
        group.total += 1
        if len(group.samples) < self.sample_limit:
            group.samples.append(context)

    def count(self, code: str) -> int:
        group = self.groups.get(code)
        return group.total if group else 0

    def codes(self) -> set[str]:
        return set(self.groups)

    def severity_count(self, severity: Severity) -> int:
        return sum(g.total for g in self.groups.values() if g.severity is severity)

    def sorted_groups(self) -> list[NoticeGroup]:
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
