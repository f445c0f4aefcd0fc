"""Rules on transfers, frequencies and pathways."""

from __future__ import annotations

from fabrique.gtfs.rules.fields import MISSING_REQUIRED_FIELD
from fabrique.gtfs.rules.registry import ERROR, WARNING, rule, sql_rule

T = "Transfers, frequencies and pathways"

TRANSFER_LOCATION_TYPE = rule(
    "transfer_with_invalid_stop_location_type",
    ERROR,
    "A transfer starts or ends at a location that is not a stop or station.",
    "An in-seat transfer (transfer_type 4 or 5) may not name a station either: "
    "its riders stay in the vehicle, at a stop (MobilityData's "
    "TransfersInSeatTransferTypeValidator).",
    topic=T,
)
sql_rule(
    TRANSFER_LOCATION_TYPE,
    """
    SELECT t.__row AS csvRowNumber, f.name AS stopIdFieldName, s.stop_id AS stopId,
      COALESCE(TRY_CAST(s.location_type AS INTEGER), 0) AS locationTypeValue
    FROM transfers t,
      (VALUES ('from_stop_id'), ('to_stop_id')) f(name),
      stops s
    WHERE s.stop_id = CASE f.name WHEN 'from_stop_id' THEN t.from_stop_id
      ELSE t.to_stop_id END
      AND (COALESCE(TRY_CAST(s.location_type AS INTEGER), 0) NOT IN (0, 1)
        OR (TRY_CAST(s.location_type AS INTEGER) = 1
          AND TRY_CAST(t.transfer_type AS INTEGER) IN (4, 5)))
    ORDER BY t.__row, f.name
    """,
    needs=("transfers.txt",),
)

# from_stop_id and to_stop_id are required unless the transfer is in-seat
# (transfer_type 4 or 5), from_trip_id and to_trip_id when it is, as
# MobilityData's TransferStopIdsConditionalValidator and
# TransfersInSeatTransferTypeValidator check: a row without a transfer_type
# is not checked.
sql_rule(
    MISSING_REQUIRED_FIELD,
    """
    SELECT 'transfers.txt' AS filename, t.__row AS csvRowNumber,
      f.name AS fieldName
    FROM transfers t, (VALUES ('from_stop_id', false), ('to_stop_id', false),
      ('from_trip_id', true), ('to_trip_id', true)) f(name, in_seat)
    WHERE (TRY_CAST(t.transfer_type AS INTEGER) IN (4, 5)) = f.in_seat
      AND CASE f.name WHEN 'from_stop_id' THEN t.from_stop_id
        WHEN 'to_stop_id' THEN t.to_stop_id
        WHEN 'from_trip_id' THEN t.from_trip_id
        ELSE t.to_trip_id END IS NULL
    ORDER BY t.__row, f.name
    """,
    needs=("transfers.txt",),
    name="transfer_ids_required",
)

TRANSFER_TRIP_ROUTE = rule(
    "transfer_with_invalid_trip_and_route",
    ERROR,
    "A transfer names a trip that does not belong to the route it names.",
    topic=T,
)
sql_rule(
    TRANSFER_TRIP_ROUTE,
    """
    SELECT x.__row AS csvRowNumber, x.trip_field AS tripFieldName,
      x.trip_id AS tripId, x.route_field AS routeFieldName, x.route_id AS routeId,
      t.route_id AS expectedRouteId
    FROM (
      SELECT __row, 'from_trip_id' AS trip_field, from_trip_id AS trip_id,
        'from_route_id' AS route_field, from_route_id AS route_id FROM transfers
      UNION ALL
      SELECT __row, 'to_trip_id', to_trip_id, 'to_route_id', to_route_id
      FROM transfers
    ) x JOIN trips t ON t.trip_id = x.trip_id
    WHERE x.route_id IS NOT NULL AND t.route_id <> x.route_id
    ORDER BY x.__row
    """,
    needs=("transfers.txt",),
)

OVERLAPPING_FREQUENCY = rule(
    "overlapping_frequency",
    ERROR,
    "Two frequency periods of a trip overlap.",
    topic=T,
)
sql_rule(
    OVERLAPPING_FREQUENCY,
    """
    SELECT trip_id AS tripId, prev_row AS prevCsvRowNumber,
      prev_end AS prevEndTime, __row AS currCsvRowNumber,
      start_time AS currStartTime
    FROM (SELECT __row, trip_id, start_time,
        lag(__row) OVER w AS prev_row, lag(end_time) OVER w AS prev_end,
        gtfs_seconds(start_time) AS s, lag(gtfs_seconds(end_time)) OVER w AS pe
      FROM frequencies WINDOW w AS (PARTITION BY trip_id
        ORDER BY gtfs_seconds(start_time), __row))
    WHERE s < pe ORDER BY __row
    """,
    needs=("frequencies.txt",),
)

PATHWAY_LOOP = rule(
    "pathway_loop",
    WARNING,
    "A pathway starts and ends at the same location.",
    topic=T,
)
sql_rule(
    PATHWAY_LOOP,
    "SELECT __row AS csvRowNumber, pathway_id AS pathwayId, "
    "from_stop_id AS stopId FROM pathways WHERE from_stop_id = to_stop_id "
    "ORDER BY __row",
)

PATHWAY_WRONG_TYPE = rule(
    "pathway_to_wrong_location_type",
    ERROR,
    "A pathway starts or ends at a station.",
    "Pathways link platforms, entrances, generic nodes and boarding areas; a "
    "station (location_type 1) is not a place one walks to.",
    topic=T,
)
sql_rule(
    PATHWAY_WRONG_TYPE,
    """
    SELECT p.__row AS csvRowNumber, p.pathway_id AS pathwayId,
      CASE WHEN s.stop_id = p.from_stop_id THEN 'from_stop_id'
        ELSE 'to_stop_id' END AS fieldName, s.stop_id AS stopId
    FROM pathways p JOIN stops s
      ON s.stop_id = p.from_stop_id OR s.stop_id = p.to_stop_id
    WHERE s.location_type = '1' ORDER BY p.__row
    """,
    needs=("pathways.txt",),
)

BIDIRECTIONAL_EXIT_GATE = rule(
    "bidirectional_exit_gate",
    ERROR,
    "An exit gate pathway (mode 7) is marked bidirectional.",
    topic=T,
)
sql_rule(
    BIDIRECTIONAL_EXIT_GATE,
    "SELECT __row AS csvRowNumber, pathway_mode AS pathwayMode, "
    "is_bidirectional AS isBidirectional FROM pathways "
    "WHERE pathway_mode = '7' AND is_bidirectional = '1' ORDER BY __row",
)

ATTRIBUTION_WITHOUT_ROLE = rule(
    "attribution_without_role",
    WARNING,
    "An attribution gives the organisation no role.",
    "At least one of is_producer, is_operator and is_authority must be 1.",
    topic=T,
)
sql_rule(
    ATTRIBUTION_WITHOUT_ROLE,
    "SELECT __row AS csvRowNumber, attribution_id AS attributionId "
    "FROM attributions WHERE COALESCE(is_producer, '0') <> '1' "
    "AND COALESCE(is_operator, '0') <> '1' AND COALESCE(is_authority, '0') <> '1' "
    "ORDER BY __row",
)

TRANSLATION_UNKNOWN_TABLE = rule(
    "translation_unknown_table_name",
    WARNING,
    "A translation names a table that cannot be translated.",
    topic=T,
)
sql_rule(
    TRANSLATION_UNKNOWN_TABLE,
    "SELECT __row AS csvRowNumber, table_name AS tableName FROM translations "
    "WHERE table_name NOT IN ('agency', 'stops', 'routes', 'trips', 'stop_times', "
    "'pathways', 'levels', 'feed_info', 'attributions') ORDER BY __row",
)
