"""Matching the stops of each trip to its shape, in order, as MobilityData does.

For every shape and each distinct stop pattern of the trips that use it, each
stop gets its candidate places on the shape (the local minima of its distance
to the shape within 100 m, 400 m for the first and last stop of a rail trip);
a dynamic programme then picks one candidate per stop so that the distance
along the shape never decreases. When none fits, the stops match the shape out
of order. Feeds that give ``shape_dist_traveled`` on both files are matched a
second time by those distances. Distances are computed on a local flat
projection of each shape (a few centimetres from the sphere at these scales).
"""

from __future__ import annotations

from fabrique.gtfs.rules.registry import WARNING, Context, check, rule

T = "Shapes"
RAIL = 2

OUT_OF_ORDER = rule(
    "stops_match_shape_out_of_order",
    WARNING,
    "The stops of a trip match its shape in another order than the trip's.",
    "No choice of a place on the shape for each stop keeps the distance along "
    "the shape growing from one stop to the next.",
    topic=T,
)
TOO_MANY = rule(
    "stop_has_too_many_matches_for_shape",
    WARNING,
    "A stop lies within 100 m of more than 20 separate parts of its trip's shape.",
    "The shape loops around the stop so often that its place on the trip "
    "cannot be told.",
    topic=T,
)
TOO_FAR_USER = rule(
    "stop_too_far_from_shape_using_user_distance",
    WARNING,
    "A stop is more than 100 m from the point of the shape at its shape_dist_traveled.",
    "Placed on the shape by the shape_dist_traveled of its stop time, the stop "
    "is far from where it really is: the distances of stop_times.txt and "
    "shapes.txt disagree.",
    topic=T,
)


@check(OUT_OF_ORDER, TOO_MANY, TOO_FAR_USER)
def stops_match_shapes(ctx: Context) -> None:
    if not ctx.has("shapes.txt", "stop_times.txt", "trips.txt", "stops.txt"):
        return
    # numpy is loaded only for feeds that have shapes.
    from fabrique.gtfs.rules.shape_geometry import match_stops_to_shapes

    match_stops_to_shapes(ctx)
