"""Rules on pathways.txt: dangling nodes, endpoints, reachability, stop access."""

from __future__ import annotations

from collections import defaultdict, deque

from fabrique.gtfs.rules.registry import ERROR, WARNING, Context, check, rule, sql_rule

T = "Transfers, frequencies and pathways"
LOCATION_TYPE = "COALESCE(TRY_CAST(location_type AS INTEGER), 0)"

DANGLING = rule(
    "pathway_dangling_generic_node",
    WARNING,
    "A generic node of a station is joined by pathways to one location only.",
    "A node is where pathways meet; with a single neighbour it leads nowhere.",
    topic=T,
)
sql_rule(
    DANGLING,
    f"""
    WITH ends AS (
      SELECT from_stop_id AS node, to_stop_id AS other FROM pathways
      UNION SELECT to_stop_id, from_stop_id FROM pathways
    )
    SELECT s.__row AS csvRowNumber, s.stop_id AS stopId, s.stop_name AS stopName,
      s.parent_station AS parentStation
    FROM stops s JOIN ends e ON e.node = s.stop_id
    WHERE {LOCATION_TYPE.replace("location_type", "s.location_type")} = 3
    GROUP BY s.__row, s.stop_id, s.stop_name, s.parent_station
    HAVING count(DISTINCT e.other) = 1 ORDER BY s.__row
    """,
    needs=("pathways.txt",),
)

TO_PLATFORM_WITH_AREAS = rule(
    "pathway_to_platform_with_boarding_areas",
    ERROR,
    "A pathway ends at a platform that has boarding areas.",
    "Pathways must then reach the boarding areas, not the platform itself.",
    topic=T,
)
sql_rule(
    TO_PLATFORM_WITH_AREAS,
    f"""
    SELECT p.__row AS csvRowNumber, p.pathway_id AS pathwayId, f.name AS fieldName,
      s.stop_id AS stopId
    FROM pathways p, (VALUES ('from_stop_id'), ('to_stop_id')) f(name), stops s
    WHERE s.stop_id = CASE f.name WHEN 'from_stop_id' THEN p.from_stop_id
        ELSE p.to_stop_id END
      AND {LOCATION_TYPE.replace("location_type", "s.location_type")} = 0
      AND EXISTS (SELECT 1 FROM stops c WHERE c.parent_station = s.stop_id)
    ORDER BY p.__row, f.name DESC
    """,
    needs=("pathways.txt",),
)

ACCESS_OUTSIDE = rule(
    "pathway_to_stop_with_access_outside_of_station_pathways",
    ERROR,
    "A pathway reaches a stop whose stop_access says it is reached from the street.",
    "stop_access = 1 means the stop is not reached through the station's "
    "pathways; a pathway to it contradicts that.",
    topic=T,
)
sql_rule(
    ACCESS_OUTSIDE,
    """
    SELECT p.__row AS csvRowNumber, s.platform_code AS platformCode,
      p.pathway_id AS pathwayId, s.stop_id AS stopId
    FROM pathways p, (VALUES (0, 'from'), (1, 'to')) f(k, name), stops s
    WHERE s.stop_id = CASE f.name WHEN 'from' THEN p.from_stop_id
        ELSE p.to_stop_id END
      AND TRY_CAST(s.stop_access AS INTEGER) = 1
      AND NOT (f.k = 1 AND p.to_stop_id = p.from_stop_id)
    ORDER BY p.__row, f.k
    """,
    needs=("pathways.txt",),
)

UNREACHABLE = rule(
    "pathway_unreachable_location",
    ERROR,
    "A location of a station with pathways cannot be reached from an entrance, "
    "or cannot reach an exit.",
    "Platforms without boarding areas, boarding areas and generic nodes of a "
    "station that has pathways must be joined to its entrances both ways.",
    topic=T,
)


@check(UNREACHABLE)
def pathway_unreachable_location(ctx: Context) -> None:
    if not ctx.has("pathways.txt"):
        return
    con = ctx.feed.con
    stops = con.execute(
        f"SELECT __row, stop_id, stop_name, {LOCATION_TYPE}, parent_station "
        "FROM stops ORDER BY __row"
    ).fetchall()
    parent = {row[1]: row[4] for row in stops}
    kind = {row[1]: row[3] for row in stops}
    children = {row[4] for row in stops if row[4] is not None}
    forward: dict[str, list[str]] = defaultdict(list)
    backward: dict[str, list[str]] = defaultdict(list)
    endpoints: set[str] = set()
    for a, b, two_way in con.execute(
        "SELECT from_stop_id, to_stop_id, TRY_CAST(is_bidirectional AS INTEGER) = 1 "
        "FROM pathways WHERE from_stop_id IS NOT NULL AND to_stop_id IS NOT NULL"
    ).fetchall():
        endpoints.update((a, b))
        forward[a].append(b)
        backward[b].append(a)
        if two_way:
            forward[b].append(a)
            backward[a].append(b)

    def station(stop_id: str | None) -> str | None:
        seen = set()
        while stop_id is not None and stop_id not in seen:
            seen.add(stop_id)
            if kind.get(stop_id) == 1:
                return stop_id
            stop_id = parent.get(stop_id)
        return None

    def reach(edges: dict[str, list[str]]) -> set[str]:
        start = [s for s, k in kind.items() if k == 2]
        seen, queue = set(start), deque(start)
        while queue:
            for nxt in edges.get(queue.popleft(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    with_pathways = {station(s) for s in endpoints} - {None}
    from_entrances, to_exits = reach(forward), reach(backward)
    for row, stop_id, name, location_type, parent_station in stops:
        if station(stop_id) not in with_pathways:
            continue
        if not (
            location_type in (3, 4) or (location_type == 0 and stop_id not in children)
        ):
            continue
        entrance, exit_ = stop_id in from_entrances, stop_id in to_exits
        if not (entrance and exit_):
            ctx.emit(
                UNREACHABLE,
                csvRowNumber=row,
                stopId=stop_id,
                stopName=name,
                locationType=location_type,
                parentStation=parent_station,
                hasEntrance=entrance,
                hasExit=exit_,
            )
