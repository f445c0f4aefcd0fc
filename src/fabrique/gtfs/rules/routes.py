"""Rules on routes.txt: names, colours, agencies and use."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, WARNING, Context, check, rule, sql_rule

T = "Routes"

BOTH_NAMES_MISSING = rule(
    "route_both_short_and_long_name_missing",
    ERROR,
    "A route has neither route_short_name nor route_long_name.",
    topic=T,
)
sql_rule(
    BOTH_NAMES_MISSING,
    "SELECT __row AS csvRowNumber, route_id AS routeId FROM routes "
    "WHERE route_short_name IS NULL AND route_long_name IS NULL ORDER BY __row",
)

LONG_NAME_CONTAINS_SHORT = rule(
    "route_long_name_contains_short_name",
    WARNING,
    "A route's long name starts with its short name.",
    "Consumers show both names side by side; repeating the short name in the "
    "long one shows it twice. As MobilityData does, the long name counts only "
    "when it equals the short name (case aside) or continues it with a space, "
    "a dash or a parenthesis (10 - Gare, not 10bis).",
    topic=T,
)
sql_rule(
    LONG_NAME_CONTAINS_SHORT,
    """
    SELECT __row AS csvRowNumber, route_id AS routeId,
      route_short_name AS routeShortName, route_long_name AS routeLongName
    FROM routes WHERE route_short_name IS NOT NULL AND route_long_name IS NOT NULL
      AND starts_with(lower(route_long_name), lower(route_short_name))
      AND (length(route_long_name) = length(route_short_name)
        OR regexp_full_match(substr(route_long_name, length(route_short_name) + 1),
          '\\s?[\\s\\-()].*'))
    ORDER BY __row
    """,
)

SHORT_NAME_TOO_LONG = rule(
    "route_short_name_too_long",
    WARNING,
    "A route's short name has more than 12 characters.",
    topic=T,
)
sql_rule(
    SHORT_NAME_TOO_LONG,
    "SELECT __row AS csvRowNumber, route_id AS routeId, "
    "route_short_name AS routeShortName, 'routes.txt' AS filename, "
    "'route_short_name' AS fieldName FROM routes "
    "WHERE length(route_short_name) > 12 ORDER BY __row",
)

SAME_NAME_AND_DESCRIPTION = rule(
    "same_name_and_description_for_route",
    WARNING,
    "A route's description repeats one of its names.",
    topic=T,
)
sql_rule(
    SAME_NAME_AND_DESCRIPTION,
    """
    SELECT __row AS csvRowNumber, route_id AS routeId, route_desc AS routeDesc,
      CASE WHEN lower(route_desc) = lower(route_short_name)
        THEN 'route_short_name' ELSE 'route_long_name' END AS specifiedField
    FROM routes WHERE lower(route_desc) = lower(route_short_name)
      OR lower(route_desc) = lower(route_long_name)
    ORDER BY __row
    """,
)

# Rec. 601 luma of a hex colour; under 70 of difference text is hard to read.
LUMA = "(0.299 * {c}[1] + 0.587 * {c}[2] + 0.114 * {c}[3])"
RGB = (
    "[CAST(('0x' || substr({v}, 1, 2)) AS INTEGER), "
    "CAST(('0x' || substr({v}, 3, 2)) AS INTEGER), "
    "CAST(('0x' || substr({v}, 5, 2)) AS INTEGER)]"
)
COLOR_CONTRAST = rule(
    "route_color_contrast",
    WARNING,
    "A route's text colour does not contrast enough with its colour.",
    "The difference of Rec. 601 luma between route_color and route_text_color "
    "is below 70 (on a 0-255 scale).",
    topic=T,
)
sql_rule(
    COLOR_CONTRAST,
    f"""
    SELECT __row AS csvRowNumber, route_id AS routeId,
      route_color AS routeColor, route_text_color AS routeTextColor
    FROM (SELECT *, {RGB.format(v="route_color")} AS c1,
        {RGB.format(v="route_text_color")} AS c2
      FROM routes
      WHERE regexp_full_match(route_color, '[0-9A-Fa-f]{{6}}')
        AND regexp_full_match(route_text_color, '[0-9A-Fa-f]{{6}}'))
    WHERE abs({LUMA.format(c="c1")} - {LUMA.format(c="c2")}) < 70
    ORDER BY __row
    """,
)

DUPLICATE_ROUTE_NAME = rule(
    "duplicate_route_name",
    WARNING,
    "Two routes of an agency have the same names and type.",
    topic=T,
)
sql_rule(
    DUPLICATE_ROUTE_NAME,
    """
    SELECT first_row AS csvRowNumber1, __row AS csvRowNumber2,
      first_id AS routeId1, route_id AS routeId2,
      route_short_name AS routeShortName, route_long_name AS routeLongName,
      route_type AS routeTypeValue, agency_id AS agencyId
    FROM (SELECT *, first_value(__row) OVER w AS first_row,
        first_value(route_id) OVER w AS first_id FROM routes
      WINDOW w AS (PARTITION BY route_short_name, route_long_name, route_type,
        agency_id ORDER BY __row))
    WHERE __row <> first_row
    ORDER BY __row
    """,
)

UNUSED_ROUTE = rule(
    "unused_route",
    WARNING,
    "A route has no trip.",
    topic=T,
)
sql_rule(
    UNUSED_ROUTE,
    "SELECT __row AS csvRowNumber, route_id AS routeId, "
    "route_short_name AS routeShortName, route_long_name AS routeLongName "
    "FROM routes r WHERE NOT EXISTS "
    "(SELECT 1 FROM trips t WHERE t.route_id = r.route_id) ORDER BY __row",
    needs=("trips.txt",),
)

SAME_ROUTE_AND_AGENCY_URL = rule(
    "same_route_and_agency_url",
    WARNING,
    "A route's URL is its agency's home page.",
    topic=T,
)
sql_rule(
    SAME_ROUTE_AND_AGENCY_URL,
    """
    SELECT r.__row AS routeCsvRowNumber, r.route_id AS routeId,
      r.route_url AS routeUrl, a.__row AS agencyCsvRowNumber,
      a.agency_name AS agencyName
    FROM routes r JOIN agency a ON lower(a.agency_url) = lower(r.route_url)
      AND (r.agency_id IS NULL OR r.agency_id = a.agency_id)
    ORDER BY r.__row
    """,
)

MIXED_CASE = rule(
    "mixed_case_recommended_field",
    WARNING,
    "A name is not written in mixed case.",
    "Riders read names more easily in mixed case (Gare de Lyon, not GARE DE "
    "LYON). MobilityData's rule: a value is cut into words at every character "
    "that is not a letter; a single word is reported when it is longer than "
    "one letter and all in lower case; several words when none has both an "
    "upper and a lower case letter while at least two count (words of one "
    "letter do not). Checked on agency_name, stop_name, route_short_name, "
    "route_long_name, route_desc, trip_headsign, trip_short_name, level_name, "
    "signposted_as, reversed_signposted_as, network_name, location_group_name "
    "and the messages of booking_rules.txt.",
    topic=T,
)
MIXED_CASE_FIELDS = (
    ("agency.txt", "agency", "agency_name"),
    ("booking_rules.txt", "booking_rules", "message"),
    ("booking_rules.txt", "booking_rules", "pickup_message"),
    ("booking_rules.txt", "booking_rules", "drop_off_message"),
    ("levels.txt", "levels", "level_name"),
    ("location_groups.txt", "location_groups", "location_group_name"),
    ("networks.txt", "networks", "network_name"),
    ("pathways.txt", "pathways", "signposted_as"),
    ("pathways.txt", "pathways", "reversed_signposted_as"),
    ("routes.txt", "routes", "route_short_name"),
    ("routes.txt", "routes", "route_long_name"),
    ("routes.txt", "routes", "route_desc"),
    ("stops.txt", "stops", "stop_name"),
    ("trips.txt", "trips", "trip_headsign"),
    ("trips.txt", "trips", "trip_short_name"),
)


@check(MIXED_CASE)
def check_mixed_case(ctx: Context) -> None:
    """Report names with no mixed-case word (MobilityData's word rule)."""
    names = " UNION ALL ".join(
        f"SELECT '{filename}' AS filename, '{column}' AS fieldName, "
        f'"{column}" AS v, __row FROM {table} WHERE "{column}" IS NOT NULL'
        for filename, table, column in MIXED_CASE_FIELDS
        if ctx.feed.rows(filename) and ctx.feed.has_column(filename, column)
    )
    if not names:
        return
    # Java's split keeps an empty first word when the value starts with a
    # non-letter, and it counts: "1 MAIN" is reported, as MobilityData does.
    ctx.emit_query(
        MIXED_CASE,
        f"""
        WITH names AS ({names}), words AS (
          SELECT *, regexp_extract_all(v, '\\p{{L}}+') AS w,
            regexp_matches(v, '^[^\\p{{L}}]') AS lead FROM names
        ), counted AS (
          SELECT *, len(w) + CAST(lead AND len(w) > 0 AS INTEGER) AS parts,
            len(list_filter(w, lambda x: length(x) <> 1))
              + CAST(lead AND len(w) > 0 AS INTEGER) AS counted,
            len(list_filter(w, lambda x: regexp_matches(x, '\\p{{Lu}}')
              AND regexp_matches(x, '\\p{{Ll}}'))) AS mixed
          FROM words
        )
        SELECT filename, __row AS csvRowNumber, fieldName, v AS fieldValue
        FROM counted
        WHERE CASE WHEN parts = 1
          THEN length(w[1]) > 1 AND regexp_full_match(w[1], '\\p{{Ll}}+')
          ELSE counted >= 2 AND mixed = 0 END
        ORDER BY filename, __row
        """,
    )
