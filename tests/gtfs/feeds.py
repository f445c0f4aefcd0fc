"""Hypothesis strategies for small valid GTFS feeds and their edge variants.

A drawn :class:`GeneratedFeed` holds the text of each file and the date to
validate on. The plain strategy gives feeds that the reference calls valid
(times on the minute, a calendar and its exceptions, one agency or several);
``edges=True`` mutates them towards the edges of the rules: times with
seconds, hops of a few seconds, files present with no rows, parent files
absent, calendar-only or dates-only services, route names in other cases and
with the short name as a prefix, validation dates on every weekday.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from hypothesis import strategies as st

BASE_DATE = date(2026, 3, 2)  # a Monday
ORIGIN = (48.85, 2.30)


@dataclass
class GeneratedFeed:
    files: dict[str, str] = field(default_factory=dict)
    today: date = BASE_DATE
    notes: list[str] = field(default_factory=list)
    # The feed's country, given to both validators (phone numbers).
    country: str | None = None

    def write(self, target: Path) -> Path:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in sorted(self.files.items()):
                archive.writestr(name, text)
        return target

    def __repr__(self) -> str:  # shown by Hypothesis on failure
        body = "\n".join(f"--- {n}\n{t}" for n, t in sorted(self.files.items()))
        return f"GeneratedFeed(today={self.today}, notes={self.notes})\n{body}"


def csv(header: str, rows: list[list[object]]) -> str:
    lines = [header]
    lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


# Values that are not phone numbers in any country's plan.
NOT_PHONE_NUMBERS = ("abc", "+1", "phone")


@st.composite
def phone_numbers(draw: st.DrawFn, country: str) -> str:
    """A phone number of ``country`` as people write it, or not a number.

    Lengths off the country's plan and unknown calling codes are left out:
    gtfs-guru's own check accepts numbers that libphonenumber, which
    MobilityData's validator uses, finds too short or too long (``12`` in
    France) or not dialable (``+999 123``); the rule's own tests check those
    against libphonenumber's verdict instead.
    """
    import phonenumbers

    region = "GB" if country.upper() == "UK" else country.upper()
    example = phonenumbers.example_number(region)
    assert example is not None
    formats = (
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.E164,
    )
    written = [phonenumbers.format_number(example, f) for f in formats]
    value: str = draw(st.sampled_from([*written, *NOT_PHONE_NUMBERS]))
    return f'"{value}"' if "," in value else value


@st.composite
def feeds(draw: st.DrawFn, *, edges: bool = False) -> GeneratedFeed:
    feed = GeneratedFeed()
    feed.today = BASE_DATE + timedelta(days=draw(st.integers(0, 13)))

    # Agencies: one (with or without agency_id) or several.
    n_agencies = draw(st.integers(1, 2))
    with_agency_id = n_agencies > 1 or draw(st.booleans())
    agency_rows = [
        [f"A{i}", f"Transit {i}", f"https://a{i}.example.org", "Europe/Paris", "fr"]
        for i in range(1, n_agencies + 1)
    ]
    header = "agency_id,agency_name,agency_url,agency_timezone,agency_lang"
    if not with_agency_id:
        header = header.removeprefix("agency_id,")
        agency_rows = [r[1:] for r in agency_rows]
    if edges and draw(st.booleans()):
        feed.country = draw(st.sampled_from([None, "FR", "US", "GB", "uk"]))
        header += ",agency_phone"
        for row in agency_rows:
            row.append(draw(phone_numbers(feed.country or "FR")))
        feed.notes.append(f"phones dialled from {feed.country}")
    feed.files["agency.txt"] = csv(header, agency_rows)

    # Stops along a line; the first may be a station with platforms.
    n_stops = draw(st.integers(2, 5))
    step = draw(st.sampled_from([0.004, 0.008, 0.015]))
    with_station = draw(st.booleans())
    stop_rows: list[list[object]] = []
    stop_ids = []
    coords = {}
    for i in range(n_stops):
        stop_id = f"S{i}"
        lat, lon = ORIGIN[0], round(ORIGIN[1] + i * step, 6)
        parent = "STA" if with_station and i == 0 else ""
        stop_rows.append([stop_id, f"Arrêt {i}", lat, lon, 0, parent])
        stop_ids.append(stop_id)
        coords[stop_id] = (lat, lon)
    if with_station:
        stop_rows.insert(0, ["STA", "Gare", ORIGIN[0], ORIGIN[1], 1, ""])
    feed.files["stops.txt"] = csv(
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station",
        stop_rows,
    )

    # Routes, with names in other cases and prefixes at the edges.
    n_routes = draw(st.integers(1, 2))
    route_rows = []
    for i in range(1, n_routes + 1):
        short = draw(st.sampled_from(["1", "T2", "42"]))
        long_name = draw(st.sampled_from(["Gare - Parc", "Centre - Plage"]))
        if edges:
            short = draw(st.sampled_from([short, "Mu", "A"]))
            long_name = draw(
                st.sampled_from(
                    [
                        long_name,
                        long_name.upper(),
                        long_name.lower(),
                        f"{short} Xpress",
                        f"{short}Xpress",
                        f"{short}-Centre",
                        f"{short}(Centre)",
                    ]
                )
            )
        agency = f"A{draw(st.integers(1, n_agencies))}" if with_agency_id else None
        route_type = draw(st.sampled_from([3, 0, 2]))
        route_rows.append([f"R{i}", agency, short, long_name, route_type])
    feed.files["routes.txt"] = csv(
        "route_id,agency_id,route_short_name,route_long_name,route_type",
        route_rows,
    )

    # Services: calendar only, dates only, or both.
    mode = draw(st.sampled_from(["calendar", "dates", "both"]))
    start = feed.today - timedelta(days=draw(st.sampled_from([0, 20, 200])))
    end = feed.today + timedelta(days=draw(st.sampled_from([3, 10, 60, 300])))
    if edges and draw(st.booleans()):
        end = feed.today - timedelta(days=draw(st.integers(1, 40)))
        start = min(start, end - timedelta(days=10))
    services = ["WK", "WE"][: draw(st.integers(1, 2))]
    days = {"WK": [1, 1, 1, 1, 1, 0, 0], "WE": [0, 0, 0, 0, 0, 1, 1]}
    if mode in ("calendar", "both"):
        feed.files["calendar.txt"] = csv(
            "service_id,monday,tuesday,wednesday,thursday,"
            "friday,saturday,sunday,start_date,end_date",
            [[s, *days[s], ymd(start), ymd(end)] for s in services],
        )
    date_rows: list[list[object]] = []
    if mode == "dates":
        for service in services:
            day = start
            while day <= end:
                if days[service][day.weekday()]:
                    date_rows.append([service, ymd(day), 1])
                day += timedelta(days=1)
    elif mode == "both" and draw(st.booleans()):
        date_rows.append(["WK", ymd(feed.today + timedelta(days=7)), 2])
    if mode != "calendar" or draw(st.booleans()):
        feed.files["calendar_dates.txt"] = csv(
            "service_id,date,exception_type", date_rows
        )
    feed.notes.append(f"services {mode}")

    # Trips and their stop times.
    with_shapes = draw(st.booleans())
    trip_rows = []
    st_rows: list[list[object]] = []
    n = 0
    for route in route_rows:
        for _ in range(draw(st.integers(1, 2))):
            n += 1
            trip_id = f"T{n}"
            service = draw(st.sampled_from(services))
            trip_rows.append([route[0], service, trip_id, "SH1" if with_shapes else ""])
            time = draw(st.integers(5, 22)) * 3600 + draw(st.integers(0, 59)) * 60
            reverse = draw(st.booleans())
            for seq, stop_id in enumerate(reversed(stop_ids) if reverse else stop_ids):
                if seq:
                    hop = draw(st.sampled_from([120, 180, 300]))
                    if edges:
                        hop = draw(st.sampled_from([hop, 10, 45, 60, 61, 95]))
                    time += hop
                dwell = 0
                if edges and draw(st.booleans()):
                    dwell = draw(st.sampled_from([1, 30]))
                st_rows.append(
                    [trip_id, hms(time), hms(time + dwell), stop_id, seq + 1]
                )
                time += dwell
    feed.files["trips.txt"] = csv("route_id,service_id,trip_id,shape_id", trip_rows)
    feed.files["stop_times.txt"] = csv(
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence",
        st_rows,
    )
    if edges:
        more_edges(draw, feed, route_rows, trip_rows, st_rows)
    if with_shapes:
        feed.files["shapes.txt"] = csv(
            "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence",
            [["SH1", *coords[s], i + 1] for i, s in enumerate(stop_ids)],
        )

    if draw(st.booleans()):
        feed.files["feed_info.txt"] = csv(
            "feed_publisher_name,feed_publisher_url,feed_lang,"
            "feed_start_date,feed_end_date,feed_contact_email",
            [
                [
                    "Fabrique",
                    "https://fabrique.example.org",
                    "fr",
                    ymd(start),
                    ymd(end),
                    "data@example.org",
                ]
            ],
        )

    if edges:
        mutation = draw(
            st.sampled_from(["none", "empty_file", "absent_parent", "no_rows"])
        )
        feed.notes.append(mutation)
        if mutation == "empty_file":
            name = draw(st.sampled_from(sorted(feed.files)))
            feed.files[name] = feed.files[name].splitlines()[0] + "\n"
            feed.notes.append(f"{name} has a header only")
        elif mutation == "absent_parent":
            name = draw(st.sampled_from(["shapes.txt", "calendar.txt", "agency.txt"]))
            if name in feed.files:
                del feed.files[name]
                feed.notes.append(f"{name} absent")
        elif mutation == "no_rows":
            feed.files["stop_times.txt"] = "trip_id,stop_id,stop_sequence\n"
    return feed


COLOURS = [
    ("FFFFFF", "000000"),
    ("FFFFFF", "FFFFFF"),
    ("777777", "888888"),
    ("0000FF", "FFFFFF"),
    ("FFFF00", None),
]


def more_edges(
    draw: st.DrawFn,
    feed: GeneratedFeed,
    route_rows: list[list[object]],
    trip_rows: list[list[object]],
    st_rows: list[list[object]],
) -> None:
    """Edges of the block, timepoint, colour and frequency rules."""
    chosen = draw(
        st.sets(
            st.sampled_from(
                [
                    "block",
                    "timepoints",
                    "colours",
                    "frequencies",
                    "stations",
                    "transfers",
                ]
            )
        )
    )
    feed.notes.append(f"also {sorted(chosen)}")
    if "colours" in chosen:
        feed.files["routes.txt"] = csv(
            "route_id,agency_id,route_short_name,route_long_name,route_type,"
            "route_color,route_text_color",
            [[*row, *draw(st.sampled_from(COLOURS))] for row in route_rows],
        )
    if "block" in chosen:
        feed.files["trips.txt"] = csv(
            "route_id,service_id,trip_id,shape_id,block_id",
            [
                [*row, draw(st.sampled_from(["B1", "B1", "B2", ""]))]
                for row in trip_rows
            ],
        )
    if "timepoints" in chosen:
        rows = []
        last = {row[0]: row[4] for row in st_rows}  # trip -> its last sequence
        for trip_id, arrival, departure, stop_id, seq in st_rows:
            inner = seq not in (1, last[trip_id])
            timepoint = draw(st.sampled_from(["", "0", "1"]))
            if inner and draw(st.booleans()):
                arrival = departure = ""
                if "times left out" not in feed.notes:
                    feed.notes.append("times left out")
            rows.append([trip_id, arrival, departure, stop_id, seq, timepoint])
        feed.files["stop_times.txt"] = csv(
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence,timepoint",
            rows,
        )
    if "frequencies" in chosen:
        start = draw(st.sampled_from([6, 7]))
        second = draw(st.sampled_from([7, 8, 9]))
        exact = draw(st.sampled_from(["", "0", "1"]))
        feed.files["frequencies.txt"] = csv(
            "trip_id,start_time,end_time,headway_secs,exact_times",
            [
                ["T1", hms(start * 3600), hms(8 * 3600), 600, exact],
                ["T1", hms(second * 3600 - 1800), hms(10 * 3600), 900, exact],
            ],
        )
    if "stations" in chosen:
        stations(draw, feed)
    if "transfers" in chosen:
        transfers(draw, feed, st_rows)


def stations(draw: st.DrawFn, feed: GeneratedFeed) -> None:
    """Entrances, nodes and boarding areas, with or without their parents."""
    lines = feed.files["stops.txt"].splitlines()
    has_station = any(line.startswith("STA,") for line in lines)
    extra = []
    for i, location_type in enumerate(
        draw(st.lists(st.sampled_from([2, 3, 4, 1]), min_size=1, max_size=3))
    ):
        parent = draw(st.sampled_from(["", "STA" if has_station else "", "S1"]))
        lat, lon = ORIGIN[0] + 0.0001 * (i + 1), ORIGIN[1]
        name = draw(st.sampled_from(["Entrée", "", "Quai"]))
        extra.append(f"X{i},{name},{lat},{lon},{location_type},{parent}")
    same = draw(st.booleans())
    rows = []
    for line in lines[1:] + extra:
        name = line.split(",")[1]
        rows.append(f"{line},{name if same else ''}")
    feed.files["stops.txt"] = "\n".join([lines[0] + ",stop_desc", *rows]) + "\n"
    feed.notes.append("stations")


def transfers(
    draw: st.DrawFn, feed: GeneratedFeed, st_rows: list[list[object]]
) -> None:
    """Transfers between stops and trips, some incomplete."""
    stops = sorted({str(row[3]) for row in st_rows})
    trips = sorted({str(row[0]) for row in st_rows})
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from([0, 1, 2, 3, 4, 5]))
        from_stop = draw(st.sampled_from([*stops, "", "STA"]))
        to_stop = draw(st.sampled_from([*stops, ""]))
        from_trip = draw(st.sampled_from(["", *trips])) if kind >= 4 else ""
        to_trip = draw(st.sampled_from(["", *trips])) if kind >= 4 else ""
        minimum = draw(st.sampled_from(["", 120])) if kind == 2 else ""
        rows.append([from_stop, to_stop, from_trip, to_trip, kind, minimum])
    keys = [tuple(row[:4]) for row in rows]
    if len(set(keys)) < len(keys):
        feed.notes.append("transfers with the same ids")
    feed.files["transfers.txt"] = csv(
        "from_stop_id,to_stop_id,from_trip_id,to_trip_id,transfer_type,"
        "min_transfer_time",
        rows,
    )
