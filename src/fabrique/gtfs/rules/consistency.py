"""Cross-file consistency rules: URLs, networks, stop access, bikes on ferries."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, WARNING, Context, check, rule, sql_rule

SAME_STOP_ROUTE_URL = rule(
    "same_stop_and_route_url",
    WARNING,
    "A stop's stop_url is the route_url of a route.",
    "A stop page should describe the stop, not a line; compared without case.",
    topic="Stops and stations",
)
sql_rule(
    SAME_STOP_ROUTE_URL,
    """
    SELECT s.__row AS stopCsvRowNumber, s.stop_id AS stopId, s.stop_url AS stopUrl,
      r.route_id AS routeId, r.__row AS routeCsvRowNumber
    FROM stops s JOIN routes r ON lower(r.route_url) = lower(s.stop_url)
    WHERE s.stop_url IS NOT NULL ORDER BY s.__row, r.__row
    """,
    needs=("routes.txt",),
)

NETWORKS_TWICE = rule(
    "route_networks_specified_in_more_than_one_file",
    ERROR,
    "routes.network_id is given while networks.txt or route_networks.txt exists.",
    "The reference forbids routes.network_id when route_networks.txt is "
    "present; MobilityData also reports it when networks.txt is present.",
    topic="Routes",
)


@check(NETWORKS_TWICE)
def route_networks_in_two_files(ctx: Context) -> None:
    if not ctx.feed.has_column("routes.txt", "network_id"):
        return
    for other in ("route_networks.txt", "networks.txt"):
        if ctx.feed.present(other):
            ctx.emit(
                NETWORKS_TWICE,
                fileNameA="routes.txt",
                fileNameB=other,
                fieldName="network_id",
            )


LOCATION_TYPE = "COALESCE(TRY_CAST(location_type AS INTEGER), 0)"
ACCESS_NO_PARENT = rule(
    "stop_access_specified_for_stop_with_no_parent_station",
    ERROR,
    "stop_access is given for a stop that has no parent station.",
    "stop_access describes how a stop of a station is reached; it is "
    "forbidden without parent_station.",
    topic="Stops and stations",
)
sql_rule(
    ACCESS_NO_PARENT,
    f"""
    SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName,
      stop_access AS stopAccess, {LOCATION_TYPE} AS locationType
    FROM stops WHERE stop_access IS NOT NULL AND {LOCATION_TYPE} = 0
      AND parent_station IS NULL ORDER BY __row
    """,
)
ACCESS_WRONG_TYPE = rule(
    "stop_access_specified_for_incorrect_location",
    ERROR,
    "stop_access is given for a location that is not a stop.",
    "Only stops and platforms (location_type 0) may have stop_access.",
    topic="Stops and stations",
)
sql_rule(
    ACCESS_WRONG_TYPE,
    f"""
    SELECT __row AS csvRowNumber, stop_id AS stopId, stop_name AS stopName,
      stop_access AS stopAccess, {LOCATION_TYPE} AS locationType
    FROM stops WHERE stop_access IS NOT NULL AND {LOCATION_TYPE} <> 0
    ORDER BY __row
    """,
)

MISSING_BIKES = rule(
    "missing_bike_allowance",
    WARNING,
    "A ferry trip does not say whether bikes are allowed.",
    "bikes_allowed is recommended for ferries (route_type 4).",
    topic="Trips",
)
sql_rule(
    MISSING_BIKES,
    """
    SELECT t.__row AS csvRowNumber, t.route_id AS routeId, t.trip_id AS tripId
    FROM trips t JOIN routes r ON r.route_id = t.route_id
    WHERE TRY_CAST(r.route_type AS INTEGER) = 4
      AND COALESCE(TRY_CAST(t.bikes_allowed AS INTEGER), 0) NOT IN (1, 2)
    ORDER BY t.__row
    """,
    needs=("routes.txt",),
)
