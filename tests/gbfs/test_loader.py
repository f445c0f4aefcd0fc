"""Reading feeds: URLs with hostile servers, zips, lone files, caps."""

from __future__ import annotations

import http.server
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fabrique.gbfs import validate
from fabrique.gbfs.loader import FetchError, Limits, fetch, load
from fabrique.notices import Notices
from tests.gbfs.conftest import NOW

FIXTURE_FILES = ("system_information", "station_information", "station_status")


class _Handler(http.server.BaseHTTPRequestHandler):
    feeds: dict[str, bytes] = {}

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, body: bytes, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/hang":
            time.sleep(5)  # longer than the client's deadline
            return
        if path.startswith("/loop/"):
            step = int(path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/loop/{step + 1}")
            self.end_headers()
            return
        if path == "/drip":
            self.send_response(200)
            self.end_headers()
            for _ in range(40):  # a byte every 0.1 s: each read answers in time
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
            return
        if path == "/huge":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"[" + b"0," * 50_000 + b"0]")
            return
        if path == "/liar":
            self.send_response(200)
            self.send_header("Content-Length", "999999999")
            self.end_headers()
            return
        name = path.strip("/").removesuffix(".json")
        if name in self.feeds:
            self._send(self.feeds[name])
        else:
            self._send(b'{"error": "not found"}', 404)


@pytest.fixture
def server(gbfs_data: Path) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    feeds = {
        name: (gbfs_data / "v1_0" / f"{name}.json").read_bytes()
        for name in FIXTURE_FILES
    }
    discovery = json.loads((gbfs_data / "v1_0" / "gbfs.json").read_text())
    discovery["data"]["en"]["feeds"] = [
        {"name": n, "url": f"{base}/{n}.json"} for n in FIXTURE_FILES
    ]
    feeds["gbfs"] = json.dumps(discovery).encode()
    _Handler.feeds = feeds
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    httpd.server_close()


LOCAL = Limits(allow_private=True, timeout=1.0, max_file_bytes=20_000)


def test_a_feed_is_read_from_its_discovery_url(server):
    result = validate(f"{server}/gbfs.json", now=NOW, limits=LOCAL)
    assert result.notices.groups == {}
    assert result.summary["stations"] == 2
    assert result.summary["files"]["station_status"]["origin"].startswith(server)


def test_private_addresses_are_refused_by_default(server):
    with pytest.raises(FetchError, match="private or local address"):
        fetch(f"{server}/gbfs.json", Limits())
    result = validate(f"{server}/gbfs.json", now=NOW)
    assert result.notices.count("feed_fetch_failed") == 1


def test_other_schemes_are_refused():
    with pytest.raises(FetchError, match="only http and https"):
        fetch("file:///etc/passwd", LOCAL)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/hang", "no answer within"),
        ("/loop/0", "redirects"),
        ("/drip", "not downloaded within"),
        ("/huge", "larger than"),
        ("/liar", "announces"),
        ("/missing", "HTTP 404"),
    ],
)
def test_hostile_servers_give_a_clear_reason(server, path, reason):
    with pytest.raises(FetchError, match=reason):
        fetch(f"{server}{path}", LOCAL)


def test_a_listed_feed_that_hangs_or_loops_becomes_a_notice(server):
    discovery = json.loads(_Handler.feeds["gbfs"])
    feeds = discovery["data"]["en"]["feeds"]
    feeds[1]["url"] = f"{server}/hang"
    feeds[2]["url"] = f"{server}/loop/0"
    _Handler.feeds["gbfs"] = json.dumps(discovery).encode()
    result = validate(f"{server}/gbfs.json", now=NOW, limits=LOCAL)
    failed = result.notices.groups["feed_fetch_failed"].samples
    reasons = {s["filename"]: s["reason"] for s in failed}
    assert "no answer" in reasons["station_information.json"]
    assert "redirects" in reasons["station_status.json"]
    assert result.summary["system"]["name"] == "Old Bikes"


def test_the_number_of_feeds_fetched_is_capped(server):
    discovery = json.loads(_Handler.feeds["gbfs"])
    discovery["data"]["en"]["feeds"] += [
        {"name": f"extra_{i}", "url": f"{server}/extra_{i}.json"} for i in range(40)
    ]
    _Handler.feeds["gbfs"] = json.dumps(discovery).encode()
    notices = Notices()
    load(f"{server}/gbfs.json", notices, limits=Limits(allow_private=True, max_feeds=5))
    assert notices.groups["too_many_feeds"].samples[0]["count"] == 43
    assert notices.count("feed_fetch_failed") <= 5


def test_a_total_size_budget_stops_the_downloads(server):
    notices = Notices()
    load(
        f"{server}/gbfs.json",
        notices,
        limits=Limits(allow_private=True, max_total_bytes=800),
    )
    reasons = [s["reason"] for s in notices.groups["feed_fetch_failed"].samples]
    assert any("add up to more than" in r for r in reasons)


def test_a_zip_of_files(gbfs_data, tmp_path):
    target = tmp_path / "feed.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in (gbfs_data / "v2_3").iterdir():
            archive.write(path, f"feed/{path.name}")
        archive.writestr("__MACOSX/feed/._gbfs.json", "junk")
    result = validate(target, now=NOW)
    assert result.notices.groups == {}
    assert result.summary["stations"] == 3


def test_a_zip_bomb_is_refused(tmp_path):
    target = tmp_path / "bomb.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("station_status.json", b" " * (4 * 1024 * 1024))
    notices = Notices()
    load(target, notices, limits=Limits(ratio_floor_bytes=1024 * 1024))
    assert "zip bomb" in notices.groups["file_too_large"].samples[0]["reason"]


def test_not_a_zip_nor_json(tmp_path):
    target = tmp_path / "feed.json"
    target.write_bytes(bytes(range(256)) * 4)
    result = validate(target, now=NOW)
    assert result.notices.count("invalid_json") == 1
    truncated = tmp_path / "cut.zip"
    with zipfile.ZipFile(truncated, "w") as archive:
        archive.writestr("gbfs.json", "{}" * 1000)
    truncated.write_bytes(truncated.read_bytes()[:-30])
    result = validate(truncated, now=NOW)
    assert result.has_errors


def test_a_file_above_the_size_cap(feed_copy):
    folder = feed_copy("v2_3")
    notices = Notices()
    load(folder, notices, limits=Limits(max_file_bytes=1000))
    assert notices.count("file_too_large") >= 1


def test_a_lone_discovery_file_reads_its_neighbours(gbfs_data):
    result = validate(gbfs_data / "v2_3" / "gbfs.json", now=NOW, fetch_listed=False)
    assert result.notices.groups == {}
    assert result.summary["vehicles"] == 4


def test_a_lone_file_is_named_by_its_content(gbfs_data, tmp_path):
    target = tmp_path / "original.json"
    target.write_bytes((gbfs_data / "v2_3" / "station_information.json").read_bytes())
    notices = Notices()
    source = load(target, notices)
    assert list(source.files) == ["station_information"]


def test_a_missing_path(tmp_path):
    result = validate(tmp_path / "nowhere", now=NOW)
    assert result.notices.count("feed_unreadable") == 1


def test_a_lone_discovery_file_reads_only_gbfs_neighbours(tmp_path):
    (tmp_path / "report.json").write_text('{"secret": 1}')
    discovery = {
        "last_updated": 0,
        "ttl": 0,
        "version": "2.3",
        "data": {"en": {"feeds": [{"name": "report", "url": "ftp://x/report.json"}]}},
    }
    (tmp_path / "original.json").write_text(json.dumps(discovery))
    source = load(tmp_path / "original.json", Notices())
    assert list(source.files) == ["gbfs"]
