"""The NeTEx rule registry: every notice code with its severity and documentation.

Each code is declared once here. The checks (``check``, ``xsd``, ``stream``)
use these codes, and the catalogue (``docs/netex/rules.md``), the report and
the pages read this registry. Topics follow the French profile's parts
(éléments communs, arrêts, réseaux, horaires) after the generic checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from fabrique.notices import Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

NETEX = "NeTEx"
PROFILE_FR = "French profile"
FABRIQUE = "Fabrique"

# Topics, in catalogue order.
FILES = "Files and XML"
SCHEMA = "XML Schema"
REFERENCES = "References and identifiers"
COMMON = "French profile: common elements"
STOPS = "French profile: stops"
NETWORKS = "French profile: networks"
TIMETABLES = "French profile: timetables"
FARES = "French profile: fares"


@dataclass(frozen=True)
class Rule:
    """One notice code: what it means, how bad it is, where it comes from."""

    code: str
    severity: Severity
    description: str
    doc: str
    topic: str
    origin: str = FABRIQUE


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    severity: Severity,
    description: str,
    doc: str = "",
    *,
    topic: str,
    origin: str = FABRIQUE,
) -> Rule:
    """Declare a notice code; codes are unique across the engine."""
    if code in RULES:
        raise ValueError(f"rule {code!r} is declared twice")
    declared = Rule(code, severity, description, doc, topic, origin)
    RULES[code] = declared
    return declared


# Files and XML (the well-formedness check of ``fabrique.netex.check``).
rule(
    "file_unreadable",
    ERROR,
    "The file cannot be read.",
    topic=FILES,
)
rule(
    "archive_unreadable",
    ERROR,
    "The zip archive or one of its members cannot be uncompressed.",
    topic=FILES,
)
rule(
    "archive_too_large",
    ERROR,
    "The archive passes a size, member-count or compression-ratio limit.",
    "Reading stops as soon as a limit is passed, so a zip bomb never fills "
    "the memory or the disk.",
    topic=FILES,
)
rule(
    "unsafe_member_name",
    WARNING,
    "A zip member's name is absolute or climbs out of the archive (`..`).",
    topic=FILES,
)
rule("unknown_file", INFO, "A zip member that is not XML was ignored.", topic=FILES)
rule("no_xml_file", ERROR, "No XML file was found.", topic=FILES)
rule(
    "xml_not_well_formed",
    ERROR,
    "The XML is not well-formed; the file's line and column are given.",
    topic=FILES,
)
rule(
    "xml_entities_refused",
    ERROR,
    "The file declares a DTD, entities or external references: refused.",
    "NeTEx needs none of them. Refusing them stops entity-expansion bombs "
    "(billion laughs) and external entities that would read local files or "
    "the network (XXE).",
    topic=FILES,
)
rule(
    "not_a_publication_delivery",
    ERROR,
    "The root element is not a NeTEx `PublicationDelivery`.",
    topic=FILES,
)
rule(
    "profile_not_validated",
    INFO,
    "Only well-formedness and frames were checked (no schema installed).",
    topic=FILES,
)

# XML Schema.
rule(
    "xsd_invalid",
    ERROR,
    "The file does not conform to the NeTEx XML Schema.",
    "Each sample gives the file, the line, the element path and the schema "
    "validator's message in English and in French.",
    topic=SCHEMA,
    origin=NETEX,
)
rule(
    "xsd_not_available",
    WARNING,
    "No NeTEx XML Schema is installed: schema validation was skipped.",
    "Install it with `fabrique netex xsd install`; the rest of the checks run.",
    topic=SCHEMA,
)
rule(
    "xsd_version_substituted",
    INFO,
    "The file's NeTEx version has no schema installed; another was used.",
    topic=SCHEMA,
)
rule(
    "xsd_skipped_file_too_large",
    WARNING,
    "The file is larger than the schema validation limit: schema not checked.",
    "Schema validation holds the whole document in memory; references and "
    "profile rules are streamed and still run.",
    topic=SCHEMA,
)
rule(
    "xsd_constraints_skipped",
    INFO,
    "A large file was checked against the schema without its key and keyref "
    "constraints.",
    "libxml2 checks XSD identity constraints in time growing with the square "
    "of the number of objects; past the limit (8 MB by default) the schema's "
    "own constraint-free variant is used, and ids and references are checked "
    "by the streaming pass instead.",
    topic=SCHEMA,
)
rule(
    "xsd_errors_truncated",
    INFO,
    "Only the first schema errors of a file are listed.",
    topic=SCHEMA,
)

# References and identifiers.
rule(
    "unresolved_reference",
    ERROR,
    "A `ref` points to an object that is neither in the file, nor in the "
    "archive's other files, nor declared external.",
    "Declare objects that live elsewhere (a national stop register…) as "
    "external with their id prefix (`--external FR:`).",
    topic=REFERENCES,
)
rule(
    "reference_version_mismatch",
    WARNING,
    "A `versionRef` names a version the referenced object does not have.",
    topic=REFERENCES,
)
rule(
    "duplicate_id",
    ERROR,
    "Two objects of one file share an id and a version.",
    "The same object may be repeated in the archive's other files (the French "
    "profile repeats shared resources); within one file it must be unique.",
    topic=REFERENCES,
)
rule(
    "fr_id_syntax",
    WARNING,
    "An id does not follow the French profile's "
    "`[CODESPACE]:[type]:[local id]:[LOC or register]` shape.",
    "The profile keeps the trailing `:` even when the last part is empty "
    "(`STIF-CODIFLIGNE:Line:C00001:`). Ids are never parsed for meaning; this "
    "is only a warning.",
    topic=REFERENCES,
    origin=PROFILE_FR,
)

# French profile: common elements.
rule(
    "fr_frame_without_type",
    ERROR,
    "A `GeneralFrame` has no `TypeOfFrameRef`.",
    "The French profile exchanges `GeneralFrame`s typed by a `TypeOfFrame` "
    "(`NETEX_ARRET`, `NETEX_LIGNE`, `NETEX_HORAIRE`…).",
    topic=COMMON,
    origin=PROFILE_FR,
)
rule(
    "fr_unknown_type_of_frame",
    WARNING,
    "A `TypeOfFrameRef` names none of the profile's frame types.",
    topic=COMMON,
    origin=PROFILE_FR,
)
rule(
    "fr_missing_version",
    ERROR,
    "An object with an `id` has no `version` (`any` is allowed).",
    topic=COMMON,
    origin=PROFILE_FR,
)
rule(
    "fr_coordinates_out_of_range",
    ERROR,
    "A `Location` has a latitude or longitude outside the valid range.",
    topic=COMMON,
    origin=PROFILE_FR,
)
rule(
    "fr_coordinates_zero",
    WARNING,
    "A `Location` sits at latitude 0, longitude 0.",
    topic=COMMON,
    origin=PROFILE_FR,
)
rule(
    "fr_transport_mode_unknown",
    ERROR,
    "A `TransportMode` is not in the profile's list of modes.",
    topic=COMMON,
    origin=PROFILE_FR,
)
rule(
    "fr_day_type_assignment_incomplete",
    ERROR,
    "A `DayTypeAssignment` lacks its `DayTypeRef` or a date, operating day "
    "or operating period.",
    topic=COMMON,
    origin=PROFILE_FR,
)
rule(
    "fr_operating_period_inverted",
    ERROR,
    "An `OperatingPeriod` or `ValidBetween` ends before it starts.",
    topic=COMMON,
    origin=PROFILE_FR,
)

# French profile: stops.
rule(
    "fr_stop_without_name",
    ERROR,
    "A `StopPlace` or `Quay` has no `Name`.",
    topic=STOPS,
    origin=PROFILE_FR,
)
rule(
    "fr_stop_without_location",
    WARNING,
    "A `StopPlace` or `Quay` has no `Centroid/Location` coordinates.",
    "Without coordinates a stop cannot be placed on a map nor matched with other data.",
    topic=STOPS,
    origin=PROFILE_FR,
)
rule(
    "fr_stop_place_type_unknown",
    ERROR,
    "A `StopPlaceType` is not in the profile's list.",
    topic=STOPS,
    origin=PROFILE_FR,
)
rule(
    "fr_stop_place_without_quay",
    WARNING,
    "A monomodal `StopPlace` holds no `Quay`.",
    topic=STOPS,
    origin=PROFILE_FR,
)

# French profile: networks.
rule(
    "fr_line_without_name",
    ERROR,
    "A `Line` or `FlexibleLine` has no `Name`.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_line_without_mode",
    WARNING,
    "A `Line` has no `TransportMode`.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_line_without_public_code",
    INFO,
    "A `Line` has no `PublicCode`, the code riders see.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_network_without_name",
    ERROR,
    "A `Network` has no `Name`.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_operator_without_name",
    ERROR,
    "An `Operator` or `Authority` has no `Name`.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_route_without_line",
    ERROR,
    "A `Route` has no `LineRef`.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_stop_assignment_incomplete",
    ERROR,
    "A `PassengerStopAssignment` lacks its `ScheduledStopPointRef` or its "
    "`QuayRef`/`StopPlaceRef`.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_scheduled_stop_point_unassigned",
    WARNING,
    "A `ScheduledStopPoint` is assigned to no quay or stop place.",
    "Its position is then unknown: journeys through it cannot be placed.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)
rule(
    "fr_journey_pattern_too_short",
    ERROR,
    "A `ServiceJourneyPattern` or `JourneyPattern` has fewer than two "
    "`StopPointInJourneyPattern`.",
    topic=NETWORKS,
    origin=PROFILE_FR,
)

# French profile: timetables.
rule(
    "fr_journey_without_pattern",
    ERROR,
    "A `ServiceJourney` has no `ServiceJourneyPatternRef` / `JourneyPatternRef`.",
    topic=TIMETABLES,
    origin=PROFILE_FR,
)
rule(
    "fr_journey_without_day_type",
    ERROR,
    "A `ServiceJourney` has no `DayTypeRef`: its days of operation are unknown.",
    topic=TIMETABLES,
    origin=PROFILE_FR,
)
rule(
    "fr_journey_too_few_passing_times",
    ERROR,
    "A `ServiceJourney` has fewer than two `TimetabledPassingTime`.",
    topic=TIMETABLES,
    origin=PROFILE_FR,
)
rule(
    "fr_passing_time_without_time",
    ERROR,
    "A `TimetabledPassingTime` has neither `ArrivalTime` nor `DepartureTime`.",
    topic=TIMETABLES,
    origin=PROFILE_FR,
)
rule(
    "fr_passing_times_decrease",
    ERROR,
    "The passing times of a `ServiceJourney` go back in time.",
    "Times are compared with their `DayOffset`; equal times are allowed.",
    topic=TIMETABLES,
    origin=PROFILE_FR,
)

# French profile: fares.
rule(
    "fr_fare_product_without_type",
    ERROR,
    "A `PreassignedFareProduct` has no `ProductType` (1:1 in the profile).",
    topic=FARES,
    origin=PROFILE_FR,
)
rule(
    "fr_fare_product_type_unknown",
    ERROR,
    "A `ProductType` is not in the profile's list (`singleTrip`, `dayPass`, "
    "`periodPass`…).",
    topic=FARES,
    origin=PROFILE_FR,
)
rule(
    "fr_fare_price_invalid",
    ERROR,
    "A price's `Amount` is negative or not a number.",
    topic=FARES,
    origin=PROFILE_FR,
)
rule(
    "fr_fare_price_without_currency",
    WARNING,
    "A price has an `Amount` but no `Currency` (ISO 4217, `EUR`).",
    "Without it the frame's default currency applies, which the profile asks to state.",
    topic=FARES,
    origin=PROFILE_FR,
)
