"""Rules on feed_info.txt: one row, dates, contact, language."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import WARNING, rule, sql_rule

T = "Feed information"

MORE_THAN_ONE_ENTITY = rule(
    "more_than_one_entity",
    WARNING,
    "feed_info.txt has more than one row.",
    "The file describes the whole feed: one row only.",
    topic=T,
)
sql_rule(
    MORE_THAN_ONE_ENTITY,
    "SELECT 'feed_info.txt' AS filename, count(*) AS entityCount FROM feed_info "
    "HAVING count(*) > 1",
)

MISSING_DATE = rule(
    "missing_feed_info_date",
    WARNING,
    "feed_info.txt gives one of feed_start_date and feed_end_date, not both.",
    topic=T,
)
sql_rule(
    MISSING_DATE,
    """
    SELECT __row AS csvRowNumber, CASE WHEN feed_start_date IS NULL
      THEN 'feed_start_date' ELSE 'feed_end_date' END AS fieldName
    FROM feed_info WHERE (feed_start_date IS NULL) <> (feed_end_date IS NULL)
    """,
)

MISSING_CONTACT = rule(
    "missing_feed_contact_email_and_url",
    WARNING,
    "feed_info.txt gives neither a contact email nor a contact URL.",
    "Consumers need a way to report problems with the data.",
    topic=T,
)
sql_rule(
    MISSING_CONTACT,
    "SELECT __row AS csvRowNumber FROM feed_info "
    "WHERE feed_contact_email IS NULL AND feed_contact_url IS NULL",
)

LANG_MISMATCH = rule(
    "feed_info_lang_and_agency_lang_mismatch",
    WARNING,
    "feed_lang differs from an agency's agency_lang.",
    "Unless feed_lang is `mul` (several languages).",
    topic=T,
)
sql_rule(
    LANG_MISMATCH,
    """
    SELECT a.__row AS csvRowNumber, a.agency_id AS agencyId,
      a.agency_name AS agencyName, a.agency_lang AS agencyLang,
      f.feed_lang AS feedLang
    FROM agency a, (SELECT feed_lang FROM feed_info ORDER BY __row LIMIT 1) f
    WHERE a.agency_lang IS NOT NULL AND lower(f.feed_lang) <> 'mul'
      AND lower(a.agency_lang) <> lower(f.feed_lang)
    ORDER BY a.__row
    """,
)
