"""Open a feed (zip or folder) safely and copy its files to a work folder.

The zip is never trusted: member names are not used as paths, sizes are
counted while copying (headers can lie), the total uncompressed size and the
compression ratio are capped, and text is checked for its encoding on the way.
"""

from __future__ import annotations

import codecs
import os
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.spec import spec_for

BOM = codecs.BOM_UTF8
CHUNK = 1 << 20
JUNK_PARTS = ("__MACOSX",)
# Spaces next to a separator, a line end, or inside the quotes of a quoted
# value (`" 0\r"`): any of them means values may need trimming.
SPACE_PATTERNS = (b" ,", b", ", b" \n", b" \r", b"\n ", b"\t", b'" ', b' "')


@dataclass(frozen=True)
class Limits:
    """Caps that protect the machine from hostile archives."""

    max_total_bytes: int = 8 * 1024**3
    max_ratio: float = 200.0
    max_members: int = 10_000
    ratio_floor_bytes: int = 10 * 1024**2  # small members may compress extremely
    # Rows numbered past this (the header is row 1) are not read:
    # MobilityData's limit, reported as too_many_rows.
    max_rows: int = 1_000_000_000


@dataclass
class SourceFile:
    """A feed file copied to the work folder, with what was seen on the way."""

    name: str
    path: Path
    member: str
    size: int = 0
    encoding: str = "utf-8"
    had_bom: bool = False
    has_nul: bool = False
    has_blank_line: bool = False
    # Spaces or tabs next to a separator: values may need trimming.
    maybe_whitespace: bool = False


@dataclass
class Source:
    """The files of a feed, and what was odd about the container."""

    files: dict[str, SourceFile] = field(default_factory=dict)
    subfolder: str | None = None
    ignored: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    all_names: list[str] = field(default_factory=list)
    # Files that are not part of GTFS: listed, never extracted.
    unknown: list[str] = field(default_factory=list)


def _is_junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p in JUNK_PARTS or p.startswith(".") for p in parts) or not parts


def _is_unsafe(name: str) -> bool:
    pure = PurePosixPath(name.replace("\\", "/"))
    return pure.is_absolute() or ".." in pure.parts or ":" in name.split("/")[0]


def _choose(names: list[str], source: Source) -> dict[str, str]:
    """Map feed file names to members: root files, else one sub-folder's."""
    candidates: dict[str, list[str]] = {}
    for name in names:
        if name.endswith("/"):
            continue
        if _is_unsafe(name):
            source.unsafe.append(name)
            continue
        if _is_junk(name):
            source.ignored.append(name)
            continue
        candidates.setdefault(str(PurePosixPath(name).parent), []).append(name)
    if "." in candidates:
        chosen = candidates["."]
        source.ignored.extend(n for k, v in candidates.items() if k != "." for n in v)
    elif candidates:
        # The folder holding the most .txt files wins (zips of a folder).
        folder = max(
            candidates, key=lambda k: sum(n.endswith(".txt") for n in candidates[k])
        )
        chosen = candidates[folder]
        source.subfolder = folder
        source.ignored.extend(
            n for k, v in candidates.items() if k != folder for n in v
        )
    else:
        chosen = []
    mapping: dict[str, str] = {}
    for member in chosen:
        base = PurePosixPath(member).name
        if base in mapping or base in source.unknown:
            source.ignored.append(member)
        elif spec_for(base) is None:
            source.unknown.append(base)
        else:
            mapping[base] = member
    source.all_names = sorted([*mapping, *source.unknown])
    return mapping


class _Copier:
    """Copy a stream, counting bytes and sniffing encoding problems."""

    def __init__(self, limits: Limits, budget: list[int]) -> None:
        self.limits = limits
        self.budget = budget
        self.lock = threading.Lock()
        # The compressed size of every member to extract (0: not a zip).
        self.archive_compressed = 0

    def copy(self, stream: IO[bytes], target: SourceFile, compressed: int) -> None:
        first = True
        last = b""
        with target.path.open("wb") as out:
            while chunk := stream.read(CHUNK):
                if first:
                    first = False
                    if chunk.startswith(BOM):
                        chunk = chunk[len(BOM) :]
                        target.had_bom = True
                    elif chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                        target.encoding = "utf-16"
                target.size += len(chunk)
                with self.lock:
                    self.budget[0] -= len(chunk)
                    left = self.budget[0]
                if left < 0:
                    raise GTFSError(
                        f"{target.member}: the feed uncompresses to more than "
                        f"{self.limits.max_total_bytes:,} bytes; refused as a "
                        "possible zip bomb"
                    )
                if (
                    compressed
                    and target.size > self.limits.ratio_floor_bytes
                    and target.size / compressed > self.limits.max_ratio
                ):
                    raise GTFSError(
                        f"{target.member}: compression ratio above "
                        f"{self.limits.max_ratio:.0f}:1; refused as a possible "
                        "zip bomb"
                    )
                total = self.limits.max_total_bytes - left
                if (
                    self.archive_compressed
                    and total > self.limits.ratio_floor_bytes
                    and total / self.archive_compressed > self.limits.max_ratio
                ):
                    # Many members each under the floor, together a bomb.
                    raise GTFSError(
                        f"{target.member}: compression ratio of the archive "
                        f"above {self.limits.max_ratio:.0f}:1; refused as a "
                        "possible zip bomb"
                    )
                _sniff(target, last, chunk)
                last = chunk[-2:]
                out.write(chunk)
        if last.endswith(b" "):
            target.maybe_whitespace = True
        if target.encoding != "utf-8" and target.name.endswith(".txt"):
            transcode(target)


def _sniff(target: SourceFile, last: bytes, chunk: bytes) -> None:
    """Note NUL bytes, blank lines and spaces near separators in a chunk."""
    if b"\x00" in chunk:
        target.has_nul = True
    joined = last + chunk
    if b"\n\n" in joined or b"\n\r\n" in joined:
        target.has_blank_line = True
    if (
        not target.maybe_whitespace
        # A single-byte search is far cheaper than the patterns.
        and (b" " in joined or b"\t" in joined)
        and any(p in joined for p in SPACE_PATTERNS)
    ):
        target.maybe_whitespace = True


def _resniff(target: SourceFile) -> None:
    """Look again at a transcoded file: the bytes seen while copying were
    those of another encoding (UTF-16 has a NUL in every ASCII character)."""
    target.has_nul = target.has_blank_line = target.maybe_whitespace = False
    last = b""
    with target.path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            _sniff(target, last, chunk)
            last = chunk[-2:]
    if last.endswith(b" "):
        target.maybe_whitespace = True


def ensure_utf8(target: SourceFile) -> bool:
    """Transcode a file that is not valid UTF-8; True when it was."""
    if target.encoding == "utf-8" and _decodes(target.path, "utf-8"):
        return True
    if target.encoding == "utf-8":
        target.encoding = "cp1252"
        transcode(target)
    return False


def transcode(target: SourceFile) -> None:
    """Rewrite a file in UTF-8 from its guessed encoding, streaming."""
    encoding = target.encoding
    if encoding == "cp1252":
        # cp1252 leaves five bytes undefined; latin-1 reads anything.
        encoding = "cp1252" if _decodes(target.path, "cp1252") else "latin-1"
        target.encoding = encoding
    tmp = target.path.with_suffix(".utf8")
    with (
        target.path.open(encoding=encoding, errors="replace", newline="") as src,
        tmp.open("w", encoding="utf-8", newline="") as dst,
    ):
        first = True
        while text := src.read(CHUNK):
            if first:
                text = text.lstrip("\ufeff")
                first = False
            dst.write(text)
    os.replace(tmp, target.path)
    _resniff(target)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(CHUNK):
                decoder.decode(chunk)
        except UnicodeDecodeError:
            return False
    return True


def _zip_members(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise GTFSError(f"{path.name}: not a readable zip archive ({exc})") from exc
    except OSError as exc:
        raise GTFSError(f"{path.name}: cannot be opened ({exc})") from exc


def open_source(path: Path, workdir: Path, *, limits: Limits | None = None) -> Source:
    """Copy the files of a zip or folder feed into ``workdir``.

    >>> source = open_source(Path("feed.zip"), Path("work"))  # doctest: +SKIP
    >>> sorted(source.files)  # doctest: +SKIP
    ['agency.txt', 'routes.txt', ...]
    """
    limits = limits or Limits()
    workdir.mkdir(parents=True, exist_ok=True)
    source = Source()
    budget = [limits.max_total_bytes]
    copier = _Copier(limits, budget)
    if path.is_dir():
        names = [p.relative_to(path).as_posix() for p in _walk(path)]
        mapping = _choose(names, source)
        for name, member in mapping.items():
            target = SourceFile(name, workdir / name, member)
            with (path / member).open("rb") as stream:
                copier.copy(stream, target, 0)
            source.files[name] = target
        return source
    if not path.is_file():
        raise GTFSError(f"{path}: no such file or folder")
    with _zip_members(path) as archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise GTFSError(
                f"{path.name}: {len(infos):,} members, more than the "
                f"{limits.max_members:,} allowed"
            )
        by_name = {i.filename: i for i in infos}
        mapping = _choose([i.filename for i in infos], source)
        chosen = [by_name[member] for member in mapping.values()]
        declared = sum(i.file_size for i in chosen)
        if declared > limits.max_total_bytes:
            raise GTFSError(
                f"{path.name}: declares {declared:,} uncompressed bytes, more than "
                f"the {limits.max_total_bytes:,} allowed; refused as a possible "
                "zip bomb"
            )
        compressed = sum(i.compress_size for i in chosen)
        copier.archive_compressed = compressed

        def extract(name: str) -> SourceFile:
            member = mapping[name]
            info = by_name[member]
            if info.flag_bits & 0x1:
                raise GTFSError(f"{path.name}: {member} is encrypted")
            target = SourceFile(name, workdir / name, member)
            try:
                with archive.open(info) as stream:
                    copier.copy(stream, target, info.compress_size)
            except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
                raise GTFSError(
                    f"{path.name}: {member} cannot be uncompressed ({exc}); the "
                    "archive is truncated or corrupt"
                ) from exc
            except OSError as exc:
                raise GTFSError(f"{path.name}: {member} unreadable ({exc})") from exc
            return target

        # Largest first, two at a time: zlib releases the GIL.
        names = sorted(mapping, key=lambda n: -by_name[mapping[n]].file_size)
        with ThreadPoolExecutor(max_workers=2) as pool:
            for target in pool.map(extract, names):
                source.files[target.name] = target
    return source


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, _dirnames, filenames in os.walk(root):
        for filename in filenames:
            yield Path(dirpath) / filename
