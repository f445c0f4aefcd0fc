"""Rules on fares (Fares V2 transfer rules and products)."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, WARNING, rule, sql_rule

T = "Fares"

INVALID_TRANSFER_COUNT = rule(
    "fare_transfer_rule_invalid_transfer_count",
    ERROR,
    "transfer_count is below -1 or zero.",
    "-1 means unlimited transfers, otherwise it is at least 1.",
    topic=T,
)
sql_rule(
    INVALID_TRANSFER_COUNT,
    "SELECT __row AS csvRowNumber, TRY_CAST(transfer_count AS BIGINT) AS "
    "transferCount FROM fare_transfer_rules "
    "WHERE TRY_CAST(transfer_count AS BIGINT) < -1 "
    "OR TRY_CAST(transfer_count AS BIGINT) = 0 ORDER BY __row",
)

WITHOUT_TRANSFER_COUNT = rule(
    "fare_transfer_rule_without_transfer_count",
    ERROR,
    "A transfer rule within one leg group has no transfer_count.",
    topic=T,
)
sql_rule(
    WITHOUT_TRANSFER_COUNT,
    "SELECT __row AS csvRowNumber FROM fare_transfer_rules "
    "WHERE from_leg_group_id = to_leg_group_id AND transfer_count IS NULL "
    "ORDER BY __row",
)

FORBIDDEN_TRANSFER_COUNT = rule(
    "fare_transfer_rule_with_forbidden_transfer_count",
    ERROR,
    "A transfer rule between different leg groups has a transfer_count.",
    topic=T,
)
sql_rule(
    FORBIDDEN_TRANSFER_COUNT,
    "SELECT __row AS csvRowNumber FROM fare_transfer_rules "
    "WHERE from_leg_group_id IS DISTINCT FROM to_leg_group_id "
    "AND transfer_count IS NOT NULL ORDER BY __row",
)

DURATION_WITHOUT_TYPE = rule(
    "fare_transfer_rule_duration_limit_without_type",
    ERROR,
    "A transfer rule has a duration_limit but no duration_limit_type.",
    topic=T,
)
sql_rule(
    DURATION_WITHOUT_TYPE,
    "SELECT __row AS csvRowNumber FROM fare_transfer_rules "
    "WHERE duration_limit IS NOT NULL AND duration_limit_type IS NULL "
    "ORDER BY __row",
)

TYPE_WITHOUT_DURATION = rule(
    "fare_transfer_rule_duration_limit_type_without_duration_limit",
    ERROR,
    "A transfer rule has a duration_limit_type but no duration_limit.",
    topic=T,
)
sql_rule(
    TYPE_WITHOUT_DURATION,
    "SELECT __row AS csvRowNumber FROM fare_transfer_rules "
    "WHERE duration_limit IS NULL AND duration_limit_type IS NOT NULL "
    "ORDER BY __row",
)

MULTIPLE_DEFAULT_CATEGORIES = rule(
    "fare_product_with_multiple_default_rider_categories",
    ERROR,
    "A fare product is offered to two default rider categories.",
    topic=T,
)
sql_rule(
    MULTIPLE_DEFAULT_CATEGORIES,
    """
    SELECT a.__row AS csvRowNumber1, b.__row AS csvRowNumber2,
      a.fare_product_id AS fareProductId, a.rider_category_id AS riderCategoryId1,
      b.rider_category_id AS riderCategoryId2
    FROM fare_products a JOIN fare_products b
      ON a.fare_product_id = b.fare_product_id AND a.__row < b.__row
    JOIN rider_categories ca ON ca.rider_category_id = a.rider_category_id
    JOIN rider_categories cb ON cb.rider_category_id = b.rider_category_id
    WHERE ca.is_default_fare_category = '1' AND cb.is_default_fare_category = '1'
      AND a.rider_category_id <> b.rider_category_id
    ORDER BY a.__row
    """,
)

DUPLICATE_FARE_MEDIA = rule(
    "duplicate_fare_media",
    WARNING,
    "Two fare media have the same name and type.",
    topic=T,
)
sql_rule(
    DUPLICATE_FARE_MEDIA,
    """
    SELECT a.__row AS csvRowNumber1, b.__row AS csvRowNumber2,
      a.fare_media_id AS fareMediaId1, b.fare_media_id AS fareMediaId2
    FROM fare_media a JOIN fare_media b ON a.__row < b.__row
      AND a.fare_media_name IS NOT DISTINCT FROM b.fare_media_name
      AND a.fare_media_type = b.fare_media_type
    ORDER BY b.__row
    """,
)
