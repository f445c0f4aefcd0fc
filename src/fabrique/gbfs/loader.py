"""Read a GBFS feed from a URL, a folder, a zip or a lone JSON file, safely.

Nothing from outside is trusted: each download has a deadline, a size cap and
a redirect cap, addresses on private networks are refused unless allowed,
the number of feeds fetched is capped, zip members are read with size and
compression-ratio caps, and JSON that cannot be parsed becomes a notice.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from http.client import HTTPMessage
from pathlib import Path, PurePosixPath
from typing import IO, Any

from fabrique.notices import Notices, Severity

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps that protect the machine from hostile feeds."""

    max_file_bytes: int = 64 * 1024**2
    max_total_bytes: int = 256 * 1024**2
    max_feeds: int = 30
    timeout: float = 15.0  # seconds for one whole download
    max_redirects: int = 5
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1024**2
    allow_private: bool = False  # fetch from loopback / private addresses


class FetchError(Exception):
    """A download that was refused or failed, with a reason a person reads."""


@dataclass
class LoadedFile:
    """One feed file: its name, where it came from and its parsed JSON."""

    name: str
    origin: str
    data: Any = None
    size: int = 0


@dataclass
class FeedSource:
    """Everything that was read."""

    origin: str
    files: dict[str, LoadedFile] = field(default_factory=dict)
    # What gbfs.json lists: feed name -> URL (for the language read).
    listed: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    fetched: bool = False  # whether anything came over the network


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _check_address(url: str, limits: Limits) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https addresses are fetched")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: no host in the address")
    if limits.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(f"{url}: host not found ({exc})") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchError(f"{url}: {host} is a private or local address; refused")


class _Redirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        _check_address(newurl, self.limits)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
    ) -> Any:
        visited = getattr(req, "redirect_dict", {})
        if sum(visited.values()) >= self.limits.max_redirects:
            raise FetchError(
                f"{req.full_url}: more than {self.limits.max_redirects} redirects"
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(url: str, limits: Limits, budget: list[int] | None = None) -> bytes:
    """Download ``url`` within the limits; raise FetchError with the reason."""
    _check_address(url, limits)
    opener = urllib.request.build_opener(
        _Redirects(limits), urllib.request.ProxyHandler({})
    )
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, headers={"User-Agent": "fabrique-gbfs", "Accept": "application/json"}
    )
    deadline = time.monotonic() + limits.timeout
    try:
        with opener.open(request, timeout=limits.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limits.max_file_bytes:
                raise FetchError(
                    f"{url}: announces {int(length):,} bytes, more than the "
                    f"{limits.max_file_bytes:,} allowed"
                )
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"{url}: not downloaded within {limits.timeout:g} s"
                    )
                chunk = response.read1(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limits.max_file_bytes:
                    raise FetchError(
                        f"{url}: larger than the {limits.max_file_bytes:,} bytes "
                        "allowed"
                    )
                if budget is not None:
                    budget[0] -= len(chunk)
                    if budget[0] < 0:
                        raise FetchError(
                            f"{url}: the feed's files add up to more than the "
                            f"{limits.max_total_bytes:,} bytes allowed"
                        )
                chunks.append(chunk)
            return b"".join(chunks)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308):
            raise FetchError(f"{url}: too many redirects") from exc
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise FetchError(f"{url}: no answer within {limits.timeout:g} s") from exc
        raise FetchError(f"{url}: {reason}") from exc
    except TimeoutError as exc:
        raise FetchError(f"{url}: no answer within {limits.timeout:g} s") from exc
    except (OSError, ValueError) as exc:
        raise FetchError(f"{url}: {exc}") from exc


def parse_json(
    raw: bytes, name: str, origin: str, notices: Notices
) -> tuple[bool, Any]:
    """Parse JSON text; a notice (with line and column) when it is not JSON."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        notices.add(
            "invalid_json",
            Severity.ERROR,
            filename=name,
            origin=origin,
            message=f"not UTF-8 text (byte {exc.start})",
        )
        return False, None
    try:
        return True, json.loads(text)
    except json.JSONDecodeError as exc:
        notices.add(
            "invalid_json",
            Severity.ERROR,
            filename=name,
            origin=origin,
            line=exc.lineno,
            column=exc.colno,
            message=exc.msg,
        )
    except RecursionError:
        notices.add(
            "invalid_json",
            Severity.ERROR,
            filename=name,
            origin=origin,
            message="nested too deeply",
        )
    return False, None


def feeds_of(discovery: Any) -> tuple[dict[str, str], list[str]]:
    """The feeds a gbfs.json lists (name -> URL) and its languages.

    Up to 2.3 feeds are grouped by language (the first language is read, English
    first when there); from 3.0 on ``data.feeds`` is the list itself.
    """
    data = discovery.get("data") if isinstance(discovery, dict) else None
    if not isinstance(data, dict):
        return {}, []
    groups: list[Any]
    languages: list[str] = []
    if isinstance(data.get("feeds"), list):
        groups = [data]
    else:
        languages = [k for k, v in data.items() if isinstance(v, dict)]
        ordered = sorted(languages, key=lambda k: (not k.startswith("en"), k))
        groups = [data[ordered[0]]] if ordered else []
    listed: dict[str, str] = {}
    for group in groups:
        feeds = group.get("feeds") if isinstance(group, dict) else None
        for feed in feeds if isinstance(feeds, list) else []:
            if (
                isinstance(feed, dict)
                and isinstance(feed.get("name"), str)
                and isinstance(feed.get("url"), str)
            ):
                listed.setdefault(feed["name"], feed["url"])
    return listed, languages


def _stem(name: str) -> str:
    return PurePosixPath(name).name.removesuffix(".json")


def load(
    target: str | Path,
    notices: Notices,
    *,
    limits: Limits | None = None,
    fetch_listed: bool = True,
) -> FeedSource:
    """Read a feed: URL of gbfs.json, folder or zip of files, or one JSON file.

    A folder or a zip is read as it is (nothing fetched). A lone ``gbfs.json``
    reads the files it lists from beside it when they are there, else fetches
    them (when ``fetch_listed``).
    """
    limits = limits or Limits()
    budget = [limits.max_total_bytes]
    if isinstance(target, str) and is_url(target):
        source = FeedSource(origin=target, fetched=True)
        try:
            raw = fetch(target, limits, budget)
        except FetchError as exc:
            notices.add(
                "feed_fetch_failed", Severity.ERROR, url=target, reason=str(exc)
            )
            return source
        _add(source, "gbfs", target, raw, notices)
        _fetch_listed(source, limits, budget, notices)
        return source
    path = Path(target)
    source = FeedSource(origin=path.name)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".json")
        if not files:
            subs = [p for p in path.iterdir() if p.is_dir()]
            if len(subs) == 1:
                files = sorted(p for p in subs[0].iterdir() if p.suffix == ".json")
        for file in files:
            _read_local(source, file, budget, limits, notices)
        return source
    if not path.is_file():
        notices.add(
            "feed_unreadable", Severity.ERROR, filename=path.name, reason="not found"
        )
        return source
    if zipfile.is_zipfile(path):
        _read_zip(source, path, budget, limits, notices)
        return source
    content = _read_capped(path, limits, notices)
    if content is None:
        return source
    ok, data = parse_json(content, path.name, path.name, notices)
    if not ok:
        return source
    name = _guess_name(path, data)
    source.files[name] = LoadedFile(name, path.name, data, len(content))
    if name == "gbfs":
        source.listed, source.languages = feeds_of(data)
        # Files beside it, as saved by a download of the whole feed.
        from fabrique.gbfs.schema import BY_NAME

        # Only GBFS file names: the folder may hold other files (reports…).
        for feed in source.listed:
            sibling = path.parent / f"{feed}.json"
            if (
                feed in BY_NAME
                and feed != "gbfs"
                and sibling.is_file()
                and sibling != path
            ):
                _read_local(source, sibling, budget, limits, notices)
        if fetch_listed:
            _fetch_listed(source, limits, budget, notices)
    return source


def _guess_name(path: Path, data: Any) -> str:
    """A file's feed name: its stem when it is a GBFS name, else by content."""
    from fabrique.gbfs.schema import BY_NAME

    stem = _stem(path.name)
    if stem in BY_NAME:
        return stem
    payload = data.get("data") if isinstance(data, dict) else None
    if isinstance(payload, dict):
        if isinstance(payload.get("feeds"), list) or any(
            isinstance(v, dict) and isinstance(v.get("feeds"), list)
            for v in payload.values()
        ):
            return "gbfs"
        for spec in BY_NAME.values():
            if spec.records and spec.records in payload and spec.key:
                return spec.name
        if "system_id" in payload:
            return "system_information"
    return stem


def _add(
    source: FeedSource, name: str, origin: str, raw: bytes, notices: Notices
) -> None:
    ok, data = parse_json(raw, f"{name}.json", origin, notices)
    source.files[name] = LoadedFile(name, origin, data if ok else None, len(raw))
    if name == "gbfs" and ok:
        source.listed, source.languages = feeds_of(data)


def _read_capped(path: Path, limits: Limits, notices: Notices) -> bytes | None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        notices.add(
            "file_too_large",
            Severity.ERROR,
            filename=path.name,
            size=size,
            limit=limits.max_file_bytes,
        )
        return None
    return path.read_bytes()


def _read_local(
    source: FeedSource,
    path: Path,
    budget: list[int],
    limits: Limits,
    notices: Notices,
) -> None:
    raw = _read_capped(path, limits, notices)
    if raw is None:
        return
    budget[0] -= len(raw)
    _add(source, _stem(path.name), path.name, raw, notices)


def _read_zip(
    source: FeedSource,
    path: Path,
    budget: list[int],
    limits: Limits,
    notices: Notices,
) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        notices.add(
            "feed_unreadable", Severity.ERROR, filename=path.name, reason=str(exc)
        )
        return
    with archive:
        members = [
            i
            for i in archive.infolist()
            if i.filename.endswith(".json")
            and "__MACOSX" not in i.filename
            and not _stem(i.filename).startswith(".")
        ]
        if len(members) > limits.max_feeds * 4:
            notices.add(
                "too_many_files",
                Severity.ERROR,
                filename=path.name,
                count=len(members),
                limit=limits.max_feeds * 4,
            )
            members = members[: limits.max_feeds * 4]
        for info in members:
            name = _stem(info.filename)
            raw = _read_member(archive, info, budget, limits, notices, path.name)
            if raw is not None:
                _add(source, name, info.filename, raw, notices)
    if "gbfs" in source.files:
        source.listed, source.languages = feeds_of(source.files["gbfs"].data)


def _read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: list[int],
    limits: Limits,
    notices: Notices,
    zip_name: str,
) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                budget[0] -= len(chunk)
                ratio = size / max(info.compress_size, 1)
                if (
                    size > limits.max_file_bytes
                    or budget[0] < 0
                    or (size > limits.ratio_floor_bytes and ratio > limits.max_ratio)
                ):
                    notices.add(
                        "file_too_large",
                        Severity.ERROR,
                        filename=info.filename,
                        archive=zip_name,
                        reason="uncompressed size or compression ratio above the "
                        "limits; refused as a possible zip bomb",
                    )
                    return None
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, OSError) as exc:
        notices.add(
            "feed_unreadable",
            Severity.ERROR,
            filename=info.filename,
            archive=zip_name,
            reason=str(exc),
        )
        return None
    return b"".join(chunks)


def _fetch_listed(
    source: FeedSource,
    limits: Limits,
    budget: list[int],
    notices: Notices,
) -> None:
    wanted = [n for n in source.listed if n != "gbfs" and n not in source.files]
    if len(source.listed) > limits.max_feeds:
        notices.add(
            "too_many_feeds",
            Severity.ERROR,
            filename="gbfs.json",
            count=len(source.listed),
            limit=limits.max_feeds,
        )
        wanted = wanted[: limits.max_feeds]
    for name in wanted:
        url = source.listed[name]
        if not is_url(url):
            continue  # reported by the validator as an invalid URL
        source.fetched = True
        try:
            raw = fetch(url, limits, budget)
        except FetchError as exc:
            notices.add(
                "feed_fetch_failed",
                Severity.ERROR,
                filename=f"{name}.json",
                url=url,
                reason=str(exc),
            )
            if budget[0] < 0:
                return
            continue
        _add(source, name, url, raw, notices)
