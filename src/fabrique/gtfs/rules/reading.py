"""Rules about the container and the CSV text, emitted while reading."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, INFO, WARNING, rule

T = "Files and CSV"

MISSING_REQUIRED_FILE = rule(
    "missing_required_file",
    ERROR,
    "A file required by the GTFS reference is absent.",
    "agency.txt, routes.txt, trips.txt and stop_times.txt are always required; "
    "stops.txt is required unless the feed uses only locations.",
    topic=T,
)
MISSING_RECOMMENDED_FILE = rule(
    "missing_recommended_file",
    WARNING,
    "A recommended file (feed_info.txt) is absent.",
    "feed_info.txt tells riders and tools who publishes the feed and for which "
    "period it is valid; the reference recommends it in every feed.",
    topic=T,
)
MISSING_CALENDARS = rule(
    "missing_calendar_and_calendar_date_files",
    ERROR,
    "Neither calendar.txt nor calendar_dates.txt is present.",
    "At least one of the two files defines when services run; without them no "
    "trip can be scheduled.",
    topic=T,
)
UNKNOWN_FILE = rule(
    "unknown_file",
    INFO,
    "A file that is not part of the GTFS reference.",
    "Extra files are allowed but ignored; check the name for a typo.",
    topic=T,
)
EMPTY_FILE = rule(
    "empty_file",
    ERROR,
    "A file has no content, not even a header line.",
    topic=T,
)
SUBFOLDER = rule(
    "invalid_input_files_in_subfolder",
    WARNING,
    "The feed files are inside a folder of the zip, not at its root.",
    "The reference wants the files at the root of the archive. Fabrique reads "
    "them from the folder anyway and warns (MobilityData refuses them with an "
    "ERROR).",
    topic=T,
)
UNSAFE_MEMBER = rule(
    "unsafe_member_name",
    ERROR,
    "A zip member name is absolute or climbs out of the archive (`..`).",
    "Such names are a path-traversal attack on tools that extract archives; the "
    "member is ignored.",
    topic=T,
)
INVALID_ENCODING = rule(
    "invalid_encoding",
    WARNING,
    "A file is not valid UTF-8; it was read in another encoding.",
    "The reference requires UTF-8. The file was decoded as UTF-16, Windows-1252 "
    "or Latin-1 so that its content can still be checked; accented names may be "
    "wrong.",
    topic=T,
)
CSV_PARSING_FAILED = rule(
    "csv_parsing_failed",
    ERROR,
    "A CSV file could not be parsed past some point.",
    "Typical causes: an unclosed quote, a NUL byte, a field longer than the "
    "parser accepts. Rows before the failure are kept.",
    topic=T,
)
VERY_LONG_ROW = rule(
    "very_long_row",
    WARNING,
    "A row is longer than 2 MB.",
    "The row is read whole, with the rest of its file, but a value this long "
    "is rarely meant (a file pasted into a field, a missing line end) and "
    "other tools may refuse the file: MobilityData's validator fails on any "
    "value longer than 4,096 characters.",
    topic=T,
)
TOO_MANY_ROWS = rule(
    "too_many_rows",
    ERROR,
    "A file has more rows than a validator reads (a billion).",
    "As in MobilityData's validator, reading stops at the first row numbered "
    "past 1,000,000,000 (the header is row 1): that row and the ones after it "
    "are not read, and the notice gives its number. Feeds this large cannot "
    "be processed in a reasonable time by consumers; the largest known files "
    "have about 100 million rows.",
    topic=T,
)
INVALID_ROW_LENGTH = rule(
    "invalid_row_length",
    ERROR,
    "A row has more or fewer values than the header has columns.",
    "The row is skipped; usually an unquoted comma inside a value.",
    topic=T,
)
EMPTY_ROW = rule(
    "empty_row",
    WARNING,
    "A row has no value at all.",
    topic=T,
)
EMPTY_COLUMN_NAME = rule(
    "empty_column_name",
    ERROR,
    "A column of the header has no name.",
    topic=T,
)
DUPLICATED_COLUMN = rule(
    "duplicated_column",
    ERROR,
    "Two columns of the header have the same name.",
    "Only the first one is read.",
    topic=T,
)
MISSING_REQUIRED_COLUMN = rule(
    "missing_required_column",
    ERROR,
    "A column required by the reference is absent from a file.",
    topic=T,
)
UNKNOWN_COLUMN = rule(
    "unknown_column",
    INFO,
    "A column that the reference does not define for this file.",
    "Extra columns are allowed but ignored; check the name for a typo.",
    topic=T,
)
WHITESPACE = rule(
    "leading_or_trailing_whitespaces",
    WARNING,
    "A value starts or ends with spaces.",
    "The value is read trimmed.",
    topic=T,
)
NEW_LINE_IN_VALUE = rule(
    "new_line_in_value",
    ERROR,
    "A value contains a line break.",
    topic=T,
)
MALFORMED_JSON = rule(
    "malformed_json",
    ERROR,
    "locations.geojson is not valid JSON.",
    topic=T,
)

LOADER_EXCEPTION = rule(
    "runtime_exception_in_loader_error",
    ERROR,
    "A file could not be loaded because of an unexpected internal error.",
    "The file is treated as empty and validation goes on; please report the "
    "message with the feed.",
    topic="System",
)
VALIDATOR_EXCEPTION = rule(
    "runtime_exception_in_validator_error",
    ERROR,
    "A rule could not run because of an unexpected internal error.",
    "The other rules still run; please report the message with the feed.",
    topic="System",
)
