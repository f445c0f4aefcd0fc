"""Helpers for the report, on-demand validation and map/calendar tests."""

from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.gtfs.conftest import build_zip

TESTS_DIR = Path(__file__).resolve().parents[1]
BASE_FEED = TESTS_DIR / "data" / "gtfs" / "base"


def feed_bytes(tmp_path: Path, **files: str | None) -> bytes:
    """The small valid base feed of the GTFS tests, with files changed."""
    target = tmp_path / "feed-for-report.zip"
    build_zip(BASE_FEED, target, None, **files)
    return target.read_bytes()


def zip_bomb() -> bytes:
    """A small zip whose one member expands to 16 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stop_times.txt", b"\0" * (16 * 1024 * 1024))
    return buffer.getvalue()


def write_report(directory: Path, report: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text(json.dumps(report), encoding="utf-8")
    (directory / "report.html").write_text("<!doctype html><p>report</p>")


def sample_report(samples: int = 3) -> dict:
    """A report.json with one notice per severity, ``samples`` examples each."""
    return {
        "summary": {
            "validatorVersion": "fabrique 0",
            "validatedAt": "2026-03-01T10:00:00+00:00",
            "gtfsInput": "feed.zip",
            "dateForValidation": "2026-03-01",
            "validationTimeSeconds": 0.5,
            "feedInfo": {"publisherName": "Réseau <b>Belvallon</b>"},
            "agencies": [
                {
                    "name": "Bus de Belvallon",
                    "url": "https://bus.example.org",
                    "timezone": "Europe/Paris",
                    "phone": "",
                    "email": "",
                }
            ],
            "files": ["agency.txt", "stops.txt"],
            "counts": {"Stops": 12, "Routes": 2},
            "gtfsFeatures": ["Shapes"],
        },
        "notices": [
            {
                "code": "foreign_key_violation",
                "severity": "ERROR",
                "totalNotices": samples + 500,
                "sampleNotices": [
                    {
                        "childFilename": "stop_times.txt",
                        "csvRowNumber": i + 2,
                        "fieldValue": f"<script>alert({i})</script>",
                        "filename": "stop_times.txt",
                    }
                    for i in range(samples)
                ],
            },
            {
                "code": "unused_shape",
                "severity": "WARNING",
                "totalNotices": 1,
                "sampleNotices": [{"csvRowNumber": 4, "shapeId": "S9"}],
            },
            {
                "code": "a_code_from_elsewhere",
                "severity": "INFO",
                "totalNotices": 2,
                "sampleNotices": [{"note": "x"}, {"note": "y"}],
            },
        ],
    }


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def local_server(handler: Handler) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 in a thread; yields its base address."""

    class Handle(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handler(self)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
