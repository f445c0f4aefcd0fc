"""Rules on single values: presence, type, format, enum and range.

They are derived from the schema table: for each file one SQL query scans the
table once and lists every failing (row, column, code).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fabrique.gtfs import spec
from fabrique.gtfs.reader import ident, literal, reference_tables
from fabrique.gtfs.rules.reading import NEW_LINE_IN_VALUE
from fabrique.gtfs.rules.registry import ERROR, WARNING, Context, Rule, check, rule
from fabrique.gtfs.schema import Field, FieldType, FileSpec, Presence

T = "Values"

MISSING_REQUIRED_FIELD = rule(
    "missing_required_field",
    ERROR,
    "A required value is empty.",
    "Applies to columns the reference marks as required, on every row.",
    topic=T,
)
INVALID_DATE = rule(
    "invalid_date", ERROR, "A date is not a real date written YYYYMMDD.", topic=T
)
INVALID_TIME = rule(
    "invalid_time",
    ERROR,
    "A time is not written H:MM:SS or HH:MM:SS.",
    "Hours may exceed 24 for trips that run past midnight (25:35:00).",
    topic=T,
)
INVALID_TIMEZONE = rule(
    "invalid_timezone",
    ERROR,
    "A time zone is not a TZ database name such as Europe/Paris.",
    topic=T,
)
INVALID_URL = rule(
    "invalid_url",
    ERROR,
    "A URL is not a fully qualified http or https URL.",
    topic=T,
)
INVALID_EMAIL = rule("invalid_email", ERROR, "An email address is malformed.", topic=T)
INVALID_COLOR = rule(
    "invalid_color",
    ERROR,
    "A colour is not six hexadecimal digits (FFFFFF).",
    topic=T,
)
INVALID_LANGUAGE = rule(
    "invalid_language_code",
    ERROR,
    "A language is not an IETF BCP 47 code (fr, en-GB).",
    topic=T,
)
INVALID_CURRENCY = rule(
    "invalid_currency",
    ERROR,
    "A currency is not an ISO 4217 code (EUR, USD).",
    topic=T,
)
INVALID_CURRENCY_AMOUNT = rule(
    "invalid_currency_amount",
    ERROR,
    "An amount is not a decimal number.",
    topic=T,
)
INVALID_INTEGER = rule("invalid_integer", ERROR, "A value is not an integer.", topic=T)
INVALID_FLOAT = rule("invalid_float", ERROR, "A value is not a number.", topic=T)
OUT_OF_RANGE = rule(
    "number_out_of_range",
    ERROR,
    "A number is outside its allowed range.",
    "Latitudes lie in [-90, 90], longitudes in [-180, 180]; counts, distances "
    "and durations are not negative; headways are positive.",
    topic=T,
)
UNEXPECTED_ENUM = rule(
    "unexpected_enum_value",
    WARNING,
    "A value is not one of the values the reference lists for its column.",
    topic=T,
)
NON_ASCII = rule(
    "non_ascii_or_non_printable_char",
    WARNING,
    "An identifier has non-ASCII or non-printable characters.",
    "Identifiers are matched by consumers byte for byte; accents and invisible "
    "characters make that fragile.",
    topic=T,
)

NUMBER = r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?"
PATTERNS = {
    FieldType.COLOR: "[0-9A-Fa-f]{6}",
    FieldType.URL: r"(?i)(https?|ftp)://[^\s/?#]+[^\s]*",
    FieldType.EMAIL: r"[^@\s]+@[^@\s]+\.[^@\s]+",
    FieldType.LANGUAGE: "[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*",
}
RANGES = {FieldType.LATITUDE: (-90.0, 90.0), FieldType.LONGITUDE: (-180.0, 180.0)}


def problems(field: Field) -> list[tuple[Rule, str]]:
    """The (rule, SQL condition) pairs that check one column's values.

    Conditions are written for speed on millions of rows: casts and GLOB
    before regular expressions wherever they say the same.
    """
    v = ident(field.name)
    out: list[tuple[Rule, str]] = []
    kind = field.type
    if kind in (FieldType.TEXT, FieldType.ID, FieldType.URL):
        out.append(
            (NEW_LINE_IN_VALUE, f"(contains({v}, chr(10)) OR contains({v}, chr(13)))")
        )
    if field.presence is Presence.REQUIRED and field.name != "transfers":
        out.append((MISSING_REQUIRED_FIELD, f"{v} IS NULL"))
    if kind is FieldType.ID:
        out.append(
            (
                NON_ASCII,
                f"(strlen({v}) <> length({v}) OR contains({v}, chr(9)) "
                f"OR contains({v}, chr(127)))",
            )
        )
    elif kind is FieldType.DATE:
        out.append(
            (
                INVALID_DATE,
                f"(NOT ({v} GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]') "
                f"OR try_strptime({v}, '%Y%m%d') IS NULL)",
            )
        )
    elif kind is FieldType.TIME:
        out.append(
            (
                INVALID_TIME,
                f"NOT ({v} GLOB '[0-9][0-9]:[0-5][0-9]:[0-5][0-9]' "
                f"OR {v} GLOB '[0-9]:[0-5][0-9]:[0-5][0-9]')",
            )
        )
    elif kind in PATTERNS:
        target = {
            FieldType.COLOR: INVALID_COLOR,
            FieldType.URL: INVALID_URL,
            FieldType.EMAIL: INVALID_EMAIL,
            FieldType.LANGUAGE: INVALID_LANGUAGE,
        }[kind]
        out.append((target, f"NOT regexp_full_match({v}, {literal(PATTERNS[kind])})"))
    elif kind is FieldType.TIMEZONE:
        out.append((INVALID_TIMEZONE, f"{v} NOT IN (SELECT name FROM __timezones)"))
    elif kind is FieldType.CURRENCY:
        out.append((INVALID_CURRENCY, f"{v} NOT IN (SELECT name FROM __currencies)"))
    elif kind is FieldType.CURRENCY_AMOUNT:
        out.append(
            (INVALID_CURRENCY_AMOUNT, f"NOT regexp_full_match({v}, '[0-9]*\\.?[0-9]*')")
        )
    elif kind in (FieldType.INTEGER, FieldType.ENUM):
        out.append(
            (
                INVALID_INTEGER,
                f"(TRY_CAST({v} AS BIGINT) IS NULL OR contains({v}, '.'))",
            )
        )
    elif kind in (FieldType.FLOAT, FieldType.LATITUDE, FieldType.LONGITUDE):
        out.append(
            (
                INVALID_FLOAT,
                f"(TRY_CAST({v} AS DOUBLE) IS NULL "
                f"OR NOT isfinite(TRY_CAST({v} AS DOUBLE)))",
            )
        )
    number = f"TRY_CAST({v} AS DOUBLE)"
    if kind is FieldType.ENUM and field.enum:
        values = ", ".join(str(n) for n in field.enum)
        texts = ", ".join(f"'{n}'" for n in field.enum)
        out.append(
            (
                UNEXPECTED_ENUM,
                f"{v} NOT IN ({texts}) AND TRY_CAST({v} AS BIGINT) IS NOT NULL "
                f"AND NOT list_contains([{values}], TRY_CAST({v} AS BIGINT))",
            )
        )
    low, high = RANGES.get(kind, (field.minimum, field.maximum))
    bounds = []
    if low is not None:
        bounds.append(f"{number} {'<=' if field.exclusive_minimum else '<'} {low}")
    if high is not None:
        bounds.append(f"{number} > {high}")
    if bounds:
        out.append((OUT_OF_RANGE, "(" + " OR ".join(bounds) + ")"))
    return out


def _file_checks(file_spec: FileSpec, columns: set[str]) -> tuple[list[str], list[str]]:
    """Per problem of a file's present columns: its struct item, its condition."""
    items: list[str] = []
    conditions: list[str] = []
    for field in file_spec.fields:
        if field.name not in columns:
            continue
        for target, condition in problems(field):
            guarded = (
                condition
                if target is MISSING_REQUIRED_FIELD
                else f"{ident(field.name)} IS NOT NULL AND {condition}"
            )
            conditions.append(f"({guarded})")
            items.append(
                f"CASE WHEN {guarded} THEN {{'c': {literal(target.code)}, "
                f"'f': {literal(field.name)}, 'v': {ident(field.name)}}} END"
            )
    return items, conditions


def any_problem_query(file_spec: FileSpec, columns: set[str]) -> str | None:
    """A query with a row when some value of the file has a problem.

    Cheaper than :func:`file_query` (no unnest, no window), it stops at the
    first bad value: most files have none, and then the full query is not run.
    """
    _items, conditions = _file_checks(file_spec, columns)
    if not conditions:
        return None
    return (
        f"SELECT 1 FROM {ident(file_spec.table)} WHERE "
        + " OR ".join(conditions)
        + " LIMIT 1"
    )


def file_query(file_spec: FileSpec, columns: set[str], limit: int) -> str | None:
    """One SQL query listing every value problem of a file, capped per code."""
    items, conditions = _file_checks(file_spec, columns)
    if not items:
        return None
    table = ident(file_spec.table)
    return (
        "WITH p0 AS (SELECT __row, unnest(["
        + ", ".join(items)
        + f"]) AS s FROM {table} WHERE "
        + " OR ".join(conditions)
        + "), p AS (SELECT * FROM p0 WHERE s IS NOT NULL), "
        "q AS (SELECT s.c AS code, __row AS csvRowNumber, s.f AS fieldName, "
        "s.v AS fieldValue, row_number() OVER (PARTITION BY s.c ORDER BY __row) "
        "AS rn, count(*) OVER (PARTITION BY s.c) AS total FROM p) "
        f"SELECT code, csvRowNumber, fieldName, fieldValue, total FROM q "
        f"WHERE rn <= {limit} ORDER BY code, csvRowNumber"
    )


@check(
    NEW_LINE_IN_VALUE,
    MISSING_REQUIRED_FIELD,
    INVALID_DATE,
    INVALID_TIME,
    INVALID_TIMEZONE,
    INVALID_URL,
    INVALID_EMAIL,
    INVALID_COLOR,
    INVALID_LANGUAGE,
    INVALID_CURRENCY,
    INVALID_CURRENCY_AMOUNT,
    INVALID_INTEGER,
    INVALID_FLOAT,
    OUT_OF_RANGE,
    UNEXPECTED_ENUM,
    NON_ASCII,
)
def check_fields(ctx: Context) -> None:
    """Check every value of every file against its column's type."""
    by_code = {
        r.code: r for r in (MISSING_REQUIRED_FIELD, OUT_OF_RANGE, NEW_LINE_IN_VALUE)
    }
    for registered in (
        INVALID_DATE,
        INVALID_TIME,
        INVALID_TIMEZONE,
        INVALID_URL,
        INVALID_EMAIL,
        INVALID_COLOR,
        INVALID_LANGUAGE,
        INVALID_CURRENCY,
        INVALID_CURRENCY_AMOUNT,
        INVALID_INTEGER,
        INVALID_FLOAT,
        UNEXPECTED_ENUM,
        NON_ASCII,
    ):
        by_code[registered.code] = registered
    referenced = False
    for name, loaded in ctx.feed.files.items():
        file_spec = spec.BY_NAME[name]
        sql = file_query(file_spec, loaded.present, ctx.notices.sample_limit)
        if sql is None or loaded.rows == 0:
            continue
        if not referenced and ("__timezones" in sql or "__currencies" in sql):
            reference_tables(ctx.feed.con)
            referenced = True
        probe = any_problem_query(file_spec, loaded.present)
        if probe is not None and not ctx.feed.con.execute(probe).fetchall():
            continue
        totals: dict[str, int] = {}
        samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for code, row, field_name, value, total in ctx.feed.con.execute(sql).fetchall():
            totals[code] = int(total)
            samples[code].append(
                {
                    "filename": name,
                    "csvRowNumber": row,
                    "fieldName": field_name,
                    "fieldValue": value,
                }
            )
        for code, total in totals.items():
            found = by_code[code]
            ctx.notices.add_many(found.code, found.severity, total, samples[code])


INVALID_PHONE_NUMBER = rule(
    "invalid_phone_number",
    ERROR,
    "A phone number cannot be dialled from the feed's country.",
    "Checked only when the feed's country is given (`--country-code`), as "
    "MobilityData's validator does: a number is accepted when "
    "libphonenumber finds it a possible number dialled from that country "
    "(its length fits the country's plan, or an international number "
    "starting with + fits its own). Fields: agency_phone, "
    "attribution_phone, booking_rules phone_number.",
    topic=T,
)

# The phone columns of the reference: (file, column).
PHONE_FIELDS = tuple(
    (file_spec.name, column.name)
    for file_spec in spec.FILES
    for column in file_spec.fields
    if column.type is FieldType.PHONE
)


def phone_region(country_code: str | None) -> str | None:
    """The region phone numbers are dialled from, or None when unknown.

    As MobilityData reads its country code: case-insensitive, ``UK`` is
    ``GB``, a code libphonenumber does not know leaves numbers unchecked.

    >>> phone_region("fr"), phone_region("UK"), phone_region("XX")
    ('FR', 'GB', None)
    """
    if not country_code:
        return None
    import phonenumbers

    code = country_code.strip().upper()
    code = "GB" if code == "UK" else code
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def possible_phone_number(value: str, region: str) -> bool:
    """libphonenumber's ``isPossibleNumber(value, region)``; unparsable: False."""
    import phonenumbers

    return bool(phonenumbers.is_possible_number_string(value, region))


@check(INVALID_PHONE_NUMBER)
def check_phone_numbers(ctx: Context) -> None:
    """Phone numbers that cannot be dialled from the feed's country."""
    if ctx.country is None:
        return
    for name, column in PHONE_FIELDS:
        if not ctx.has(name) or not ctx.feed.has_column(name, column):
            continue
        table, field = ctx.feed.table(name), ident(column)
        values = ctx.feed.con.execute(
            f"SELECT DISTINCT {field} FROM {table} WHERE {field} IS NOT NULL"
        ).fetchall()
        bad = [v for (v,) in values if not possible_phone_number(v, ctx.country)]
        if not bad:
            continue
        ctx.emit_query(
            INVALID_PHONE_NUMBER,
            f"SELECT {literal(name)} AS filename, __row AS csvRowNumber, "
            f"{literal(column)} AS fieldName, {field} AS fieldValue FROM {table} "
            f"WHERE list_contains(?, {field}) ORDER BY __row",
            [bad],
        )
