"""The validation report in MobilityData's ``report.json`` structure."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from fabrique.gtfs.validator import Validation

REPORT_NAME = "report.json"


def _version() -> str:
    try:
        return metadata.version("fabrique")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "0"


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def build_report(result: Validation) -> dict[str, Any]:
    """The report as a dict: ``summary`` and ``notices`` as MobilityData's.

    >>> report = build_report(validate(Path("feed.zip")))  # doctest: +SKIP
    >>> report["notices"][0]["code"]  # doctest: +SKIP
    'missing_required_file'
    """
    summary: dict[str, Any] = {
        "validatorVersion": f"fabrique {_version()}",
        "validatedAt": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "gtfsInput": result.path.name,
        "threads": 1,
        "outputDirectory": "",
        "systemErrorsReportName": "",
        "validationReportName": REPORT_NAME,
        "htmlReportName": "report.html",
        "countryCode": result.country or "ZZ",
        "dateForValidation": result.today.isoformat(),
        **result.summary,
        "validationTimeSeconds": round(result.seconds, 3),
    }
    notices = [
        {
            "code": group.code,
            "severity": group.severity.value,
            "totalNotices": group.total,
            "sampleNotices": _jsonable(group.samples),
        }
        for group in result.notices.sorted_groups()
    ]
    return {"summary": _jsonable(summary), "notices": notices}


def write_report(result: Validation, path: Path) -> None:
    """Write report.json."""
    path.write_text(
        json.dumps(build_report(result), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
