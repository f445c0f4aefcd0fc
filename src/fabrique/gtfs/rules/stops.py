"""Rules on stops.txt: hierarchy of locations, positions and use."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, INFO, WARNING, rule, sql_rule

T = "Stops"

STOPS = """(SELECT *, COALESCE(TRY_CAST(location_type AS INTEGER), 0) AS lt,
  TRY_CAST(stop_lat AS DOUBLE) AS lat, TRY_CAST(stop_lon AS DOUBLE) AS lon
  FROM stops)"""

WRONG_PARENT = rule(
    "wrong_parent_location_type",
    ERROR,
    "A location's parent_station has the wrong location_type.",
    "Stops, entrances and generic nodes have a station (1) as parent; boarding "
    "areas (4) have a platform (0).",
    topic=T,
)
sql_rule(
    WRONG_PARENT,
    f"""
    SELECT c.__row AS csvRowNumber, c.stop_id AS stopId, c.stop_name AS stopName,
      c.lt AS locationType, p.__row AS parentCsvRowNumber,
      c.parent_station AS parentStation, p.stop_name AS parentStopName,
      p.lt AS parentLocationType,
      CASE WHEN c.lt = 4 THEN 0 ELSE 1 END AS expectedLocationType
    FROM {STOPS} c JOIN {STOPS} p ON p.stop_id = c.parent_station
    WHERE p.lt <> CASE WHEN c.lt = 4 THEN 0 ELSE 1 END AND c.lt <> 1
    ORDER BY c.__row
    """,
)

STATION_WITH_PARENT = rule(
    "station_with_parent_station",
    ERROR,
    "A station (location_type 1) has a parent_station.",
    topic=T,
)
sql_rule(
    STATION_WITH_PARENT,
    f"SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName, "
    f"parent_station AS parentStation FROM {STOPS} "
    f"WHERE lt = 1 AND parent_station IS NOT NULL ORDER BY __row",
)

LOCATION_WITHOUT_PARENT = rule(
    "location_without_parent_station",
    ERROR,
    "An entrance, generic node or boarding area has no parent_station.",
    topic=T,
)
sql_rule(
    LOCATION_WITHOUT_PARENT,
    f"SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName, "
    f"lt AS locationType FROM {STOPS} "
    f"WHERE lt IN (2, 3, 4) AND parent_station IS NULL ORDER BY __row",
)

STOP_WITHOUT_LOCATION = rule(
    "stop_without_location",
    ERROR,
    "A stop, station or entrance has no latitude or longitude.",
    topic=T,
)
sql_rule(
    STOP_WITHOUT_LOCATION,
    f"SELECT __row AS csvRowNumber, stop_id AS stopId, lt AS locationType "
    f"FROM {STOPS} WHERE lt IN (0, 1, 2) "
    f"AND (stop_lat IS NULL OR stop_lon IS NULL) ORDER BY __row",
)

MISSING_STOP_NAME = rule(
    "missing_stop_name",
    ERROR,
    "A stop, station or entrance has no stop_name.",
    topic=T,
)
sql_rule(
    MISSING_STOP_NAME,
    f"SELECT __row AS csvRowNumber, stop_id AS stopId, lt AS locationType "
    f"FROM {STOPS} WHERE lt IN (0, 1, 2) AND stop_name IS NULL ORDER BY __row",
)

POINTS = f"""
  SELECT 'stops.txt' AS filename, __row AS csvRowNumber, stop_id AS entityId,
    'stop_lat' AS latFieldName, lat AS latFieldValue,
    'stop_lon' AS lonFieldName, lon AS lonFieldValue FROM {STOPS}
  UNION ALL
  SELECT 'shapes.txt', __row, shape_id, 'shape_pt_lat',
    TRY_CAST(shape_pt_lat AS DOUBLE), 'shape_pt_lon',
    TRY_CAST(shape_pt_lon AS DOUBLE) FROM shapes
"""
POINT_NEAR_ORIGIN = rule(
    "point_near_origin",
    ERROR,
    "A stop or shape point lies within one degree of (0, 0).",
    "Almost always coordinates left at zero, or latitude and longitude empty.",
    topic=T,
)
sql_rule(
    POINT_NEAR_ORIGIN,
    f"SELECT * FROM ({POINTS}) WHERE abs(latFieldValue) <= 1 "
    f"AND abs(lonFieldValue) <= 1 ORDER BY filename, csvRowNumber",
)
POINT_NEAR_POLE = rule(
    "point_near_pole",
    ERROR,
    "A stop or shape point lies within one degree of a pole.",
    "Usually latitude and longitude swapped.",
    topic=T,
)
sql_rule(
    POINT_NEAR_POLE,
    f"SELECT * FROM ({POINTS}) WHERE abs(latFieldValue) >= 89 "
    f"ORDER BY filename, csvRowNumber",
)

STOP_WITHOUT_STOP_TIME = rule(
    "stop_without_stop_time",
    WARNING,
    "A stop (location_type 0) is served by no trip.",
    topic=T,
)
sql_rule(
    STOP_WITHOUT_STOP_TIME,
    f"""
    SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName
    FROM {STOPS} s WHERE lt = 0
      AND NOT EXISTS (SELECT 1 FROM stop_times t WHERE t.stop_id = s.stop_id)
      AND NOT EXISTS (SELECT 1 FROM location_group_stops g
        WHERE g.stop_id = s.stop_id AND g.location_group_id IN (
          SELECT location_group_id FROM stop_times))
    ORDER BY __row
    """,
    loaded=("stop_times.txt",),
)

UNUSED_STATION = rule(
    "unused_station",
    INFO,
    "A station has no child location.",
    topic=T,
)
sql_rule(
    UNUSED_STATION,
    f"""
    SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName
    FROM {STOPS} s WHERE lt = 1 AND NOT EXISTS (
      SELECT 1 FROM stops c WHERE c.parent_station = s.stop_id)
    ORDER BY __row
    """,
)

UNEXPECTED_STOP_TIME = rule(
    "location_with_unexpected_stop_time",
    ERROR,
    "A stop time refers to a station, entrance, node or boarding area.",
    "Only stops and platforms (location_type 0) are served by trips.",
    topic=T,
)
sql_rule(
    UNEXPECTED_STOP_TIME,
    f"""
    SELECT s.__row AS csvRowNumber, t.__row AS stopTimeCsvRowNumber,
      t.stop_id AS stopId, s.stop_name AS stopName
    FROM stop_times t JOIN {STOPS} s ON s.stop_id = t.stop_id
    WHERE s.lt <> 0 ORDER BY t.__row
    """,
)

SAME_NAME_AND_DESCRIPTION = rule(
    "same_name_and_description_for_stop",
    WARNING,
    "A stop's description repeats its name.",
    "stop_desc should add information (where the stop is), not repeat the name.",
    topic=T,
)
sql_rule(
    SAME_NAME_AND_DESCRIPTION,
    "SELECT __row AS csvRowNumber, stop_id AS stopId, stop_desc AS stopDesc "
    "FROM stops WHERE lower(stop_desc) = lower(stop_name) ORDER BY __row",
)

PLATFORM_WITHOUT_PARENT = rule(
    "platform_without_parent_station",
    INFO,
    "A platform (a stop with a platform_code) has no parent station.",
    topic=T,
)
sql_rule(
    PLATFORM_WITHOUT_PARENT,
    f"SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName "
    f"FROM {STOPS} WHERE lt = 0 AND platform_code IS NOT NULL "
    f"AND parent_station IS NULL ORDER BY __row",
)

STOP_WITHOUT_ZONE = rule(
    "stop_without_zone_id",
    INFO,
    "A stop has no zone_id while fare rules use zones.",
    topic=T,
)
sql_rule(
    STOP_WITHOUT_ZONE,
    f"""
    SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName
    FROM {STOPS} WHERE lt = 0 AND zone_id IS NULL AND EXISTS (
      SELECT 1 FROM fare_rules WHERE origin_id IS NOT NULL
        OR destination_id IS NOT NULL OR contains_id IS NOT NULL)
      AND stop_id IN (SELECT stop_id FROM stop_times)
    ORDER BY __row
    """,
    needs=("fare_rules.txt",),
)

SAME_STOP_AND_AGENCY_URL = rule(
    "same_stop_and_agency_url",
    WARNING,
    "A stop's URL is its agency's home page.",
    "stop_url should point to a page about the stop.",
    topic=T,
)
sql_rule(
    SAME_STOP_AND_AGENCY_URL,
    """
    SELECT s.__row AS stopCsvRowNumber, s.stop_id AS stopId, s.stop_url AS stopUrl,
      a.__row AS agencyCsvRowNumber, a.agency_name AS agencyName
    FROM stops s JOIN agency a ON lower(a.agency_url) = lower(s.stop_url)
    ORDER BY s.__row
    """,
)

MISSING_LEVEL_ID = rule(
    "missing_level_id",
    ERROR,
    "A location has no level_id while the feed describes levels.",
    "When levels.txt is present, locations linked by pathways need a level_id.",
    topic=T,
)
sql_rule(
    MISSING_LEVEL_ID,
    """
    SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName
    FROM stops s WHERE level_id IS NULL AND EXISTS (
      SELECT 1 FROM pathways p WHERE p.from_stop_id = s.stop_id
        OR p.to_stop_id = s.stop_id)
    ORDER BY __row
    """,
    needs=("levels.txt", "pathways.txt"),
)
