"""Per-fetch GTFS-RT validation time against a large stored GTFS version.

Builds the feed N times over (``build_x8.py``), ingests it into a store,
then writes GTFS-RT messages naming ``--trips`` random trips of that store
(every stop of each trip as a stop time update, a vehicle for every other
trip) and checks ``--fetches`` successive messages as the worker does: with
the store and the previous fetch's memory. Prints the median and the 95th
percentile of one check, the message size and the peak resident memory.

    .venv/bin/python benchmarks/gtfs/realtime.py ../shared/data/gtfs/merged_1m6.zip \
        --copies 8 --work benchmarks/gtfs/out/realtime --trips 1000 --fetches 20
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from google.transit import gtfs_realtime_pb2 as pb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_x8 import build

from fabrique.gtfs.realtime import check_bytes
from fabrique.gtfs.store import ingest, open_store


def prepare(feed: Path, work: Path, copies: int) -> tuple[Path, dict[str, float]]:
    """The store of the feed ×``copies`` (built once, reused after)."""
    store = work / f"store-x{copies}"
    timings: dict[str, float] = {}
    if (store / "manifest.json").is_file():
        return store, timings
    work.mkdir(parents=True, exist_ok=True)
    source = feed
    if copies > 1:
        source = work / f"feed-x{copies}.zip"
        started = time.monotonic()
        build(feed, source, copies)
        timings["buildSeconds"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    ingest(source, store)
    timings["ingestSeconds"] = round(time.monotonic() - started, 1)
    return store, timings


def sample_trips(store: Path, count: int, seed: int) -> list[tuple[str, str, list]]:
    """``count`` trips (id, route, [(sequence, stop)]) chosen with a fixed seed."""
    con = open_store(store, memory_limit="1GB")
    try:
        trips = con.execute(
            "SELECT trip_id, route_id FROM trips ORDER BY hash(trip_id || ?) LIMIT ?",
            [str(seed), count],
        ).fetchall()
        ids = [t[0] for t in trips]
        rows = con.execute(
            "SELECT trip_id, stop_sequence, stop_id FROM stop_times "
            "WHERE trip_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY trip_id, stop_sequence",
            [ids],
        ).fetchall()
        stops = dict(
            con.execute(
                "SELECT stop_id, [stop_lon, stop_lat] FROM stops "
                "WHERE stop_lat IS NOT NULL"
            ).fetchall()
        )
    finally:
        con.close()
    by_trip: dict[str, list] = {}
    for trip_id, seq, stop_id in rows:
        by_trip.setdefault(trip_id, []).append((seq, stop_id, stops.get(stop_id)))
    return [(t, r, by_trip.get(t, [])) for t, r in trips]


def message(trips: list, stamp: int, rng: random.Random) -> bytes:
    feed = pb.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    feed.header.incrementality = pb.FeedHeader.FULL_DATASET
    feed.header.timestamp = stamp
    for i, (trip_id, route_id, stops) in enumerate(trips):
        update = feed.entity.add(id=f"tu-{i}").trip_update
        update.trip.trip_id = trip_id
        update.trip.route_id = route_id
        update.trip.schedule_relationship = pb.TripDescriptor.SCHEDULED
        update.timestamp = stamp
        delay = rng.randint(-60, 600)
        for seq, stop_id, _where in stops:
            stu = update.stop_time_update.add(stop_sequence=seq, stop_id=stop_id)
            stu.arrival.delay = delay
        if i % 2 == 0 and stops and stops[0][2]:
            vehicle = feed.entity.add(id=f"vp-{i}").vehicle
            vehicle.vehicle.id = f"bus-{i}"
            vehicle.trip.trip_id = trip_id
            vehicle.trip.schedule_relationship = pb.TripDescriptor.SCHEDULED
            lon, lat = stops[0][2]
            vehicle.position.longitude = lon
            vehicle.position.latitude = lat
            vehicle.timestamp = stamp
    return feed.SerializeToString()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("feed", type=Path)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--trips", type=int, default=1000)
    parser.add_argument("--fetches", type=int, default=20)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    store, timings = prepare(args.feed, args.work, args.copies)
    trips = sample_trips(store, args.trips, args.seed)
    rng = random.Random(args.seed)
    stamp = int(datetime.now(UTC).timestamp())
    previous = None
    seconds = []
    size = entities = notices = 0
    for k in range(args.fetches):
        body = message(trips, stamp + 30 * k, rng)
        now = datetime.fromtimestamp(stamp + 30 * k + 5, UTC)
        started = time.perf_counter()
        result = check_bytes(body, gtfs_store=store, now=now, previous=previous)
        seconds.append(time.perf_counter() - started)
        previous = result.memory
        size, entities = len(body), len(result.entities)
        notices = sum(g.total for g in result.notices.groups.values())
    seconds.sort()
    out = {
        "feed": args.feed.name,
        "copies": args.copies,
        **timings,
        "trips": len(trips),
        "stopTimeUpdates": sum(len(t[2]) for t in trips),
        "entities": entities,
        "messageBytes": size,
        "fetches": args.fetches,
        "medianSeconds": round(statistics.median(seconds), 3),
        "p95Seconds": round(
            seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))], 3
        ),
        "noticesLastFetch": notices,
        "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
