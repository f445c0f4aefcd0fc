"""GBFS, GTFS-RT and NeTEx resources: checks, summaries and their pages.

:func:`process` is the one entry point the background tasks call for a
version that is not GTFS Schedule: it runs the matching engine and returns a
report shaped like the GTFS ``report.json`` (``summary`` and ``notices``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("gbfs", "gtfs-rt", "netex")
# Files written to ``products_dir`` for the pages.
GBFS_GEOJSON = "gbfs.geojson"
NETEX_GEOJSON = "netex.geojson"


@dataclass
class FormatResult:
    """What a check found: the report and its counts by severity."""

    report: dict[str, Any]
    summary: dict[str, Any] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    infos: int = 0


def _result(report: dict[str, Any]) -> FormatResult:
    counts = {"ERROR": 0, "WARNING": 0, "INFO": 0}
    for notice in report["notices"]:
        counts[notice["severity"]] += int(notice["totalNotices"])
    return FormatResult(
        report=report,
        summary=report["summary"],
        errors=counts["ERROR"],
        warnings=counts["WARNING"],
        infos=counts["INFO"],
    )


def process(
    fmt: str,
    path: Path,
    *,
    gtfs_store: Path | None = None,
    products_dir: Path | None = None,
    allow_private: bool = False,
    netex_xsd_dir: Path | None = None,
) -> FormatResult:
    """Check the file, folder or zip at ``path`` as ``fmt`` (gbfs, gtfs-rt, netex).

    ``gtfs_store`` is a stored GTFS version (``fabrique.gtfs.store``) that a
    GTFS-RT feed's ids are checked against. For GBFS, a lone ``gbfs.json``
    has its listed feeds fetched (public addresses only unless
    ``allow_private``); ``products_dir``, when given, receives
    ``gbfs.geojson`` (stations and vehicles) for the map.

    Never raises on bad input: problems are notices of the report.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if fmt == "gbfs":
        from fabrique.gbfs.loader import Limits
        from fabrique.gbfs.validator import validate

        gbfs = validate(path, limits=Limits(allow_private=allow_private))
        if products_dir is not None:
            products_dir.mkdir(parents=True, exist_ok=True)
            (products_dir / GBFS_GEOJSON).write_text(
                json.dumps(gbfs.geojson(), ensure_ascii=False)
            )
        return _result(gbfs.report())
    if fmt == "gtfs-rt":
        from fabrique.gtfs.realtime import check as check_rt

        return _result(check_rt(path, gtfs_store=gtfs_store).report())
    from fabrique.netex import validate as validate_netex
    from fabrique.netex.xsd import default_dir

    netex = validate_netex(path, xsd_dir=netex_xsd_dir or default_dir())
    if products_dir is not None:
        products_dir.mkdir(parents=True, exist_ok=True)
        (products_dir / NETEX_GEOJSON).write_text(
            json.dumps(netex.geojson(), ensure_ascii=False)
        )
    return _result(netex.report())
