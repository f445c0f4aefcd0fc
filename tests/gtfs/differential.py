"""Validate one feed with Fabrique and with gtfs-guru; compare (code, count).

gtfs-guru implements MobilityData's rules; a difference is either listed in
:data:`DELIBERATE` with the reference text that justifies Fabrique's
verdict, or a defect. Defects known and under repair are listed in
:data:`PENDING` so that the test names them (and expects them to fail)
instead of hiding them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from fabrique.gtfs.validator import validate

# Deliberate differences: code -> why Fabrique's verdict differs (spec line).
DELIBERATE: dict[str, str] = {
    "unused_agency": (
        "gtfs-guru reports it only in its thorough mode, which its Python API "
        "does not run. Reference, agency.txt: 'Transit agencies with service "
        "represented in this dataset' (an agency without routes has none)."
    ),
    "unused_route": (
        "gtfs-guru reports it only in its thorough mode, which its Python API "
        "does not run. Reference, routes.txt: 'A route is a group of trips "
        "that are displayed to riders as a single service' (none here)."
    ),
    "leading_or_trailing_whitespaces": (
        "MobilityData's CSV parser trims unquoted values before its rules see "
        "them, so it reports only quoted ones (annarbor.zip: stop_code "
        "'STOP 2 ' unquoted, 0; quoted, gtfs-guru reports it). The reference "
        "makes no difference: 'Remove any extra spaces between fields or field "
        "names. Many parsers consider the spaces to be part of the value'."
    ),
}

# Where gtfs-guru departs from MobilityData's validator (read in its source)
# on a feature the generator draws: code -> (the note of the feeds that have
# it, why). A difference on such a code is excused only on those feeds.
PEER_DEVIATIONS: dict[str, tuple[str, str]] = {
    "fast_travel_between_consecutive_stops": (
        "times left out",
        "MobilityData's StopTimeTravelSpeedValidator keeps the last stop with "
        "a departure as the start while it skips stops without times, so it "
        "measures the speed across them; gtfs-guru does not. Reference, "
        "stop_times.txt: arrival_time and departure_time are optional for "
        "stops that are not timepoints.",
    ),
    "duplicate_key": (
        "transfers with the same ids",
        "MobilityData's tables key transfers.txt on all its id columns, empty "
        "ones included, and report two rows with the same ids; gtfs-guru skips "
        "rows with an empty id. Reference, transfers.txt: the primary key is "
        "(from_stop_id, to_stop_id, from_trip_id, to_trip_id, from_route_id, "
        "to_route_id).",
    ),
}


def excused(code: str, notes: list[str]) -> bool:
    """True when gtfs-guru's deviation on this code applies to the feed."""
    deviation = PEER_DEVIATIONS.get(code)
    return deviation is not None and deviation[0] in notes


# Known defects under repair: code -> the defect. Differences on these codes
# make the test an expected failure (never a pass that hides them).
PENDING: dict[str, str] = {}


def counts_by_code(
    path: Path, today: date, country: str | None = None
) -> tuple[Counter[str], Counter[str]]:
    """(Fabrique's, gtfs-guru's) number of notices per code for one feed.

    ``country`` is given to both (phone numbers are checked only with it).
    """
    import gtfs_guru

    ours = validate(path, today=today, country_code=country)
    theirs = gtfs_guru.validate(str(path), date=today.isoformat(), country_code=country)
    return (
        Counter({c: g.total for c, g in ours.notices.groups.items()}),
        Counter(n.code for n in theirs.notices),
    )


def differences(ours: Counter[str], theirs: Counter[str]) -> dict[str, tuple[int, int]]:
    """Codes whose counts differ, (ours, theirs), deliberate ones left out."""
    return {
        code: (ours[code], theirs[code])
        for code in sorted(set(ours) | set(theirs))
        if ours[code] != theirs[code] and code not in DELIBERATE
    }
