"""The GTFS Schedule reference as data: every file, column, type and key.

One table, read by the reader (which columns exist and how to type them),
the rules (required fields, enums, ranges, primary and foreign keys) and the
generated documentation. Follows https://gtfs.org/documentation/schedule/reference/.
"""

from __future__ import annotations

from fabrique.gtfs.schema import Field, FieldType, FileSpec, Presence, f

T = FieldType
R = Presence.REQUIRED
C = Presence.CONDITIONALLY_REQUIRED
REC = Presence.RECOMMENDED
O = Presence.OPTIONAL  # noqa: E741

BOOL = (0, 1)
ZERO_TO = {n: tuple(range(n + 1)) for n in range(8)}
ROUTE_TYPES = (0, 1, 2, 3, 4, 5, 6, 7, 11, 12)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def nonneg_int(
    name: str, presence: Presence = O, *, doc: str = "", ref: str = ""
) -> Field:
    return f(name, T.INTEGER, presence, minimum=0, doc=doc, ref=ref or ())


def positive_int(name: str, presence: Presence = O, *, doc: str = "") -> Field:
    return f(name, T.INTEGER, presence, minimum=0, exclusive_minimum=True, doc=doc)


def nonneg_float(name: str, presence: Presence = O, *, doc: str = "") -> Field:
    return f(name, T.FLOAT, presence, minimum=0, doc=doc)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "agency.txt",
        R,
        (
            f("agency_id", T.ID, C, doc="Required when the feed has several agencies."),
            f("agency_name", T.TEXT, R),
            f("agency_url", T.URL, R),
            f("agency_timezone", T.TIMEZONE, R),
            f("agency_lang", T.LANGUAGE),
            f("agency_phone", T.PHONE),
            f("agency_fare_url", T.URL),
            f("agency_email", T.EMAIL),
            f("cemv_support", T.ENUM, enum=ZERO_TO[2]),
        ),
        ("agency_id",),
        "Transit agencies with service represented in this dataset.",
    ),
    FileSpec(
        "stops.txt",
        C,
        (
            f("stop_id", T.ID, R),
            f("stop_code", T.TEXT),
            f("stop_name", T.TEXT, C, doc="Required for stops, stations, entrances."),
            f("tts_stop_name", T.TEXT),
            f("stop_desc", T.TEXT),
            f("stop_lat", T.LATITUDE, C, doc="Required for location_type 0, 1, 2."),
            f("stop_lon", T.LONGITUDE, C, doc="Required for location_type 0, 1, 2."),
            f("zone_id", T.ID, C),
            f("stop_url", T.URL),
            f("location_type", T.ENUM, enum=ZERO_TO[4]),
            f("parent_station", T.ID, C, ref="stops.txt.stop_id"),
            f("stop_timezone", T.TIMEZONE),
            f("wheelchair_boarding", T.ENUM, enum=ZERO_TO[2]),
            f("level_id", T.ID, ref="levels.txt.level_id"),
            f("platform_code", T.TEXT),
            f("stop_access", T.ENUM, C, enum=BOOL),
        ),
        ("stop_id",),
        "Stops where vehicles pick up or drop off riders; stations and entrances.",
    ),
    FileSpec(
        "routes.txt",
        R,
        (
            f("route_id", T.ID, R),
            f("agency_id", T.ID, C, ref="agency.txt.agency_id"),
            f("route_short_name", T.TEXT, C),
            f("route_long_name", T.TEXT, C),
            f("route_desc", T.TEXT),
            f("route_type", T.ENUM, R, enum=ROUTE_TYPES),
            f("route_url", T.URL),
            f("route_color", T.COLOR),
            f("route_text_color", T.COLOR),
            nonneg_int("route_sort_order"),
            f("continuous_pickup", T.ENUM, enum=ZERO_TO[3]),
            f("continuous_drop_off", T.ENUM, enum=ZERO_TO[3]),
            f("network_id", T.ID, C),
            f("cemv_support", T.ENUM, enum=ZERO_TO[2]),
        ),
        ("route_id",),
        "Transit routes: a group of trips displayed to riders as a single service.",
    ),
    FileSpec(
        "trips.txt",
        R,
        (
            f("route_id", T.ID, R, ref="routes.txt.route_id"),
            f(
                "service_id",
                T.ID,
                R,
                ref=("calendar.txt.service_id", "calendar_dates.txt.service_id"),
            ),
            f("trip_id", T.ID, R),
            f("trip_headsign", T.TEXT),
            f("trip_short_name", T.TEXT),
            f("direction_id", T.ENUM, enum=BOOL),
            f("block_id", T.ID),
            f("shape_id", T.ID, C, ref="shapes.txt.shape_id"),
            f("wheelchair_accessible", T.ENUM, enum=ZERO_TO[2]),
            f("bikes_allowed", T.ENUM, enum=ZERO_TO[2]),
            f("cars_allowed", T.ENUM, enum=ZERO_TO[2]),
        ),
        ("trip_id",),
        "Trips for each route: a sequence of two or more stops at given times.",
    ),
    FileSpec(
        "stop_times.txt",
        R,
        (
            f("trip_id", T.ID, R, ref="trips.txt.trip_id"),
            f("arrival_time", T.TIME, C),
            f("departure_time", T.TIME, C),
            f("stop_id", T.ID, C, ref="stops.txt.stop_id"),
            f(
                "location_group_id",
                T.ID,
                C,
                ref="location_groups.txt.location_group_id",
            ),
            f("location_id", T.ID, C),
            nonneg_int("stop_sequence", R),
            f("stop_headsign", T.TEXT),
            f("start_pickup_drop_off_window", T.TIME, C),
            f("end_pickup_drop_off_window", T.TIME, C),
            f("pickup_type", T.ENUM, enum=ZERO_TO[3]),
            f("drop_off_type", T.ENUM, enum=ZERO_TO[3]),
            f("continuous_pickup", T.ENUM, enum=ZERO_TO[3]),
            f("continuous_drop_off", T.ENUM, enum=ZERO_TO[3]),
            nonneg_float("shape_dist_traveled"),
            f("timepoint", T.ENUM, enum=BOOL),
            f("pickup_booking_rule_id", T.ID, ref="booking_rules.txt.booking_rule_id"),
            f(
                "drop_off_booking_rule_id",
                T.ID,
                ref="booking_rules.txt.booking_rule_id",
            ),
        ),
        ("trip_id", "stop_sequence"),
        "Times that a vehicle arrives at and departs from stops for each trip.",
    ),
    FileSpec(
        "calendar.txt",
        C,
        (
            f("service_id", T.ID, R),
            *(f(day, T.ENUM, R, enum=BOOL) for day in DAYS),
            f("start_date", T.DATE, R),
            f("end_date", T.DATE, R),
        ),
        ("service_id",),
        "Service dates using a weekly schedule with start and end dates.",
    ),
    FileSpec(
        "calendar_dates.txt",
        C,
        (
            f("service_id", T.ID, R),
            f("date", T.DATE, R),
            f("exception_type", T.ENUM, R, enum=(1, 2)),
        ),
        ("service_id", "date"),
        "Exceptions for the services of calendar.txt, or all dates of a service.",
    ),
    FileSpec(
        "fare_attributes.txt",
        O,
        (
            f("fare_id", T.ID, R),
            f("price", T.CURRENCY_AMOUNT, R, minimum=0),
            f("currency_type", T.CURRENCY, R),
            f("payment_method", T.ENUM, R, enum=BOOL),
            f("transfers", T.ENUM, enum=ZERO_TO[2], doc="Empty means unlimited."),
            f("agency_id", T.ID, C, ref="agency.txt.agency_id"),
            nonneg_int("transfer_duration"),
        ),
        ("fare_id",),
        "Fare information for a transit agency's routes (Fares V1).",
    ),
    FileSpec(
        "fare_rules.txt",
        O,
        (
            f("fare_id", T.ID, R, ref="fare_attributes.txt.fare_id"),
            f("route_id", T.ID, ref="routes.txt.route_id"),
            f("origin_id", T.ID, ref="stops.txt.zone_id"),
            f("destination_id", T.ID, ref="stops.txt.zone_id"),
            f("contains_id", T.ID, ref="stops.txt.zone_id"),
        ),
        ("fare_id", "route_id", "origin_id", "destination_id", "contains_id"),
        "Rules to apply fares for itineraries (Fares V1).",
    ),
    FileSpec(
        "timeframes.txt",
        O,
        (
            f("timeframe_group_id", T.ID, R),
            f("start_time", T.TIME, C),
            f("end_time", T.TIME, C),
            f(
                "service_id",
                T.ID,
                R,
                ref=("calendar.txt.service_id", "calendar_dates.txt.service_id"),
            ),
        ),
        ("timeframe_group_id", "start_time", "end_time", "service_id"),
        "Date and time periods to use in fare rules.",
    ),
    FileSpec(
        "rider_categories.txt",
        O,
        (
            f("rider_category_id", T.ID, R),
            f("rider_category_name", T.TEXT, R),
            f("is_default_fare_category", T.ENUM, R, enum=BOOL),
            f("eligibility_url", T.URL),
        ),
        ("rider_category_id",),
        "Categories of riders (elderly, student…) for fare products.",
    ),
    FileSpec(
        "fare_media.txt",
        O,
        (
            f("fare_media_id", T.ID, R),
            f("fare_media_name", T.TEXT),
            f("fare_media_type", T.ENUM, R, enum=ZERO_TO[4]),
        ),
        ("fare_media_id",),
        "Fare media that can be used to hold or validate fare products.",
    ),
    FileSpec(
        "fare_products.txt",
        O,
        (
            f("fare_product_id", T.ID, R),
            f("fare_product_name", T.TEXT),
            f("rider_category_id", T.ID, ref="rider_categories.txt.rider_category_id"),
            f("fare_media_id", T.ID, ref="fare_media.txt.fare_media_id"),
            f("amount", T.CURRENCY_AMOUNT, R),
            f("currency", T.CURRENCY, R),
        ),
        ("fare_product_id", "rider_category_id", "fare_media_id"),
        "Types of tickets or fares that can be purchased by riders.",
    ),
    FileSpec(
        "fare_leg_rules.txt",
        O,
        (
            f("leg_group_id", T.ID),
            f("network_id", T.ID),
            f("from_area_id", T.ID, ref="areas.txt.area_id"),
            f("to_area_id", T.ID, ref="areas.txt.area_id"),
            f("from_timeframe_group_id", T.ID, ref="timeframes.txt.timeframe_group_id"),
            f("to_timeframe_group_id", T.ID, ref="timeframes.txt.timeframe_group_id"),
            f("fare_product_id", T.ID, R, ref="fare_products.txt.fare_product_id"),
            nonneg_int("rule_priority"),
        ),
        (
            "network_id",
            "from_area_id",
            "to_area_id",
            "from_timeframe_group_id",
            "to_timeframe_group_id",
            "fare_product_id",
        ),
        "Fare rules for individual legs of travel (Fares V2).",
    ),
    FileSpec(
        "fare_leg_join_rules.txt",
        O,
        (
            f("from_network_id", T.ID, R),
            f("to_network_id", T.ID, R),
            f("from_stop_id", T.ID, C, ref="stops.txt.stop_id"),
            f("to_stop_id", T.ID, C, ref="stops.txt.stop_id"),
        ),
        ("from_network_id", "to_network_id", "from_stop_id", "to_stop_id"),
        "Rules to consider two or more legs as one effective fare leg.",
    ),
    FileSpec(
        "fare_transfer_rules.txt",
        O,
        (
            f("from_leg_group_id", T.ID, ref="fare_leg_rules.txt.leg_group_id"),
            f("to_leg_group_id", T.ID, ref="fare_leg_rules.txt.leg_group_id"),
            f("transfer_count", T.INTEGER, C, minimum=-1),
            positive_int("duration_limit"),
            f("duration_limit_type", T.ENUM, C, enum=ZERO_TO[3]),
            f("fare_transfer_type", T.ENUM, R, enum=ZERO_TO[2]),
            f("fare_product_id", T.ID, ref="fare_products.txt.fare_product_id"),
        ),
        (
            "from_leg_group_id",
            "to_leg_group_id",
            "fare_product_id",
            "transfer_count",
            "duration_limit",
        ),
        "Fare rules for transfers between legs of travel (Fares V2).",
    ),
    FileSpec(
        "areas.txt",
        O,
        (f("area_id", T.ID, R), f("area_name", T.TEXT)),
        ("area_id",),
        "Area grouping of locations.",
    ),
    FileSpec(
        "stop_areas.txt",
        O,
        (
            f("area_id", T.ID, R, ref="areas.txt.area_id"),
            f("stop_id", T.ID, R, ref="stops.txt.stop_id"),
        ),
        ("area_id", "stop_id"),
        "Rules to assign stops to areas.",
    ),
    FileSpec(
        "networks.txt",
        C,
        (f("network_id", T.ID, R), f("network_name", T.TEXT)),
        ("network_id",),
        "Network grouping of routes.",
    ),
    FileSpec(
        "route_networks.txt",
        C,
        (
            f("network_id", T.ID, R, ref="networks.txt.network_id"),
            f("route_id", T.ID, R, ref="routes.txt.route_id"),
        ),
        ("route_id",),
        "Rules to assign routes to networks.",
    ),
    FileSpec(
        "shapes.txt",
        O,
        (
            f("shape_id", T.ID, R),
            f("shape_pt_lat", T.LATITUDE, R),
            f("shape_pt_lon", T.LONGITUDE, R),
            nonneg_int("shape_pt_sequence", R),
            nonneg_float("shape_dist_traveled"),
        ),
        ("shape_id", "shape_pt_sequence"),
        "Rules for mapping vehicle travel paths, the alignments of routes.",
    ),
    FileSpec(
        "frequencies.txt",
        O,
        (
            f("trip_id", T.ID, R, ref="trips.txt.trip_id"),
            f("start_time", T.TIME, R),
            f("end_time", T.TIME, R),
            positive_int("headway_secs", R),
            f("exact_times", T.ENUM, enum=BOOL),
        ),
        ("trip_id", "start_time"),
        "Headway (time between trips) for headway-based service.",
    ),
    FileSpec(
        "transfers.txt",
        O,
        (
            f("from_stop_id", T.ID, C, ref="stops.txt.stop_id"),
            f("to_stop_id", T.ID, C, ref="stops.txt.stop_id"),
            f("from_route_id", T.ID, ref="routes.txt.route_id"),
            f("to_route_id", T.ID, ref="routes.txt.route_id"),
            f("from_trip_id", T.ID, C, ref="trips.txt.trip_id"),
            f("to_trip_id", T.ID, C, ref="trips.txt.trip_id"),
            f("transfer_type", T.ENUM, R, enum=ZERO_TO[5]),
            nonneg_int("min_transfer_time"),
        ),
        (
            "from_stop_id",
            "to_stop_id",
            "from_trip_id",
            "to_trip_id",
            "from_route_id",
            "to_route_id",
        ),
        "Rules for making connections at transfer points between routes.",
    ),
    FileSpec(
        "pathways.txt",
        O,
        (
            f("pathway_id", T.ID, R),
            f("from_stop_id", T.ID, R, ref="stops.txt.stop_id"),
            f("to_stop_id", T.ID, R, ref="stops.txt.stop_id"),
            f("pathway_mode", T.ENUM, R, enum=(1, 2, 3, 4, 5, 6, 7)),
            f("is_bidirectional", T.ENUM, R, enum=BOOL),
            nonneg_float("length"),
            positive_int("traversal_time"),
            f("stair_count", T.INTEGER),
            f("max_slope", T.FLOAT),
            f("min_width", T.FLOAT, minimum=0, exclusive_minimum=True),
            f("signposted_as", T.TEXT),
            f("reversed_signposted_as", T.TEXT),
        ),
        ("pathway_id",),
        "Pathways linking together locations within stations.",
    ),
    FileSpec(
        "levels.txt",
        C,
        (
            f("level_id", T.ID, R),
            f("level_index", T.FLOAT, R),
            f("level_name", T.TEXT),
        ),
        ("level_id",),
        "Levels within stations.",
    ),
    FileSpec(
        "location_groups.txt",
        O,
        (f("location_group_id", T.ID, R), f("location_group_name", T.TEXT)),
        ("location_group_id",),
        "Groups of stops where a rider may request pickup or drop off.",
    ),
    FileSpec(
        "location_group_stops.txt",
        O,
        (
            f(
                "location_group_id",
                T.ID,
                R,
                ref="location_groups.txt.location_group_id",
            ),
            f("stop_id", T.ID, R, ref="stops.txt.stop_id"),
        ),
        ("location_group_id", "stop_id"),
        "Rules to assign stops to location groups.",
    ),
    FileSpec(
        "locations.geojson",
        O,
        (),
        (),
        "Zones for rider pickup or drop-off requests by on-demand services.",
        tabular=False,
    ),
    FileSpec(
        "booking_rules.txt",
        O,
        (
            f("booking_rule_id", T.ID, R),
            f("booking_type", T.ENUM, R, enum=ZERO_TO[2]),
            f("prior_notice_duration_min", T.INTEGER, C),
            f("prior_notice_duration_max", T.INTEGER, C),
            f("prior_notice_last_day", T.INTEGER, C),
            f("prior_notice_last_time", T.TIME, C),
            f("prior_notice_start_day", T.INTEGER, C),
            f("prior_notice_start_time", T.TIME, C),
            f(
                "prior_notice_service_id",
                T.ID,
                C,
                ref=("calendar.txt.service_id", "calendar_dates.txt.service_id"),
            ),
            f("message", T.TEXT),
            f("pickup_message", T.TEXT),
            f("drop_off_message", T.TEXT),
            f("phone_number", T.PHONE),
            f("info_url", T.URL),
            f("booking_url", T.URL),
        ),
        ("booking_rule_id",),
        "Booking information for rider-requested services.",
    ),
    FileSpec(
        "translations.txt",
        O,
        (
            f("table_name", T.TEXT, R),
            f("field_name", T.TEXT, R),
            f("language", T.LANGUAGE, R),
            f("translation", T.TEXT, R),
            f("record_id", T.ID, C),
            f("record_sub_id", T.ID, C),
            f("field_value", T.TEXT, C),
        ),
        (
            "table_name",
            "field_name",
            "language",
            "record_id",
            "record_sub_id",
            "field_value",
        ),
        "Translations of customer-facing dataset values.",
    ),
    FileSpec(
        "feed_info.txt",
        C,
        (
            f("feed_publisher_name", T.TEXT, R),
            f("feed_publisher_url", T.URL, R),
            f("feed_lang", T.LANGUAGE, R),
            f("default_lang", T.LANGUAGE),
            f("feed_start_date", T.DATE, REC),
            f("feed_end_date", T.DATE, REC),
            f("feed_version", T.TEXT, REC),
            f("feed_contact_email", T.EMAIL),
            f("feed_contact_url", T.URL),
        ),
        (),
        "Dataset metadata: publisher, version, validity period.",
    ),
    FileSpec(
        "attributions.txt",
        O,
        (
            f("attribution_id", T.ID),
            f("agency_id", T.ID, ref="agency.txt.agency_id"),
            f("route_id", T.ID, ref="routes.txt.route_id"),
            f("trip_id", T.ID, ref="trips.txt.trip_id"),
            f("organization_name", T.TEXT, R),
            f("is_producer", T.ENUM, enum=BOOL),
            f("is_operator", T.ENUM, enum=BOOL),
            f("is_authority", T.ENUM, enum=BOOL),
            f("attribution_url", T.URL),
            f("attribution_email", T.EMAIL),
            f("attribution_phone", T.PHONE),
        ),
        ("attribution_id",),
        "Organisations involved in the production of the dataset.",
    ),
)

BY_NAME: dict[str, FileSpec] = {spec.name: spec for spec in FILES}
BY_TABLE: dict[str, FileSpec] = {spec.table: spec for spec in FILES}


def spec_for(name: str) -> FileSpec | None:
    """The specification of a file name (``"stops.txt"``), if GTFS knows it."""
    return BY_NAME.get(name)
