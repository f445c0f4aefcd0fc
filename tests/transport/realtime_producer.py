"""A small GTFS-RT producer on loopback, serving a feed that changes.

Built from a GTFS folder: each request is one step further. Trips run later
and later, a vehicle jumps 50 km at step 2, and from step 3 on the header is
15 minutes old and a trip unknown to the schedule appears. ``/hang`` never
answers in time; ``/junk`` answers a protobuf that is not GTFS-RT.

Run alone (the end-to-end test does): ``python -m tests.transport.realtime_producer
GTFS_DIR`` prints the port, then serves until killed.
"""

from __future__ import annotations

import csv
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.transit import gtfs_realtime_pb2 as pb

JUMP_STEP = 2
STALE_FROM = 3


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class Script:
    """The feed of each step, from a GTFS folder's first trips and stops."""

    def __init__(
        self,
        gtfs: Path,
        *,
        clock: Callable[[], float] = time.time,
        step_seconds: int = 0,
    ) -> None:
        trips = _rows(gtfs / "trips.txt")[:3]
        times = _rows(gtfs / "stop_times.txt")
        self.trips = [
            (t, [s for s in times if s["trip_id"] == t["trip_id"]][:3]) for t in trips
        ]
        stops = {s["stop_id"]: s for s in _rows(gtfs / "stops.txt")}
        self.positions = [
            (
                float(stops[s["stop_id"]]["stop_lat"]),
                float(stops[s["stop_id"]]["stop_lon"]),
            )
            for _t, rows in self.trips[:2]
            for s in rows[:1]
        ]
        self.clock = clock
        # Header time moves this much per step on top of the clock (tests
        # that simulate fetches 30 s apart without waiting).
        self.step_seconds = step_seconds

    def feed(self, step: int) -> pb.FeedMessage:
        now = int(self.clock()) + step * self.step_seconds
        feed = pb.FeedMessage()
        feed.header.gtfs_realtime_version = "2.0"
        feed.header.incrementality = pb.FeedHeader.FULL_DATASET
        stamp = now - 900 if step >= STALE_FROM else now
        feed.header.timestamp = stamp
        for i, (trip, rows) in enumerate(self.trips):
            update = feed.entity.add(id=f"tu-{i}").trip_update
            update.trip.trip_id = trip["trip_id"]
            update.trip.route_id = trip["route_id"]
            update.trip.schedule_relationship = pb.TripDescriptor.SCHEDULED
            update.timestamp = stamp
            for row in rows:
                stu = update.stop_time_update.add(
                    stop_sequence=int(row["stop_sequence"]), stop_id=row["stop_id"]
                )
                stu.arrival.delay = 60 * (step + 1) * (i + 1)
        for i, (lat, lon) in enumerate(self.positions):
            vehicle = feed.entity.add(id=f"vp-{i}").vehicle
            vehicle.vehicle.id = f"bus-{i}"
            vehicle.trip.trip_id = self.trips[i][0]["trip_id"]
            vehicle.trip.schedule_relationship = pb.TripDescriptor.SCHEDULED
            jump = 0.45 if i == 0 and step == JUMP_STEP else 0.0
            vehicle.position.latitude = lat + jump + 0.0001 * step
            vehicle.position.longitude = lon
            vehicle.timestamp = stamp
        if step >= STALE_FROM:
            ghost = feed.entity.add(id="tu-ghost").trip_update
            ghost.trip.trip_id = "GHOST-TRIP"
            ghost.trip.schedule_relationship = pb.TripDescriptor.SCHEDULED
            ghost.timestamp = stamp
            ghost.stop_time_update.add(
                stop_sequence=1, stop_id=self.trips[0][1][0]["stop_id"]
            ).arrival.delay = 0
        return feed


class Producer:
    """A loopback HTTP server answering the script's next step per request."""

    def __init__(
        self,
        gtfs: Path,
        *,
        max_age: int | None = None,
        port: int = 0,
        step_seconds: int = 0,
    ):
        self.script = Script(gtfs, step_seconds=step_seconds)
        self.max_age = max_age
        self.requests = 0
        self.lock = threading.Lock()
        producer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                producer.answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/feed.pb"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path == "/hang":
            time.sleep(5)
            return
        if handler.path == "/junk":
            body = descriptor_pb2.FileDescriptorProto(
                name="not.proto"
            ).SerializeToString()
        else:
            with self.lock:
                step = self.requests
                self.requests += 1
            body = self.script.feed(step).SerializeToString()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/x-protobuf")
        handler.send_header("Content-Length", str(len(body)))
        if self.max_age is not None:
            handler.send_header("Cache-Control", f"max-age={self.max_age}")
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self) -> Producer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":  # pragma: no cover - started by the end-to-end test
    producer = Producer(Path(sys.argv[1]))
    print(producer.server.server_address[1], flush=True)
    producer.server.serve_forever()
