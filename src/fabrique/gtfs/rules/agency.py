"""Rules on agency.txt: one time zone, one language, ids when needed."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, WARNING, rule, sql_rule

T = "Agencies"

INCONSISTENT_TIMEZONE = rule(
    "inconsistent_agency_timezone",
    ERROR,
    "The agencies of a feed have different time zones.",
    "All agencies of a feed must share one agency_timezone.",
    topic=T,
)
sql_rule(
    INCONSISTENT_TIMEZONE,
    """
    SELECT __row AS csvRowNumber,
      (SELECT agency_timezone FROM agency ORDER BY __row LIMIT 1) AS expected,
      agency_timezone AS actual
    FROM agency WHERE agency_timezone IS NOT NULL AND agency_timezone <>
      (SELECT agency_timezone FROM agency ORDER BY __row LIMIT 1)
    ORDER BY __row
    """,
)

INCONSISTENT_LANG = rule(
    "inconsistent_agency_lang",
    WARNING,
    "The agencies of a feed have different languages.",
    topic=T,
)
sql_rule(
    INCONSISTENT_LANG,
    """
    SELECT __row AS csvRowNumber,
      (SELECT lower(agency_lang) FROM agency WHERE agency_lang IS NOT NULL
        ORDER BY __row LIMIT 1) AS expected,
      lower(agency_lang) AS actual
    FROM agency WHERE agency_lang IS NOT NULL AND lower(agency_lang) <>
      (SELECT lower(agency_lang) FROM agency WHERE agency_lang IS NOT NULL
        ORDER BY __row LIMIT 1)
    ORDER BY __row
    """,
)

MISSING_AGENCY_ID = rule(
    "missing_required_agency_id",
    ERROR,
    "agency_id is empty while the feed has several agencies.",
    "With more than one agency, every agency and every route (and Fares V1 "
    "fare) must name its agency_id.",
    topic=T,
)
sql_rule(
    MISSING_AGENCY_ID,
    """
    SELECT * FROM (
      SELECT 'agency.txt' AS filename, __row AS csvRowNumber,
        agency_name AS agencyName FROM agency WHERE agency_id IS NULL
      UNION ALL
      SELECT 'routes.txt', __row, NULL FROM routes WHERE agency_id IS NULL
      UNION ALL
      SELECT 'fare_attributes.txt', __row, NULL FROM fare_attributes
        WHERE agency_id IS NULL
    ) WHERE (SELECT count(*) FROM agency) > 1 ORDER BY filename, csvRowNumber
    """,
)

MISSING_RECOMMENDED_FIELD = rule(
    "missing_recommended_field",
    WARNING,
    "A recommended value is empty.",
    "agency_id is recommended in agency.txt, routes.txt and "
    "fare_attributes.txt even when the feed has one agency, so that feeds can "
    "be merged; feed_start_date, feed_end_date and feed_version in "
    "feed_info.txt. As MobilityData does, a recommended column absent from "
    "the header is an empty value on every row.",
    topic=T,
)
sql_rule(
    MISSING_RECOMMENDED_FIELD,
    """
    SELECT * FROM (
      SELECT 'agency.txt' AS filename, __row AS csvRowNumber,
        'agency_id' AS fieldName FROM agency WHERE agency_id IS NULL
      UNION ALL
      SELECT 'routes.txt', __row, 'agency_id' FROM routes WHERE agency_id IS NULL
      UNION ALL
      SELECT 'fare_attributes.txt', __row, 'agency_id' FROM fare_attributes
        WHERE agency_id IS NULL
    ) WHERE (SELECT count(*) FROM agency) = 1
    ORDER BY filename, csvRowNumber
    """,
    name="missing_recommended_field (agency_id)",
)
# A query of its own: feed_info's values are checked even when agency.txt,
# which drives the query above, is absent or empty.
sql_rule(
    MISSING_RECOMMENDED_FIELD,
    """
    SELECT 'feed_info.txt' AS filename, __row AS csvRowNumber, field AS fieldName
    FROM (
      SELECT __row, 'feed_start_date' AS field FROM feed_info
        WHERE feed_start_date IS NULL
      UNION ALL
      SELECT __row, 'feed_end_date' FROM feed_info WHERE feed_end_date IS NULL
      UNION ALL
      SELECT __row, 'feed_version' FROM feed_info WHERE feed_version IS NULL
    )
    ORDER BY csvRowNumber, fieldName
    """,
    name="missing_recommended_field (feed_info)",
)

UNUSED_AGENCY = rule(
    "unused_agency",
    WARNING,
    "An agency operates no route.",
    topic=T,
)
sql_rule(
    UNUSED_AGENCY,
    """
    SELECT __row AS csvRowNumber, agency_id AS agencyId, agency_name AS agencyName
    FROM agency a WHERE (SELECT count(*) FROM agency) > 1 AND NOT EXISTS (
      SELECT 1 FROM routes r WHERE r.agency_id = a.agency_id)
    ORDER BY __row
    """,
    needs=("routes.txt",),
)
